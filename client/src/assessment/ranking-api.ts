import { query, request } from '../api/client.js'
import type { Ranking } from '../../../server/reports/ranking.js'
import type { PublicationAnswer } from '../../../server/reports/reports.schemas.js'
import type { AssessmentUnit } from '../../../server/assessment/types.js'
import type { IndicatorKey } from '../../../server/reports/indicators.js'

/** The reports API (server/reports/, docs/reports.md) as the ranking page uses it; the shapes are the server's own types. */
export type { Ranking }
export type RankingParams = { period?: string; from?: string; to?: string; by: AssessmentUnit; sort: IndicatorKey }

export const reports = {
  ranking: (params: RankingParams) => request<Ranking>('GET', `/api/assessment/ranking${query(params)}`),
  exportUrl: (format: 'xlsx' | 'pdf', params: RankingParams) =>
    `/api/assessment/${format === 'xlsx' ? 'export.xlsx' : 'report.pdf'}${query(params)}`,
  publication: () => request<PublicationAnswer>('GET', '/api/assessment/publication'),
}
