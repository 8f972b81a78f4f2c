import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** Every error code the API answers with (docs/API.md lists when each happens). */
export type ApiErrorCode =
  | 'bad-json'
  | 'bad-request'
  | 'unsupported-media-type'
  | 'body-too-large'
  | 'not-found'
  | 'method-not-allowed'
  | 'bad-origin'
  | 'rate-limited'
  | 'signed-out'
  | 'challenge-invalid'
  | 'webauthn-invalid'
  | 'credential-unknown'
  | 'credential-exists'
  | 'last-credential'
  | 'last-unlock-method'
  | 'recovery-key-invalid'
  | 'recovery-id-taken'
  | 'bad-chunk-id'
  | 'bad-snapshot-id'
  | 'digest-missing'
  | 'digest-mismatch'
  | 'chunk-too-large'
  | 'quota-exceeded'
  | 'missing-chunks'
  | 'snapshot-exists'
  | 'unavailable'
  | 'internal'

const STATUS: Record<ApiErrorCode, ContentfulStatusCode> = {
  'bad-json': 400,
  'bad-request': 400,
  'unsupported-media-type': 415,
  'body-too-large': 413,
  'not-found': 404,
  'method-not-allowed': 405,
  'bad-origin': 403,
  'rate-limited': 429,
  'signed-out': 401,
  'challenge-invalid': 400,
  'webauthn-invalid': 400,
  'credential-unknown': 401,
  'credential-exists': 409,
  'last-credential': 409,
  'last-unlock-method': 409,
  'recovery-key-invalid': 401,
  'recovery-id-taken': 409,
  'bad-chunk-id': 400,
  'bad-snapshot-id': 400,
  'digest-missing': 400,
  'digest-mismatch': 400,
  'chunk-too-large': 413,
  'quota-exceeded': 403,
  'missing-chunks': 409,
  'snapshot-exists': 409,
  unavailable: 503,
  internal: 500,
}

/** Facts a client acts on, answered beside `code` and `message` (e.g. `missing`, `usedBytes`). */
export type ApiErrorDetails = Record<string, string | number | readonly string[]>

/**
 * An expected refusal: thrown by handlers, answered as `{ error: { code, message, ...details } }`
 * by the app's error handler, with `headers` (e.g. `Retry-After`).
 */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  readonly status: ContentfulStatusCode
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details: ApiErrorDetails = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
    this.status = STATUS[code]
  }

  get body(): ApiErrorBody {
    return errorBody(this.code, this.message, this.details)
  }
}

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string } & ApiErrorDetails
}

export function errorBody(code: ApiErrorCode, message: string, details: ApiErrorDetails = {}): ApiErrorBody {
  return { error: { ...details, code, message } }
}

export function statusOf(code: ApiErrorCode): ContentfulStatusCode {
  return STATUS[code]
}
