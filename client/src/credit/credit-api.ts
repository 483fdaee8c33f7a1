import { request } from '../api/client.js'
import type { CardView, MerchantRecord } from '../../../server/credit/credit.repository.js'
import type { CardBody, InspectionBody, PointsBody, RevokeBody } from '../../../server/credit/credit.schemas.js'

/**
 * The 门前三包 credit API as the zone panel uses it. Bodies are the server's own schemas and the
 * record is the server's own shape (types only), so the compiler notices when the two drift.
 */
export type { CardView, MerchantRecord }

export interface FrontageCredit {
  zone: { id: number; kind: string; code: string; name: string }
  merchant: MerchantRecord | null
}

export const creditApi = {
  frontage: (zoneId: number) => request<FrontageCredit>('GET', `/api/credit/frontages/${zoneId}`),
  giveCard: (body: CardBody) => request<CardView>('POST', '/api/credit/cards', body),
  revokeCard: (id: number, body: RevokeBody) => request<CardView>('POST', `/api/credit/cards/${id}/revoke`, body),
  addPoints: (body: PointsBody) => request<{ balance_after: number }>('POST', '/api/credit/points', body),
  recordInspection: (body: InspectionBody) => request<{ id: number }>('POST', '/api/credit/inspections', body),
}
