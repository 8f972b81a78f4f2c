/**
 * Errors someone branches on. Bugs throw a plain `Error('<module>: internal error: …')` instead.
 * Imports nothing, so the server, the workers and the UI can all share it.
 */
export type ErrorCode =
  | 'passkey-cancelled'
  | 'prf-unsupported'
  | 'passkey-exists'
  | 'passkey-unavailable'
  | 'passkey-not-enrolled'
  | 'envelope-corrupt'
  | 'recovery-key-malformed'
  | 'signed-out'
  | 'last-credential'
  | 'last-unlock-method'
  | 'header-invalid'
  | 'unknown-version'
  | 'wrong-key'
  | 'chunk-corrupt'
  | 'truncated'
  | 'manifest-corrupt'
  | 'snapshot-mismatch'
  | 'chunk-missing'
  | 'snapshot-missing'
  | 'quota-exceeded'
  | 'server-quota-exceeded'
  | 'interrupted'
  | 'offline'
  | 'server-rejected'
  | 'internal'

export class AppError extends Error {
  override readonly name = 'AppError'
  readonly details: Readonly<Record<string, string | number>>
  constructor(
    readonly code: ErrorCode,
    message: string,
    opts: { cause?: unknown; details?: Record<string, string | number> } = {},
  ) {
    super(message, { cause: opts.cause })
    this.details = opts.details ?? {}
  }
}

export function isAppError(e: unknown, code?: ErrorCode): e is AppError {
  return e instanceof Error && e.name === 'AppError' && (code === undefined || (e as AppError).code === code)
}
