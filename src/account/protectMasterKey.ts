import type { AccountId, CredentialId } from '../db/AccountDB'
import { RECOVERY_KEY_SIZE } from '../format/constants'
import { sealEnvelope, ENVELOPE_NONCE_SIZE } from '../format/keys/envelope'
import { KEK_SALT_SIZE } from '../format/keys/kek'
import { deriveRecoveryCredentials } from '../format/keys/recoveryCredentials'
import { formatRecoveryKey } from '../format/keys/recoveryKey'
import { accountApi } from './accountApi'
import { fromBase64url } from './base64url'
import { randomBytes } from './randomBytes'

/** Fresh salt and nonce for every envelope written: a KEK and a nonce are never used twice. */
const freshRandomness = () => ({ salt: randomBytes(KEK_SALT_SIZE), nonce: randomBytes(ENVELOPE_NONCE_SIZE) })

/** Wraps the master key for one passkey (docs/KEYS.md §4) and stores the envelope on the server. */
export async function protectWithPasskey(
  accountId: AccountId,
  credentialId: CredentialId,
  prfOutput: Uint8Array,
  masterKey: Uint8Array,
): Promise<void> {
  const secret = { kind: 'passkey' as const, prfOutput, credentialId: fromBase64url(credentialId) }
  const envelope = await sealEnvelope(masterKey, secret, accountId, freshRandomness())
  await accountApi.putPasskeyEnvelope(credentialId, envelope)
}

/**
 * Makes a new recovery key, wraps the master key for it and stores that envelope with the recovery id
 * and auth (replacing any earlier recovery key). Returns the text to show the person, once.
 */
export async function protectWithNewRecoveryKey(accountId: AccountId, masterKey: Uint8Array): Promise<string> {
  const recoveryKey = randomBytes(RECOVERY_KEY_SIZE)
  const envelope = await sealEnvelope(masterKey, { kind: 'recovery', recoveryKey }, accountId, freshRandomness())
  const { recoveryId, recoveryAuth } = await deriveRecoveryCredentials(recoveryKey)
  await accountApi.putRecoveryEnvelope(envelope, recoveryId, recoveryAuth)
  return formatRecoveryKey(recoveryKey)
}
