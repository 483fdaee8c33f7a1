/** A problem in the field/feature the caller sent, for `error.details`. */
export interface ErrorDetail {
  /** Index of the feature or point in the request, where the input is a list. */
  index?: number
  /** The field, as a dotted path: `properties.code`, `geometry`, `lon`. */
  field?: string
  reason: string
}

/**
 * A domain error: what the caller did wrong, or a state conflict. The central error handler turns
 * it into `{error: {code, message, details?}}` with its status.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[] | Record<string, unknown>,
  ) {
    super(message)
  }
}

export const badRequest = (code: string, message: string, details?: ErrorDetail[]) =>
  new DomainError(400, code, message, details)
export const notFound = (what: string) => new DomainError(404, 'not_found', `${what} not found`)
export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError(409, code, message, details)
export const unprocessable = (code: string, message: string, details?: ErrorDetail[]) =>
  new DomainError(422, code, message, details)
