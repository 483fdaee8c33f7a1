/**
 * Who may do what (DESIGN.md §9): permissions are named strings, granted through roles; every
 * grant carries a scope. This file is the one table of both. Pure data, so the client imports it
 * to show only the tools a person may use (the server still decides).
 */

export const permissionNames = {
  'zones.read': 'Read zones, their holders, categories and the coverage audit',
  'zones.edit': 'Draw, change and delete zones',
  'assignments.edit': 'Appoint and end chiefs, departments, merchants and fall-back parties',
  'categories.edit': 'Create problem categories and route them to departments',
  'parties.read': 'Read the directory of parties',
  'parties.edit': 'Create, change and delete parties',
  'parties.contact': 'See phone numbers their owners marked private, unmasked',
  resolve: 'Resolve a point to its chain of responsible parties',
  'resolve.batch': 'Resolve many points at once',
  'transfer.import': 'Import zones, parties and assignments',
  'transfer.export': 'Export the data set (with personal data only together with parties.contact)',
  'signboards.print': 'Render signboards and batches of them',
  'users.manage': 'Create accounts, reset passwords, grant and revoke roles, issue API tokens',
  'audit.read': 'Read the audit trail',
  'audit.export': 'Export the audit trail',
  'security.policy': 'Set the password, lockout, session and two-factor policy',
  'cases.read': 'Read cases and their timelines',
  'cases.report': 'Enter a case for a citizen or from a patrol (hotline call, patrol finding, another system)',
  'cases.dispatch': 'File or void, dispatch, send back, approve extensions and parking, mark duplicates',
  'cases.handle': 'Accept, hand back, ask for an extension and mark handled the cases sent to oneself',
  'cases.verify': 'Verify a handled case on the spot, and close it or send it back for rework',
  'cases.contact': "See a reporter's phone number unmasked (each unmasking is recorded)",
  'cases.configure': 'Set the working calendar, the categories\' time limits and the notification channels',
  'patrols.record': 'Record one\'s own patrols (start, positions, stop, GPX upload) and read one\'s own tracks',
  'patrols.read': 'Read patrols as aggregates: time and distance per zone, counts against the required frequency',
  'patrols.tracks': "Read other people's raw patrol tracks (行踪轨迹, sensitive personal data; each read is recorded)",
  'rosters.edit': 'Set the staff, shifts, duties and required patrol frequencies of zones (五定, 下沉六员)',
  'assessment.read': 'Read the assessment indicators, rankings and monthly reports',
  'assessment.configure': "Set the district's assessment rules (weights, thresholds) and what is published",
  'credit.read': "Read the 门前三包 merchants' credit records",
  'credit.edit': 'Give red and yellow cards and points, record inspections, set the credit rules',
} as const

export type Permission = keyof typeof permissionNames
export const allPermissions = Object.keys(permissionNames) as Permission[]

/**
 * What a scope of a grant may be: the whole city; a jurisdiction (district, sub-district or
 * community) and every zone under it; or a party — a department and what is routed to it, or a
 * chief and the zones they hold.
 */
export type ScopeKind = 'all' | 'jurisdiction' | 'party'

interface RoleFacts {
  /** Chinese and English names, for the user screens. */
  label: { zh: string; en: string }
  permissions: readonly Permission[]
  /** Which scopes a grant of this role may have. */
  scopes: readonly ScopeKind[]
}

const readZones = ['zones.read', 'parties.read', 'resolve'] as const satisfies readonly Permission[]

/**
 * The roles. The three administrators are separated as 等保 2.0 asks: the system administrator
 * manages accounts but cannot read the audit; the audit administrator reads and exports it and
 * cannot change accounts; the security administrator sets the policy. `administrator` is the
 * bootstrap account of a deployment (ADMIN_LOGIN / ADMIN_TOKEN, or the first run's one-time
 * password): it may do everything, and an office should hand its work to the separated roles.
 */
export const roleTable = {
  planner: {
    label: { zh: '规划员', en: 'Planner' },
    permissions: [
      ...readZones, 'zones.edit', 'assignments.edit', 'categories.edit', 'parties.edit', 'parties.contact',
      'resolve.batch', 'transfer.import', 'transfer.export', 'signboards.print', 'cases.read', 'cases.configure',
      'patrols.read', 'rosters.edit', 'assessment.read', 'assessment.configure', 'credit.read', 'credit.edit',
    ],
    scopes: ['all', 'jurisdiction'],
  },
  dispatcher: {
    label: { zh: '调度员', en: 'Dispatcher' },
    permissions: [
      ...readZones, 'parties.contact', 'resolve.batch',
      'cases.read', 'cases.report', 'cases.dispatch', 'cases.verify', 'cases.contact',
      'patrols.read', 'assessment.read', 'credit.read', 'credit.edit',
    ],
    scopes: ['all', 'jurisdiction'],
  },
  chief: {
    label: { zh: '街长/网格长', en: 'Chief' },
    permissions: [...readZones, 'cases.read', 'cases.report', 'cases.handle', 'patrols.record'],
    scopes: ['party'],
  },
  department_handler: {
    label: { zh: '部门处置人员', en: 'Department handler' },
    permissions: [...readZones, 'cases.read', 'cases.report', 'cases.handle'],
    scopes: ['party'],
  },
  grid_worker: {
    label: { zh: '网格员', en: 'Grid worker' },
    permissions: [...readZones, 'cases.read', 'cases.report', 'cases.handle', 'cases.verify', 'patrols.record', 'credit.read'],
    scopes: ['jurisdiction'],
  },
  leader: {
    label: { zh: '领导', en: 'Leader' },
    permissions: [...readZones, 'cases.read', 'patrols.record', 'patrols.read', 'assessment.read', 'credit.read'],
    scopes: ['all', 'jurisdiction'],
  },
  viewer: {
    label: { zh: '只读用户', en: 'Viewer' },
    permissions: [...readZones, 'cases.read'],
    scopes: ['all', 'jurisdiction'],
  },
  system_admin: {
    label: { zh: '系统管理员', en: 'System administrator' },
    permissions: ['users.manage', 'zones.read', 'parties.read'],
    scopes: ['all'],
  },
  audit_admin: {
    label: { zh: '审计管理员', en: 'Audit administrator' },
    permissions: ['audit.read', 'audit.export'],
    scopes: ['all'],
  },
  security_admin: {
    label: { zh: '安全管理员', en: 'Security administrator' },
    permissions: ['security.policy'],
    scopes: ['all'],
  },
  administrator: {
    label: { zh: '初始管理员', en: 'Bootstrap administrator' },
    permissions: allPermissions,
    scopes: ['all'],
  },
} as const satisfies Record<string, RoleFacts>

export type Role = keyof typeof roleTable
export const roles = Object.keys(roleTable) as Role[]

export function isRole(value: string): value is Role {
  return Object.hasOwn(roleTable, value)
}

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(permissionNames, value)
}

/**
 * What a route needs, declared next to it in `config.permission`: a permission, or `public` for
 * the few routes a citizen uses without an account (the `/r/` page, the signboard, health), or
 * `session` for a route any signed-in person may use on themselves (their own session).
 */
export type RouteAccess = Permission | 'public' | 'session'
