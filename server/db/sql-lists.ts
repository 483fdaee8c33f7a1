import { sql, type RawBuilder } from 'kysely'

/** An ILIKE pattern matching `text` anywhere in a value, with its own %, _ and backslashes taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/** A list of ids as a subquery, so that thousands of ids are one parameter. */
export function idsIn(ids: readonly number[]): RawBuilder<unknown> {
  return sql`(SELECT value::int FROM json_array_elements_text(${JSON.stringify(ids)}::json))`
}
