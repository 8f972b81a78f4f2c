import { isAppError } from '../errors'
import { MASTER_KEY_SIZE } from '../format/constants'
import { createPasskey } from '../passkey/createPasskey'
import { accountApi } from './accountApi'
import { saveSignedIn } from './keystore'
import { newPasskeyPrfOutput } from './newPasskeyPrfOutput'
import { protectWithNewRecoveryKey, protectWithPasskey } from './protectMasterKey'
import { randomBytes } from './randomBytes'

export interface SignUpResult {
  /** Shown once, in the "Recovery key" dialog. */
  recoveryKey: string
  /** False when the passkey has no PRF: then only the recovery key can unlock backups elsewhere. */
  passkeyCanUnlock: boolean
}

/** Name of the first passkey; people can rename it in Settings. */
export const FIRST_PASSKEY_NAME = 'Passkey 1'

/**
 * Creates an account with a new passkey (docs/KEYS.md §7.1): a master key made on this device,
 * wrapped for the passkey (when it has PRF) and for a new recovery key, then kept here as a
 * non-extractable key.
 */
export async function signUp(displayName: string): Promise<SignUpResult> {
  // A leftover session would make the server add this passkey to that account instead.
  await accountApi.logout().catch((e: unknown) => {
    if (!isAppError(e, 'signed-out') && !isAppError(e, 'server-rejected')) throw e
  })
  const { options } = await accountApi.registerOptions(displayName)
  const created = await createPasskey(options)
  const { accountId, credentialId } = await accountApi.registerVerify(created.response, FIRST_PASSKEY_NAME)
  const prfOutput = await newPasskeyPrfOutput(created)
  const masterKey = randomBytes(MASTER_KEY_SIZE)
  if (prfOutput) await protectWithPasskey(accountId, credentialId, prfOutput, masterKey)
  const recoveryKey = await protectWithNewRecoveryKey(accountId, masterKey)
  const info = await accountApi.account()
  await saveSignedIn(
    { accountId, displayName: info.displayName, createdAt: info.createdAt, credentialId, signedInAt: Date.now(), lockedReason: null },
    masterKey,
  )
  masterKey.fill(0)
  return { recoveryKey, passkeyCanUnlock: prfOutput !== null }
}
