import { query, request } from '../api/client.js'
import type { Static } from 'typebox'
import type {
  CreateStaffBody, EffectiveRequirement, PutRequirementBody, Requirement, SixStaffReport, SplitShiftsBody, Staff, UpdateStaffBody,
} from '../../../server/rosters/rosters.schemas.js'

/** The rosters API (server/rosters/, docs/rosters.md) as the zone panel uses it; the shapes are the server's schemas. */
export type { Staff, SixStaffReport }
export type EffectiveRequirementRow = Static<typeof EffectiveRequirement>
export type RequirementRow = Static<typeof Requirement>

export const rostersApi = {
  staff: (zoneId: number) => request<Staff[]>('GET', `/api/zones/${zoneId}/staff`),
  addStaff: (zoneId: number, body: CreateStaffBody) => request<Staff>('POST', `/api/zones/${zoneId}/staff`, body),
  splitShifts: (zoneId: number, body: SplitShiftsBody) => request<Staff[]>('POST', `/api/zones/${zoneId}/staff/shifts`, body),
  updateStaff: (id: number, body: UpdateStaffBody) => request<Staff>('PUT', `/api/zone-staff/${id}`, body),
  removeStaff: (id: number, version: number) => request<void>('DELETE', `/api/zone-staff/${id}${query({ version })}`),
  sixStaff: (zoneId: number) => request<SixStaffReport>('GET', `/api/zones/${zoneId}/six-staff`),
  requirements: (zoneId: number) =>
    request<{ kinds: RequirementRow[]; zones: RequirementRow[]; effective?: EffectiveRequirementRow[] }>('GET', `/api/patrol-requirements${query({ zone_id: zoneId })}`),
  putRequirement: (body: PutRequirementBody) => request<RequirementRow>('PUT', '/api/patrol-requirements', body),
  removeRequirement: (id: number, version: number) => request<void>('DELETE', `/api/patrol-requirements/${id}${query({ version })}`),
}
