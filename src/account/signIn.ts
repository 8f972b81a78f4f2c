import { isAppError, type ErrorCode } from '../errors'
import { MASTER_KEY_SIZE } from '../format/constants'
import { getPasskeyAssertion } from '../passkey/getPasskeyAssertion'
import { accountApi } from './accountApi'
import { saveSignedIn } from './keystore'
import { protectWithNewRecoveryKey, protectWithPasskey } from './protectMasterKey'
import { randomBytes } from './randomBytes'
import { masterKeyFromAssertion } from './unlockWithPasskey'

export interface SignInResult {
  /** Null when the master key is on this device; otherwise why not (the account is signed in either way). */
  lockedReason: ErrorCode | null
  /** Set when the account had no recovery key yet (a sign-up cut short) and one was made now: show it once. */
  recoveryKey: string | null
}

/** Errors that leave the person signed in but the backups locked on this device. */
const LOCKING_CODES: readonly ErrorCode[] = ['prf-unsupported', 'passkey-not-enrolled', 'wrong-key', 'envelope-corrupt', 'unknown-version']

/**
 * Signs in with a discoverable passkey (no user name) and unlocks the master key with its PRF output
 * in the same ceremony (docs/KEYS.md §7.2).
 */
export async function signIn(): Promise<SignInResult> {
  const { options } = await accountApi.loginOptions()
  const assertion = await getPasskeyAssertion(options)
  const { accountId, credentialId, keys } = await accountApi.loginVerify(assertion.response)
  const info = await accountApi.account()
  const record = { accountId, displayName: info.displayName, createdAt: info.createdAt, credentialId, signedInAt: Date.now() }

  if (keys.passkeys.length === 0 && keys.recovery === null && assertion.prfOutput) {
    // No envelope at all: the sign-up stopped before its keys were stored. Make them now.
    const masterKey = randomBytes(MASTER_KEY_SIZE)
    await protectWithPasskey(accountId, credentialId, assertion.prfOutput, masterKey)
    const recoveryKey = await protectWithNewRecoveryKey(accountId, masterKey)
    await saveSignedIn({ ...record, lockedReason: null }, masterKey)
    masterKey.fill(0)
    return { lockedReason: null, recoveryKey }
  }
  try {
    const masterKey = await masterKeyFromAssertion(assertion, accountId, keys)
    await saveSignedIn({ ...record, lockedReason: null }, masterKey)
    // Every account keeps a recovery key; one whose sign-up stopped before storing it gets it now.
    const recoveryKey = keys.recovery ? null : await protectWithNewRecoveryKey(accountId, masterKey)
    masterKey.fill(0)
    return { lockedReason: null, recoveryKey }
  } catch (e) {
    if (!isAppError(e) || !LOCKING_CODES.includes(e.code)) throw e
    await saveSignedIn({ ...record, lockedReason: e.code }, null)
    return { lockedReason: e.code, recoveryKey: null }
  }
}
