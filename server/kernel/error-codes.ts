/**
 * Every error code the API answers with, and its HTTP status: one situation, one code, one status
 * (docs/errors.md lists them with the situations). A `DomainError` takes a code and derives its
 * status from here, so a code cannot be sent with two statuses.
 *
 * Pure data: no HTTP or database imports, so the client may import the type.
 */
export const errorStatus = {
  // 400: the request is malformed; the caller must change it.
  invalid_request: 400,
  invalid_time: 400,
  empty_body: 400,
  unknown_kind: 400,
  unknown_type: 400,
  unknown_category: 400,
  invalid_bbox: 400,
  invalid_name: 400,
  invalid_code: 400,
  invalid_field: 400,
  invalid_width: 400,
  invalid_geometry: 400,
  invalid_party: 400,
  invalid_department: 400,
  invalid_format: 400,
  invalid_import: 400,
  invalid_osm_roads: 400,
  invalid_value: 400,
  constraint: 400,
  ambiguous_code: 400,
  ambiguous_root: 400,
  not_a_jurisdiction: 400,
  too_large: 400,
  invalid_text: 400,
  invalid_phone: 400,
  // 400, the audit trail: a change comment (x-change-comment) that cannot be stored.
  invalid_comment: 400,
  // 401: the request says nobody, or nobody we know: sign in or send a valid token.
  unauthenticated: 401,
  session_expired: 401,
  invalid_credentials: 401,
  // 403: we know who is asking, and they may not do this (here).
  forbidden: 403,
  out_of_scope: 403,
  csrf_rejected: 403,
  // 404: nothing has this id, code or route.
  not_found: 404,
  // 409: the request is fine but the stored state is in its way.
  version_conflict: 409,
  duplicate: 409,
  duplicate_code: 409,
  duplicate_department: 409,
  duplicate_category: 409,
  has_dependents: 409,
  in_use: 409,
  party_in_use: 409,
  already_ended: 409,
  job_failed: 409,
  job_running: 409,
  // 413, 414, 415: the body as a whole is refused before it is read.
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  // 422: well-formed, but it breaks a rule of the data; nothing was written.
  import_rejected: 422,
  invalid_parent: 422,
  unknown_parent: 422,
  ambiguous_parent: 422,
  code_not_under_parent: 422,
  segment_off_street: 422,
  outside_parent: 422,
  grid_outside_parent: 422,
  invalid_duty: 422,
  unknown_party: 422,
  unknown_department: 422,
  party_type_mismatch: 422,
  invalid_interval: 422,
  unsupported_kind: 422,
  nothing_to_print: 422,
  // Accounts and sign-in (docs/accounts.md).
  weak_password: 400,
  invalid_scope: 400,
  invalid_second_factor: 401,
  challenge_expired: 401,
  password_change_required: 403,
  second_factor_required_setup: 403,
  separation_of_duties: 409,
  last_user_manager: 409,
  totp_not_enrolled: 409,
  totp_already_enabled: 409,
  account_locked: 423,
  // cases helper (issue 10, docs/cases.md): intake, workflow and photos.
  outside_jurisdiction: 422,
  unknown_case_category: 422,
  invalid_duplicate: 422,
  no_assignee: 422,
  photo_required: 422,
  invalid_transition: 409,
  photo_window_closed: 409,
  // 429: this address or login sent too many requests for now (server/http/rate-limits.ts); Retry-After says when to try again.
  rate_limited: 429,
  // 500: our fault; the message says nothing about internals.
  internal: 500,
  // 503: the database cannot be reached or did not answer in time; the same request may succeed later.
  database_unavailable: 503,
  database_timeout: 503,
  // 503: the server is at a limit of its own for now; the caller may retry (Retry-After says when).
  busy: 503,
  // 503: the server is shutting down; the caller may retry once it is back.
  shutting_down: 503,
  // 507: the server cannot take the request now; the caller may retry later.
  insufficient_storage: 507,
} as const satisfies Record<string, number>

export type ErrorCode = keyof typeof errorStatus
export type ErrorStatus = (typeof errorStatus)[ErrorCode]

export const errorCodes = Object.keys(errorStatus) as ErrorCode[]

export const isErrorCode = (value: unknown): value is ErrorCode => typeof value === 'string' && Object.hasOwn(errorStatus, value)
