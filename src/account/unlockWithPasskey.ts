import type { AccountId, CredentialId } from '../db/AccountDB'
import { AppError } from '../errors'
import { openEnvelope } from '../format/keys/envelope'
import { getPasskeyAssertion, type PasskeyAssertion } from '../passkey/getPasskeyAssertion'
import { accountApi, type KeyEnvelopes } from './accountApi'
import { fromBase64url } from './base64url'
import { saveMasterKey, updateAccount } from './keystore'

/**
 * The master key from a passkey assertion and the account's envelopes (docs/KEYS.md §4). Errors:
 * `prf-unsupported` (the passkey gave no PRF output), `passkey-not-enrolled` (no envelope for it),
 * `wrong-key` / `envelope-corrupt` / `unknown-version` from the envelope.
 */
export async function masterKeyFromAssertion(
  assertion: PasskeyAssertion,
  accountId: AccountId,
  keys: KeyEnvelopes,
): Promise<Uint8Array<ArrayBuffer>> {
  if (!assertion.prfOutput) {
    throw new AppError('prf-unsupported', 'This passkey gave no PRF output, so it cannot unlock backups')
  }
  const entry = keys.passkeys.find((p) => p.credentialId === assertion.credentialId)
  if (!entry) throw new AppError('passkey-not-enrolled', 'This passkey has no key envelope on the server')
  const secret = { kind: 'passkey' as const, prfOutput: assertion.prfOutput, credentialId: fromBase64url(assertion.credentialId) }
  return openEnvelope(entry.envelope, secret, accountId)
}

/**
 * Unwraps the master key again with one of the signed-in account's passkeys, and keeps it on this
 * device. The key kept here is non-extractable, so wrapping it for a new passkey or recovery key needs
 * its bytes anew; a device whose backups are locked gets its key back the same way.
 */
export async function unlockWithPasskey(
  accountId: AccountId,
): Promise<{ masterKey: Uint8Array<ArrayBuffer>; credentialId: CredentialId }> {
  const { options } = await accountApi.loginOptions('account')
  const assertion = await getPasskeyAssertion(options)
  const verified = await accountApi.loginVerify(assertion.response)
  if (verified.accountId !== accountId) throw new Error('unlockWithPasskey: internal error: the server answered for another account')
  // The sign-in opened a new session with this passkey: the device record follows it.
  await updateAccount({ credentialId: verified.credentialId })
  const masterKey = await masterKeyFromAssertion(assertion, accountId, verified.keys)
  await saveMasterKey(accountId, masterKey)
  return { masterKey, credentialId: verified.credentialId }
}
