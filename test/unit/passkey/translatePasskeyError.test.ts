import { WebAuthnError } from '@simplewebauthn/browser'
import { describe, expect, it } from 'vitest'
import { AppError, isAppError } from '../../../src/errors'
import { translatePasskeyError } from '../../../src/passkey/translatePasskeyError'

const dom = (name: string, message = 'The operation either timed out or was not allowed.') => new DOMException(message, name)
const code = (e: unknown) => (isAppError(e) ? e.code : 'not an AppError')

describe('translatePasskeyError', () => {
  it('maps a cancelled or timed-out ceremony to passkey-cancelled, wrapped or not', () => {
    expect(code(translatePasskeyError(dom('NotAllowedError'), 'get'))).toBe('passkey-cancelled')
    const wrapped = new WebAuthnError({ message: 'x', code: 'ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY', cause: dom('NotAllowedError') })
    expect(code(translatePasskeyError(wrapped, 'create'))).toBe('passkey-cancelled')
    const aborted = new WebAuthnError({ message: 'x', code: 'ERROR_CEREMONY_ABORTED', cause: dom('AbortError') })
    expect(code(translatePasskeyError(aborted, 'get'))).toBe('passkey-cancelled')
  })

  it('names an authenticator that already holds a passkey for the account (create only)', () => {
    const wrapped = new WebAuthnError({ message: 'x', code: 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED', cause: dom('InvalidStateError') })
    expect(code(translatePasskeyError(wrapped, 'create'))).toBe('passkey-exists')
    expect(code(translatePasskeyError(dom('InvalidStateError'), 'get'))).toBe('passkey-unavailable')
  })

  it('maps an unsupported browser or a bad domain to passkey-unavailable and keeps the cause', () => {
    const unsupported = new Error('WebAuthn is not supported in this browser')
    const translated = translatePasskeyError(unsupported, 'create')
    expect(code(translated)).toBe('passkey-unavailable')
    expect((translated as AppError).cause).toBe(unsupported)
    expect(code(translatePasskeyError(dom('SecurityError', 'This is an invalid domain.'), 'create'))).toBe('passkey-unavailable')
  })

  it('passes AppErrors through unchanged', () => {
    const original = new AppError('prf-unsupported', 'no PRF')
    expect(translatePasskeyError(original, 'get')).toBe(original)
  })
})
