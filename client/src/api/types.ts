/**
 * The engine's shapes, as the HTTP API contract describes them: types only, straight from the
 * server's TypeBox schemas, so the compiler notices when client and server drift apart. Nothing
 * here pulls typebox into the bundle: `export type` is erased, and the kind lists come from the
 * kernel's pure zone-kind table.
 */
import type { Geometry, ZoneKind } from '../../../server/kernel/schemas.js'
import type { CreateZoneBody, UpdateZoneBody, ZoneFeatureCollection } from '../../../server/zones/zones.schemas.js'
import type { ResolveQuery } from '../../../server/resolve/resolve.schemas.js'

export type { Contact, ErrorDetail, ErrorResponse, Geometry, ZoneKind, ZoneRef } from '../../../server/kernel/schemas.js'
export type { ErrorCode } from '../../../server/kernel/error-codes.js'
export type { Duty } from '../../../server/kernel/zone-kinds.js'
export type { DeletedZone, WrittenZoneFeature, ZoneFeature, ZoneProperties } from '../../../server/zones/zones.schemas.js'
export type { Link, Resolution as ResolveResult, RoutedDepartment } from '../../../server/resolve/resolve.schemas.js'
export type {
  AuditChanges as AuditFindings,
  AuditEffect as WriteAudit,
  CoverageReport,
  Jurisdiction,
  JurisdictionEffect as JurisdictionAudit,
  Unassigned,
} from '../../../server/coverage/coverage.schemas.js'
export type { Assignment, WrittenAssignment } from '../../../server/assignments/assignments.schemas.js'
export type { Category, CategoryRoute, WrittenCategoryRoute } from '../../../server/categories/categories.schemas.js'
export type { Party } from '../../../server/parties/parties.schemas.js'
export type { ImportResponse, ExportResponse } from '../../../server/transfer/transfer.schemas.js'
export type {
  Job as SignboardJob,
  Orientation,
  PaperSize as Paper,
  SignboardKind,
} from '../../../server/signboards/signboards.schemas.js'

export type ZoneCollection = ZoneFeatureCollection
/** A new zone as the editor sends it: the create body, with the kind and GeoJSON the editor has. */
export type ZoneInput = CreateZoneBody & { kind: ZoneKind; geometry: Geometry }
export type ZonePatch = UpdateZoneBody
export type Crs = NonNullable<ResolveQuery['crs']>

export type { GrantView, SessionInfo } from '../../../server/auth/session.schemas.js'
export type { Permission, Role } from '../../../server/kernel/permissions.js'
