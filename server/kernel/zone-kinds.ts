/**
 * Everything Jiezhang knows about each kind of zone, in one table. The server (resolution order,
 * parent rules, duties, coverage scopes, signboards, SQL) and the client (map styles, legend,
 * panels) derive what they need from it; `sql/003_zone_kind.sql` holds the same rows for the
 * database's foreign keys, and a test checks that the two agree. Adding a kind is adding a row
 * here and in a migration (docs/architecture.md lists the rest).
 *
 * Pure data and pure functions: no database, HTTP or DOM imports, so the client may import it.
 */

/** The kinds, in the order of the administrative tree, top down. */
export const zoneKinds = ['district', 'subdistrict', 'community', 'grid', 'street', 'segment', 'frontage'] as const
export type ZoneKind = (typeof zoneKinds)[number]

/** The slots a party fills on a zone (DESIGN §3). */
export const duties = ['chief', 'department', 'merchant', 'fallback'] as const
export type Duty = (typeof duties)[number]

export interface ZoneKindFacts {
  label: { zh: string; en: string }
  /** `line`: a centre line plus a width owns the area within half the width; `area`: a polygon. */
  geometry: 'area' | 'line'
  /**
   * `jurisdiction`: the administrative tree, whose zones only fall back (属地兜底);
   * `owner`: zones that own the points they cover.
   */
  family: 'jurisdiction' | 'owner'
  /** Place in a resolution chain, 0 the most specific (DESIGN §4.2). */
  chainOrder: number
  /** Allowed parent kinds, most usual first; empty: the kind has no parent. */
  parents: readonly ZoneKind[]
  parentRequired: boolean
  /** Duties a zone of this kind can have filled. */
  duties: readonly Duty[]
  /** The role a chief of this kind of zone has unless the assignment names another. */
  chiefRole: string
  /**
   * The signboard (公示牌) made for this kind, or null where none is made. `preference`: where
   * kinds share a code, the board of the lowest one is printed unless the request names a kind.
   * `batch`: printed in batches for every such zone under a jurisdiction.
   */
  signboard: { title: string; batch: boolean; preference: number } | null
  /** CJ/T 213-2005 code digits, where the kind's code extends its parent's. */
  cjt?: { parent: ZoneKind; parentDigits: number; digits: number }
  /**
   * How the map draws it: its legend colour (zones themselves take their chief's colour) and its
   * line width in pixels; a line kind's width grows with the zoom from `lineWidth` at zoom 12 to
   * `nearLineWidth` at street level (zoom 17).
   */
  map: { colour: string; lineWidth?: number; nearLineWidth?: number }
}

// `satisfies`, not a type annotation, so that types such as SignboardKind can be read off the rows;
// the rest of the code reads the rows through the wide type below.
const literalTable = {
  district: {
    label: { zh: '区/县', en: 'District' },
    geometry: 'area',
    family: 'jurisdiction',
    chainOrder: 6,
    parents: [],
    parentRequired: false,
    duties: ['chief', 'department', 'fallback'],
    chiefRole: '区总街长',
    signboard: null,
    map: { colour: '#5d4037', lineWidth: 3 },
  },
  subdistrict: {
    label: { zh: '街道/乡镇', en: 'Sub-district' },
    geometry: 'area',
    family: 'jurisdiction',
    chainOrder: 5,
    // A city may start its tree at the sub-district, the level that runs the street-chief system.
    parents: ['district'],
    parentRequired: false,
    duties: ['chief', 'department', 'fallback'],
    chiefRole: '街道总街长',
    signboard: null,
    cjt: { parent: 'district', parentDigits: 6, digits: 9 },
    map: { colour: '#5d4037', lineWidth: 2.5 },
  },
  community: {
    label: { zh: '社区/村', en: 'Community' },
    geometry: 'area',
    family: 'jurisdiction',
    chainOrder: 4,
    parents: ['subdistrict'],
    parentRequired: true,
    duties: ['chief', 'department', 'fallback'],
    chiefRole: '社区书记',
    signboard: { title: '社区责任公示牌', preference: 3, batch: false },
    cjt: { parent: 'subdistrict', parentDigits: 9, digits: 12 },
    map: { colour: '#5d4037', lineWidth: 1.5 },
  },
  grid: {
    label: { zh: '单元网格', en: 'Unit grid' },
    geometry: 'area',
    family: 'owner',
    chainOrder: 3,
    parents: ['community'],
    parentRequired: true,
    duties: ['chief', 'department'],
    chiefRole: '网格长',
    signboard: { title: '网格长公示牌', preference: 2, batch: true },
    cjt: { parent: 'community', parentDigits: 12, digits: 14 },
    map: { colour: '#1e88e5', lineWidth: 1.2 },
  },
  street: {
    label: { zh: '街巷', en: 'Street' },
    geometry: 'line',
    family: 'owner',
    chainOrder: 2,
    parents: ['subdistrict', 'community', 'district'],
    parentRequired: false,
    duties: ['chief', 'department'],
    chiefRole: '街长',
    signboard: { title: '街长公示牌', preference: 0, batch: true },
    map: { colour: '#43a047', lineWidth: 2, nearLineWidth: 8 },
  },
  segment: {
    label: { zh: '路段', en: 'Segment' },
    geometry: 'line',
    family: 'owner',
    chainOrder: 1,
    parents: ['street'],
    parentRequired: true,
    duties: ['chief', 'department'],
    chiefRole: '段长',
    signboard: { title: '段长公示牌', preference: 1, batch: true },
    map: { colour: '#f4511e', lineWidth: 3, nearLineWidth: 10 },
  },
  frontage: {
    label: { zh: '门前三包', en: 'Frontage' },
    geometry: 'area',
    family: 'owner',
    chainOrder: 0,
    parents: ['segment', 'street', 'grid', 'community'],
    parentRequired: false,
    // A frontage answers through its merchant (门前三包) first.
    duties: ['merchant', 'chief', 'department'],
    chiefRole: '责任人',
    signboard: null,
    map: { colour: '#8e24aa' },
  },
} as const satisfies Record<ZoneKind, ZoneKindFacts>

export const zoneKindTable: Readonly<Record<ZoneKind, ZoneKindFacts>> = literalTable

export const kindFacts = (kind: ZoneKind): ZoneKindFacts => zoneKindTable[kind]

type Table = typeof literalTable
/** Kinds a signboard is made for. */
export type SignboardKind = { [K in ZoneKind]: Table[K]['signboard'] extends null ? never : K }[ZoneKind]
/** Kinds whose signboards are printed in batches. */
export type BatchKind = { [K in ZoneKind]: Table[K]['signboard'] extends { batch: true } ? K : never }[ZoneKind]

const kindsWhere = (test: (facts: ZoneKindFacts) => boolean): ZoneKind[] => zoneKinds.filter((kind) => test(zoneKindTable[kind]))

/** Kinds ordered as a resolution chain lists them: most specific first. */
export const chainKinds: readonly ZoneKind[] = [...zoneKinds].sort((a, b) => zoneKindTable[a].chainOrder - zoneKindTable[b].chainOrder)
/** The administrative tree: zones that only fall back. */
export const jurisdictionKinds: readonly ZoneKind[] = kindsWhere((facts) => facts.family === 'jurisdiction')
/** Zones that own the points they cover. */
export const ownerKinds: readonly ZoneKind[] = kindsWhere((facts) => facts.family === 'owner')
/** Zones drawn as a centre line and a width. */
export const lineKinds: readonly ZoneKind[] = kindsWhere((facts) => facts.geometry === 'line')
/** Kinds a signboard is made for, in the order a code shared by several kinds prefers them. */
export const signboardKinds = zoneKinds
  .filter((kind): kind is SignboardKind => zoneKindTable[kind].signboard !== null)
  .sort((a, b) => zoneKindTable[a].signboard!.preference - zoneKindTable[b].signboard!.preference) as readonly SignboardKind[]
/** Kinds printed in batches, in the same order. */
export const batchKinds = signboardKinds.filter((kind): kind is BatchKind => zoneKindTable[kind].signboard!.batch) as readonly BatchKind[]

/**
 * The duties any one of which, held now, counts a zone as answered for in the coverage audit
 * (DESIGN §5), the first named when none is: a jurisdiction answers through its fall-back party,
 * any other zone through its duties other than the department (a frontage's merchant or chief).
 */
export function answeringDuties(kind: ZoneKind): readonly Duty[] {
  const facts = kindFacts(kind)
  return facts.family === 'jurisdiction' ? ['fallback'] : facts.duties.filter((duty) => duty !== 'department')
}

export const isDuty = (value: unknown): value is Duty => typeof value === 'string' && (duties as readonly string[]).includes(value)
export const isZoneKind = (value: unknown): value is ZoneKind => typeof value === 'string' && (zoneKinds as readonly string[]).includes(value)
export const isJurisdictionKind = (kind: ZoneKind): boolean => zoneKindTable[kind].family === 'jurisdiction'
export const isOwnerKind = (kind: ZoneKind): boolean => zoneKindTable[kind].family === 'owner'
export const isLineKind = (kind: ZoneKind): boolean => zoneKindTable[kind].geometry === 'line'
