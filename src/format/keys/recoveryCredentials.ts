import { LABEL_RECOVERY_AUTH, LABEL_RECOVERY_ID, RECOVERY_AUTH_SIZE, RECOVERY_ID_SIZE, RECOVERY_KEY_SIZE } from '../constants'
import { copyBytes, utf8, type Bytes } from './bytes'

/** What the server learns of a recovery key (KEYS.md §6): a lookup handle and a proof, neither a key. */
export interface RecoveryCredentials {
  recoveryId: Bytes // RECOVERY_ID_SIZE bytes
  recoveryAuth: Bytes // RECOVERY_AUTH_SIZE bytes
}

/**
 * KEYS.md §6: `recoveryId = HKDF-SHA-256(recoveryKey, salt = "", "keepsake/v1/recovery-id")[0..16]`,
 * `recoveryAuth = HKDF-SHA-256(recoveryKey, salt = "", "keepsake/v1/recovery-auth")` (32 bytes).
 * Distinct labels make both independent of the recovery KEK, which uses its own label and a salt.
 */
export async function deriveRecoveryCredentials(recoveryKey: Uint8Array): Promise<RecoveryCredentials> {
  if (recoveryKey.length !== RECOVERY_KEY_SIZE) throw new Error('format: internal error: recovery key must be 32 bytes')
  const base = await crypto.subtle.importKey('raw', copyBytes(recoveryKey), 'HKDF', false, ['deriveBits'])
  const derive = async (label: string, size: number) =>
    new Uint8Array(
      await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8(label) }, base, size * 8),
    )
  return {
    recoveryId: await derive(LABEL_RECOVERY_ID, RECOVERY_ID_SIZE),
    recoveryAuth: await derive(LABEL_RECOVERY_AUTH, RECOVERY_AUTH_SIZE),
  }
}
