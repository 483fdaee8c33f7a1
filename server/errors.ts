import { errorStatus, type ErrorCode, type ErrorStatus } from './kernel/error-codes.js'
import type { ErrorDetail as ErrorDetailSchema } from './kernel/schemas.js'

/** A problem in the field/feature the caller sent, for `error.details`. */
export type ErrorDetail = ErrorDetailSchema

export type { ErrorCode }

/** Codes whose status is `status`, so that a helper named for a status takes only its codes. */
type CodeWithStatus<S extends ErrorStatus> = { [C in ErrorCode]: (typeof errorStatus)[C] extends S ? C : never }[ErrorCode]

/**
 * A domain error: what the caller did wrong, or a state conflict. Its status follows from its code
 * (server/kernel/error-codes.ts); the central error handler turns it into
 * `{error: {code, message, details?}}` with that status.
 */
export class DomainError extends Error {
  readonly status: ErrorStatus

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[] | Record<string, unknown>,
  ) {
    super(message)
    this.status = errorStatus[code]
  }
}

export const badRequest = (code: CodeWithStatus<400>, message: string, details?: ErrorDetail[]) => new DomainError(code, message, details)
export const notFound = (what: string) => new DomainError('not_found', `${what} not found`)
export const conflict = (code: CodeWithStatus<409>, message: string, details?: Record<string, unknown>) =>
  new DomainError(code, message, details)
export const unprocessable = (code: CodeWithStatus<422>, message: string, details?: ErrorDetail[]) =>
  new DomainError(code, message, details)
