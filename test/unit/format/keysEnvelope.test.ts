import { describe, expect, it } from 'vitest'
import { isAppError, type ErrorCode } from '../../../src/errors'
import { KEY_ENVELOPE_SIZE } from '../../../src/format/constants'
import { envelopeKind, openEnvelope, sealEnvelope } from '../../../src/format/keys/envelope'
import type { EnvelopeSecret } from '../../../src/format/keys/kek'
import { prfInputV1 } from '../../../src/format/keys/prfInput'

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n))
const masterKey = random(32)
const passkey: EnvelopeSecret = { kind: 'passkey', prfOutput: random(32), credentialId: random(16) }
const recovery: EnvelopeSecret = { kind: 'recovery', recoveryKey: random(32) }
const account = 'acct_envelope_test'
const fresh = () => ({ salt: random(32), nonce: random(12) })

async function outcome(envelope: Uint8Array, secret: EnvelopeSecret, accountId = account): Promise<ErrorCode | 'success'> {
  try {
    const opened = await openEnvelope(envelope, secret, accountId)
    expect([...opened]).toEqual([...masterKey])
    return 'success'
  } catch (e) {
    if (!isAppError(e)) throw e
    return e.code
  }
}

describe('key envelope (KEYS.md §4)', () => {
  it('is 94 bytes, starts with version 1 and its kind, and opens to the master key', async () => {
    const sealed = await sealEnvelope(masterKey, passkey, account, fresh())
    expect(sealed.length).toBe(KEY_ENVELOPE_SIZE)
    expect([sealed[0], sealed[1]]).toEqual([1, 1])
    expect(envelopeKind(sealed)).toBe('passkey')
    expect(await outcome(sealed, passkey)).toBe('success')
    const sealedRecovery = await sealEnvelope(masterKey, recovery, account, fresh())
    expect(envelopeKind(sealedRecovery)).toBe('recovery')
    expect(await outcome(sealedRecovery, recovery)).toBe('success')
  })

  it('names the failure of every single flipped byte', async () => {
    const sealed = await sealEnvelope(masterKey, passkey, account, fresh())
    const seen: Record<string, number> = {}
    for (let offset = 0; offset < sealed.length; offset++) {
      for (const mask of [0x01, 0x80]) {
        const tampered = new Uint8Array(sealed)
        tampered[offset]! ^= mask
        const code = await outcome(tampered, passkey)
        const expected = offset === 0 ? 'unknown-version' : offset === 1 ? 'envelope-corrupt' : 'wrong-key'
        expect(code, `byte ${offset} ^ ${mask}`).toBe(expected)
        seen[code] = (seen[code] ?? 0) + 1
      }
    }
    expect(seen).toEqual({ 'unknown-version': 2, 'envelope-corrupt': 2, 'wrong-key': 2 * (KEY_ENVELOPE_SIZE - 2) })
  })

  it('binds the account id, the credential id and the kind', async () => {
    const sealed = await sealEnvelope(masterKey, passkey, account, fresh())
    expect(await outcome(sealed, passkey, `${account}x`)).toBe('wrong-key')
    expect(await outcome(sealed, { ...passkey, credentialId: random(16) })).toBe('wrong-key')
    expect(await outcome(sealed, { ...passkey, prfOutput: random(32) })).toBe('wrong-key')
    expect(await outcome(sealed, recovery)).toBe('envelope-corrupt')
    const sealedRecovery = await sealEnvelope(masterKey, recovery, account, fresh())
    expect(await outcome(sealedRecovery, passkey)).toBe('envelope-corrupt')
    expect(await outcome(sealedRecovery, recovery, 'acct_other')).toBe('wrong-key')
  })

  it('keeps length-prefixed fields apart (account "ab" + credential "c" ≠ account "a" + credential "bc")', async () => {
    const c = new TextEncoder().encode('c')
    const bc = new TextEncoder().encode('bc')
    const sealed = await sealEnvelope(masterKey, { ...passkey, credentialId: c }, 'ab', fresh())
    expect(await outcome(sealed, { ...passkey, credentialId: c }, 'ab')).toBe('success')
    expect(await outcome(sealed, { ...passkey, credentialId: bc }, 'a')).toBe('wrong-key')
  })

  it('gives a different envelope for every salt and nonce, the same one for the same randomness', async () => {
    const randomness = fresh()
    const a = await sealEnvelope(masterKey, passkey, account, randomness)
    const b = await sealEnvelope(masterKey, passkey, account, randomness)
    const c = await sealEnvelope(masterKey, passkey, account, fresh())
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true)
    expect(Buffer.from(a.subarray(46)).equals(Buffer.from(c.subarray(46)))).toBe(false)
  })

  it('rejects bad lengths before any decryption', async () => {
    const sealed = await sealEnvelope(masterKey, passkey, account, fresh())
    expect(await outcome(sealed.subarray(0, 60), passkey)).toBe('envelope-corrupt')
    expect(await outcome(new Uint8Array([2, ...sealed.subarray(1)]), passkey)).toBe('unknown-version')
    expect(await outcome(new Uint8Array([2]), passkey)).toBe('unknown-version')
  })

  it('refuses programming errors loudly, not as a named outcome', async () => {
    await expect(sealEnvelope(random(31), passkey, account, fresh())).rejects.toThrow(/internal error/)
    await expect(sealEnvelope(masterKey, passkey, '', fresh())).rejects.toThrow(/internal error/)
    await expect(sealEnvelope(masterKey, { ...passkey, prfOutput: random(16) }, account, fresh())).rejects.toThrow(/internal error/)
  })
})

describe('PRF input (KEYS.md §3)', () => {
  it('is SHA-256("keepsake/v1/prf-input")', async () => {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('keepsake/v1/prf-input')))
    expect([...prfInputV1()]).toEqual([...digest])
  })

  it('hands out a copy each time', () => {
    const first = prfInputV1()
    first.fill(0)
    expect(prfInputV1()[0]).toBe(0xe8)
  })
})
