import { LABEL_PASSKEY_KEK, LABEL_RECOVERY_KEK, MASTER_KEY_SIZE, RECOVERY_KEY_SIZE } from '../constants'
import { concatBytes, utf8, type Bytes } from './bytes'

/** The secret that opens one envelope: a passkey's PRF output (with its credential id) or the recovery key. */
export type EnvelopeSecret =
  | { kind: 'passkey'; prfOutput: Uint8Array; credentialId: Uint8Array }
  | { kind: 'recovery'; recoveryKey: Uint8Array }

/** Bytes of a PRF output (WebAuthn `prf` extension: HMAC-SHA-256 outputs). */
export const PRF_OUTPUT_SIZE = 32
/** Bytes of an envelope's HKDF salt (KEYS.md §4). */
export const KEK_SALT_SIZE = 32

/**
 * KEYS.md §3: `kek = HKDF-SHA-256(ikm = prfOutput, salt, info = "keepsake/v1/passkey-kek" || credentialId)`,
 * or for the recovery envelope `HKDF-SHA-256(ikm = recoveryKey, salt, info = "keepsake/v1/recovery-kek")`.
 * The KEK is a non-extractable AES-256-GCM key: it only ever wraps and unwraps the master key.
 */
export async function deriveKek(secret: EnvelopeSecret, salt: Uint8Array): Promise<CryptoKey> {
  if (salt.length !== KEK_SALT_SIZE) throw new Error('format: internal error: KEK salt must be 32 bytes')
  let ikm: Bytes
  let info: Bytes
  if (secret.kind === 'passkey') {
    if (secret.prfOutput.length !== PRF_OUTPUT_SIZE) throw new Error('format: internal error: PRF output must be 32 bytes')
    if (secret.credentialId.length === 0) throw new Error('format: internal error: empty credential id')
    ikm = concatBytes(secret.prfOutput)
    info = concatBytes(utf8(LABEL_PASSKEY_KEK), secret.credentialId)
  } else {
    if (secret.recoveryKey.length !== RECOVERY_KEY_SIZE) throw new Error('format: internal error: recovery key must be 32 bytes')
    ikm = concatBytes(secret.recoveryKey)
    info = utf8(LABEL_RECOVERY_KEK)
  }
  const base = await crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveKey'])
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: concatBytes(salt), info },
    base,
    { name: 'AES-GCM', length: MASTER_KEY_SIZE * 8 },
    false,
    ['encrypt', 'decrypt'],
  )
}
