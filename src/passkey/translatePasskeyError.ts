import { AppError } from '../errors'

/**
 * Translates what `startRegistration`/`startAuthentication` throw into the errors the UI branches on,
 * once, here. @simplewebauthn/browser wraps most DOMExceptions in a `WebAuthnError` whose `cause` is
 * the original, so the name is looked up on both.
 */
export function translatePasskeyError(e: unknown, ceremony: 'create' | 'get'): unknown {
  if (e instanceof AppError) return e
  const names = [e, (e as { cause?: unknown })?.cause].map((x) => (x instanceof Error ? x.name : undefined))
  const code = (e as { code?: unknown })?.code
  const message = e instanceof Error ? e.message : String(e)
  if (names.includes('NotAllowedError') || names.includes('AbortError') || code === 'ERROR_CEREMONY_ABORTED') {
    return new AppError('passkey-cancelled', 'The passkey request was cancelled or timed out', { cause: e })
  }
  if (ceremony === 'create' && (names.includes('InvalidStateError') || code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED')) {
    return new AppError('passkey-exists', 'This authenticator already holds a passkey for this account', { cause: e })
  }
  if (
    names.includes('SecurityError') ||
    names.includes('NotSupportedError') ||
    names.includes('ConstraintError') ||
    /not supported/i.test(message)
  ) {
    return new AppError('passkey-unavailable', `Passkeys are not available here: ${message}`, { cause: e })
  }
  return new AppError('passkey-unavailable', `The passkey request failed: ${message}`, { cause: e })
}
