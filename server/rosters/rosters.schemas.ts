import { Type, type Static } from 'typebox'
import { literals, nullable, ZoneRef } from '../kernel/schemas.js'
import { phone, title } from '../parties/parties.schemas.js'
import { departmentKinds, requirementPeriods, staffRoles } from './roster-kinds.js'

/**
 * The shapes of the rosters API (docs/rosters.md). Enumerations and lengths are checked here;
 * times of day, dates and the rules between fields (a shift inside a day, no two shifts of one
 * person on one zone overlapping) are checked by the service so that each problem names its field.
 */

const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 })
const Version = Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'The version read last; a stale one is 409 version_conflict' })
export const StaffRole = literals(staffRoles, staffRoles.join(', '))
export const DepartmentKind = literals(departmentKinds, `下沉六员: ${departmentKinds.join(', ')}`)
const Time = Type.String({ maxLength: 5, description: 'Local time HH:MM (China Standard Time); an end may be 24:00' })
const DateText = Type.String({ maxLength: 10, description: 'YYYY-MM-DD' })

const ShiftInput = Type.Object(
  { label: Type.Optional(nullable(Type.String({ maxLength: 40 }))), start: Time, end: Time },
  { additionalProperties: false, description: 'Inside one day: end after start' },
)

const PartyInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    phone: Type.Optional(nullable(phone)),
    title: Type.Optional(nullable(title)),
  },
  { additionalProperties: false, description: 'A person, found by name and phone or created' },
)

const staffFields = {
  role: StaffRole,
  department_kind: Type.Optional(nullable(DepartmentKind)),
  shift: Type.Optional(nullable(ShiftInput)),
  duties: Type.Optional(nullable(Type.String({ maxLength: 2000 }))),
  standards: Type.Optional(nullable(Type.String({ maxLength: 2000 }))),
  shown_publicly: Type.Optional(Type.Boolean({ description: 'Listed on the /r/ page (and the signboard where the city wants it)' })),
  valid_from: Type.Optional(DateText),
  valid_to: Type.Optional(nullable(DateText)),
}

export const CreateStaffBody = Type.Object(
  { party_id: Type.Optional(Id), party: Type.Optional(PartyInput), ...staffFields },
  { additionalProperties: false },
)
export type CreateStaffBody = Static<typeof CreateStaffBody>

export const UpdateStaffBody = Type.Object(
  { version: Version, party_id: Type.Optional(Id), party: Type.Optional(PartyInput), ...staffFields },
  { additionalProperties: false, description: 'The whole row as it should be (fields left out take their defaults)' },
)
export type UpdateStaffBody = Static<typeof UpdateStaffBody>

export const SplitShiftsBody = Type.Object(
  {
    start: Time,
    end: Time,
    count: Type.Integer({ minimum: 1, maximum: 12 }),
    staff: Type.Array(
      Type.Object({ party_id: Type.Optional(Id), party: Type.Optional(PartyInput) }, { additionalProperties: false }),
      { minItems: 1, maxItems: 12, description: 'One person per shift, in shift order' },
    ),
    role: StaffRole,
    department_kind: Type.Optional(nullable(DepartmentKind)),
    duties: Type.Optional(nullable(Type.String({ maxLength: 2000 }))),
    standards: Type.Optional(nullable(Type.String({ maxLength: 2000 }))),
    shown_publicly: Type.Optional(Type.Boolean()),
    valid_from: Type.Optional(DateText),
    valid_to: Type.Optional(nullable(DateText)),
  },
  { additionalProperties: false },
)
export type SplitShiftsBody = Static<typeof SplitShiftsBody>

export const DeleteStaffQuery = Type.Object({ version: Version }, { additionalProperties: false })
export const StaffListQuery = Type.Object(
  { at: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-MM-DD: only the rows valid that day' })) },
  { additionalProperties: false },
)

export const StaffParty = Type.Object({ id: Type.Integer(), name: Type.String(), phone: nullable(Type.String()), title: nullable(Type.String()) })

export const Staff = Type.Object({
  id: Type.Integer(),
  zone_id: Type.Integer(),
  party: StaffParty,
  role: StaffRole,
  department_kind: nullable(DepartmentKind),
  shift: nullable(Type.Object({ label: nullable(Type.String()), start: Type.String(), end: Type.String() })),
  duties: nullable(Type.String()),
  standards: nullable(Type.String()),
  shown_publicly: Type.Boolean(),
  valid_from: Type.String({ description: 'YYYY-MM-DD' }),
  valid_to: nullable(Type.String({ description: 'YYYY-MM-DD, the last day; null: open' })),
  current: Type.Boolean({ description: 'Valid today (China Standard Time)' }),
  version: Type.Integer(),
})
export type Staff = Static<typeof Staff>
export const StaffList = Type.Array(Staff, { description: 'By shift start, then role and name' })

export const SixKind = Type.Object({
  kind: DepartmentKind,
  label: Type.String(),
  staffed: Type.Boolean(),
  staff: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), shift: nullable(Type.String()) })),
})
export const SixStaffReport = Type.Object({
  zone: ZoneRef,
  at: Type.String({ description: 'The day the report is of, YYYY-MM-DD' }),
  kinds: Type.Array(SixKind, { description: 'The six, in order' }),
  staffed: Type.Array(DepartmentKind),
  missing: Type.Array(DepartmentKind),
  complete: Type.Boolean(),
})
export type SixStaffReport = Static<typeof SixStaffReport>

export const GapsQuery = Type.Object(
  {
    within: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'A jurisdiction code: only the streets under it' })),
    at: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-MM-DD; default today' })),
  },
  { additionalProperties: false },
)
export const GapsReport = Type.Object({
  at: Type.String(),
  streets: Type.Integer({ description: 'Streets looked at (in the caller’s scope)' }),
  gaps: Type.Array(Type.Object({ zone: ZoneRef, staffed: Type.Array(DepartmentKind), missing: Type.Array(DepartmentKind) })),
})

const Period = literals(requirementPeriods, requirementPeriods.join(', '))
export const Requirement = Type.Object({
  id: Type.Integer(),
  zone_kind: nullable(Type.String()),
  zone: nullable(ZoneRef),
  role: StaffRole,
  times: Type.Integer(),
  per: Period,
  version: Type.Integer(),
})
export const EffectiveRequirement = Type.Object({
  role: StaffRole,
  times: Type.Integer(),
  per: Period,
  source: literals(['kind', 'zone'] as const, "kind: the zone kind's row; zone: the zone's own override"),
  requirement_id: Type.Integer(),
})
export const RequirementsQuery = Type.Object(
  { zone_id: Type.Optional(Id) },
  { additionalProperties: false },
)
export const RequirementsAnswer = Type.Object({
  kinds: Type.Array(Requirement, { description: 'Per zone kind' }),
  zones: Type.Array(Requirement, { description: 'Per-zone overrides (in the caller’s scope)' }),
  effective: Type.Optional(Type.Array(EffectiveRequirement, { description: 'With zone_id: what that zone requires, role by role' })),
})
export const PutRequirementBody = Type.Object(
  {
    zone_kind: Type.Optional(Type.String({ maxLength: 40 })),
    zone_id: Type.Optional(Id),
    role: StaffRole,
    times: Type.Integer({ minimum: 1, maximum: 1000 }),
    per: Period,
    version: Type.Optional(Version),
  },
  { additionalProperties: false, description: 'One of zone_kind and zone_id; a row that exists needs its version' },
)
export type PutRequirementBody = Static<typeof PutRequirementBody>

export const SignboardSetting = Type.Object({
  id: Type.Integer(),
  jurisdiction: nullable(ZoneRef),
  zone_kind: nullable(Type.String()),
  shown: Type.Boolean(),
  version: Type.Integer(),
})
export const PutSignboardSettingBody = Type.Object(
  {
    jurisdiction_id: Type.Optional(nullable(Id)),
    zone_kind: Type.Optional(nullable(Type.String({ maxLength: 40 }))),
    shown: Type.Boolean(),
    version: Type.Optional(Version),
  },
  { additionalProperties: false },
)
export type PutSignboardSettingBody = Static<typeof PutSignboardSettingBody>
