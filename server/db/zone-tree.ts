import { sql, type RawBuilder } from 'kysely'

/**
 * The zone tree (parent_id) walked in SQL, one way everywhere. Each builder is a named recursive
 * common table expression, to be placed after `WITH RECURSIVE`:
 *
 *   sql`WITH RECURSIVE ${ancestorsOf('up', ids)} SELECT … FROM up …`
 *
 * Parent checks keep the tree acyclic; the depth bound is there so that a row written by hand
 * into the database cannot make a query loop. District > sub-district > community > grid or
 * street > segment > frontage is seven levels; a city may nest more (a scenic area, a household
 * group), never thirty-two.
 */
export const MAX_TREE_DEPTH = 32

/**
 * Columns `(start_id, id, parent_id, depth)`: every start zone itself at depth 0, then each of
 * its ancestors, one row per level. Starts that do not exist give no rows. The starts are ids, or
 * a subquery of ids (`(SELECT id FROM grid)`, an earlier expression of the same WITH).
 */
export function ancestorsOf(name: string, startIds: readonly number[] | RawBuilder<unknown>): RawBuilder<unknown> {
  const isStart = isIdList(startIds) ? sql`z.id = ANY(${[...startIds]}::int4[])` : sql`z.id IN ${startIds}`
  return sql`${sql.id(name)} (start_id, id, parent_id, depth) AS (
    SELECT z.id AS start_id, z.id, z.parent_id, 0 AS depth
    FROM zone z WHERE ${isStart}
    UNION ALL
    SELECT walk.start_id, parent.id, parent.parent_id, walk.depth + 1
    FROM ${sql.id(name)} walk JOIN zone parent ON parent.id = walk.parent_id
    WHERE walk.depth < ${sql.lit(MAX_TREE_DEPTH)})`
}

/**
 * Columns `(id, parent_id, depth)`: the root itself at depth 0, then every zone below it.
 */
export function subtreeOf(name: string, rootId: number): RawBuilder<unknown> {
  return sql`${sql.id(name)} (id, parent_id, depth) AS (
    SELECT z.id, z.parent_id, 0 AS depth FROM zone z WHERE z.id = ${rootId}
    UNION ALL
    SELECT child.id, child.parent_id, walk.depth + 1
    FROM zone child JOIN ${sql.id(name)} walk ON child.parent_id = walk.id
    WHERE walk.depth < ${sql.lit(MAX_TREE_DEPTH)})`
}

const isIdList = (value: readonly number[] | RawBuilder<unknown>): value is readonly number[] => Array.isArray(value)
