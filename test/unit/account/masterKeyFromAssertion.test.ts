import { describe, expect, it } from 'vitest'
import type { KeyEnvelopes } from '../../../src/account/accountApi'
import { masterKeyFromAssertion } from '../../../src/account/unlockWithPasskey'
import type { AccountId, CredentialId } from '../../../src/db/AccountDB'
import { isAppError } from '../../../src/errors'
import { sealEnvelope } from '../../../src/format/keys/envelope'
import type { PasskeyAssertion } from '../../../src/passkey/getPasskeyAssertion'

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n))
const accountId = 'acct_unlock_test' as AccountId
const masterKey = random(32)
const credentialId = Buffer.from(random(20)).toString('base64url') as CredentialId
const otherId = Buffer.from(random(20)).toString('base64url') as CredentialId
const prfOutput = random(32)

async function envelopes(): Promise<KeyEnvelopes> {
  const secret = { kind: 'passkey' as const, prfOutput, credentialId: new Uint8Array(Buffer.from(credentialId, 'base64url')) }
  return {
    passkeys: [{ credentialId, envelope: await sealEnvelope(masterKey, secret, accountId, { salt: random(32), nonce: random(12) }) }],
    recovery: null,
  }
}
const assertion = (over: Partial<PasskeyAssertion>): PasskeyAssertion =>
  ({ response: {} as PasskeyAssertion['response'], credentialId, prfOutput, ...over })

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return 'success'
  } catch (e) {
    if (!isAppError(e)) throw e
    return e.code
  }
}

describe('masterKeyFromAssertion', () => {
  it('opens the envelope of the passkey that answered', async () => {
    const opened = await masterKeyFromAssertion(assertion({}), accountId, await envelopes())
    expect([...opened]).toEqual([...masterKey])
  })

  it('names each way a passkey can fail to unlock', async () => {
    const keys = await envelopes()
    expect(await code(masterKeyFromAssertion(assertion({ prfOutput: null }), accountId, keys))).toBe('prf-unsupported')
    expect(await code(masterKeyFromAssertion(assertion({ credentialId: otherId }), accountId, keys))).toBe('passkey-not-enrolled')
    expect(await code(masterKeyFromAssertion(assertion({ prfOutput: random(32) }), accountId, keys))).toBe('wrong-key')
    expect(await code(masterKeyFromAssertion(assertion({}), 'acct_other' as AccountId, keys))).toBe('wrong-key')
    const wrongVersion = { ...keys, passkeys: [{ credentialId, envelope: new Uint8Array([2, ...keys.passkeys[0]!.envelope.subarray(1)]) }] }
    expect(await code(masterKeyFromAssertion(assertion({}), accountId, wrongVersion))).toBe('unknown-version')
  })
})
