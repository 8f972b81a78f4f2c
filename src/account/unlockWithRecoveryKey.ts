import type { AccountId } from '../db/AccountDB'
import { AppError } from '../errors'
import { openEnvelope } from '../format/keys/envelope'
import { deriveRecoveryCredentials } from '../format/keys/recoveryCredentials'
import { parseRecoveryKey } from '../format/keys/recoveryKey'
import { accountApi } from './accountApi'
import { saveMasterKey, saveSignedIn } from './keystore'

/**
 * Unlocks the master key with the recovery key (docs/KEYS.md §7.4) and keeps it on this device.
 * Signed in (`accountId` given), the recovery envelope comes from GET /api/keys; signed out, the
 * recovery id and auth sign in first. Errors: `recovery-key-malformed` (a typo, with the group),
 * `wrong-key` (a well-formed key of no account, or of another one). Returns the master key's bytes
 * so that a passkey can be added right away; the caller wipes them.
 */
export async function unlockWithRecoveryKey(text: string, accountId?: AccountId): Promise<Uint8Array<ArrayBuffer>> {
  const recoveryKey = parseRecoveryKey(text)
  const secret = { kind: 'recovery' as const, recoveryKey }
  if (accountId) {
    const keys = await accountApi.keys()
    if (!keys.recovery) throw new AppError('wrong-key', 'This account has no recovery key')
    const masterKey = await openEnvelope(keys.recovery.envelope, secret, accountId)
    await saveMasterKey(accountId, masterKey)
    return masterKey
  }
  const { recoveryId, recoveryAuth } = await deriveRecoveryCredentials(recoveryKey)
  const signedIn = await accountApi.recoverySignIn(recoveryId, recoveryAuth)
  if (!signedIn.keys.recovery) throw new AppError('wrong-key', 'This account has no recovery key')
  const masterKey = await openEnvelope(signedIn.keys.recovery.envelope, secret, signedIn.accountId)
  const info = await accountApi.account()
  await saveSignedIn(
    {
      accountId: signedIn.accountId,
      displayName: info.displayName,
      createdAt: info.createdAt,
      credentialId: null,
      signedInAt: Date.now(),
      lockedReason: null,
    },
    masterKey,
  )
  return masterKey
}
