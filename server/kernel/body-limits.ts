/** The body every route accepts by default. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024

/** Large bodies (imports, batch resolution) are allowed only on the routes that take them. */
export const LARGE_BODY_LIMIT = 128 * 1024 * 1024
