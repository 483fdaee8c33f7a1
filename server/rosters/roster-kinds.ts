/**
 * The words of rosters (五定, 下沉六员) in one table: the roles a person holds on a zone (the same
 * as patrol.role and patrol_requirement.role, sql/015) and the six departments a street's staff
 * are sent by. Pure data, so the client and the signboards read the same labels.
 */

export const staffRoles = ['chief', 'grid_worker', 'leader', 'department', 'volunteer', 'other'] as const
export type StaffRole = (typeof staffRoles)[number]

export const staffRoleLabels: Record<StaffRole, { zh: string; en: string }> = {
  chief: { zh: '街长/网格长', en: 'Chief' },
  grid_worker: { zh: '网格员', en: 'Grid worker' },
  leader: { zh: '包联领导', en: 'Leader' },
  department: { zh: '部门下沉人员', en: 'Department staff' },
  volunteer: { zh: '志愿者/小巷管家', en: 'Volunteer' },
  other: { zh: '其他', en: 'Other' },
}

/** 下沉六员: the six departments that send staff to each street, in the order cities list them. */
export const departmentKinds = ['sanitation', 'enforcement', 'traffic', 'food_drug', 'market', 'grid'] as const
export type DepartmentKind = (typeof departmentKinds)[number]

export const departmentKindLabels: Record<DepartmentKind, { zh: string; en: string; member: string }> = {
  sanitation: { zh: '环卫', en: 'Sanitation', member: '环卫保洁员' },
  enforcement: { zh: '执法', en: 'Enforcement', member: '城管执法队员' },
  traffic: { zh: '交警', en: 'Traffic police', member: '交警（辅警）' },
  food_drug: { zh: '食药', en: 'Food and drug', member: '食药监管员' },
  market: { zh: '工商', en: 'Market regulation', member: '市场监管员' },
  grid: { zh: '网格', en: 'Grid office', member: '网格员' },
}

export const requirementPeriods = ['day', 'week', 'month'] as const
export type RequirementPeriod = (typeof requirementPeriods)[number]

export const isStaffRole = (value: string): value is StaffRole => (staffRoles as readonly string[]).includes(value)
export const isDepartmentKind = (value: string): value is DepartmentKind => (departmentKinds as readonly string[]).includes(value)

/** How a person is named publicly: their 六员 kind when sent by a department, else their role. */
export function publicRoleOf(role: StaffRole, departmentKind: DepartmentKind | null): string {
  return departmentKind ? departmentKindLabels[departmentKind].member : staffRoleLabels[role].zh
}
