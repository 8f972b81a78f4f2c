import { AppError } from '../../errors'
import { KEY_ENVELOPE_SIZE, KEY_ENVELOPE_VERSION, LABEL_ENVELOPE_AAD, MASTER_KEY_SIZE } from '../constants'
import { concatBytes, copyBytes, lengthPrefixed, utf8, type Bytes } from './bytes'
import { deriveKek, KEK_SALT_SIZE, type EnvelopeSecret } from './kek'

/**
 * Key envelopes, KEYS.md §4: the master key wrapped under one passkey's or the recovery key's KEK.
 *
 *   version (1) || kind (1) || salt (32) || nonce (12) || AES-256-GCM(kek, nonce, masterKey, aad) (32 + 16)
 */
export type EnvelopeKind = EnvelopeSecret['kind']

export const ENVELOPE_NONCE_SIZE = 12
const KIND_BYTE: Record<EnvelopeKind, number> = { passkey: 0x01, recovery: 0x02 }
const SALT_OFFSET = 2
const NONCE_OFFSET = SALT_OFFSET + KEK_SALT_SIZE
const CIPHERTEXT_OFFSET = NONCE_OFFSET + ENVELOPE_NONCE_SIZE
/** What a recovery envelope binds in place of a credential id (the kind byte keeps the two apart). */
const RECOVERY_SUBJECT = utf8('recovery')

/** Fresh random bytes for one envelope, chosen by the caller (the format never draws randomness). */
export interface EnvelopeRandomness {
  salt: Uint8Array // KEK_SALT_SIZE bytes
  nonce: Uint8Array // ENVELOPE_NONCE_SIZE bytes
}

/** KEYS.md §4.2: binds the envelope to its account, its passkey (or "recovery"), its version and kind. */
function associatedData(kind: EnvelopeKind, secret: EnvelopeSecret, accountId: string): Bytes {
  if (accountId.length === 0) throw new Error('format: internal error: empty account id')
  const subject = secret.kind === 'passkey' ? secret.credentialId : RECOVERY_SUBJECT
  return concatBytes(
    utf8(LABEL_ENVELOPE_AAD),
    new Uint8Array([KEY_ENVELOPE_VERSION, KIND_BYTE[kind]]),
    lengthPrefixed(utf8(accountId)),
    lengthPrefixed(subject),
  )
}

/** Wraps `masterKey` for one passkey or for the recovery key. Same inputs ⇒ same bytes. */
export async function sealEnvelope(
  masterKey: Uint8Array,
  secret: EnvelopeSecret,
  accountId: string,
  randomness: EnvelopeRandomness,
): Promise<Bytes> {
  if (masterKey.length !== MASTER_KEY_SIZE) throw new Error('format: internal error: master key must be 32 bytes')
  if (randomness.nonce.length !== ENVELOPE_NONCE_SIZE) throw new Error('format: internal error: nonce must be 12 bytes')
  const kek = await deriveKek(secret, randomness.salt)
  const wrapped = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: copyBytes(randomness.nonce), additionalData: associatedData(secret.kind, secret, accountId) },
    kek,
    copyBytes(masterKey),
  )
  const header = new Uint8Array([KEY_ENVELOPE_VERSION, KIND_BYTE[secret.kind]])
  return concatBytes(header, randomness.salt, randomness.nonce, new Uint8Array(wrapped))
}

/**
 * The kind of a well-formed envelope of a known version. Throws `unknown-version` (checked first, so a
 * later, longer format is named as such) or `envelope-corrupt` (wrong length, unknown kind).
 */
export function envelopeKind(envelope: Uint8Array): EnvelopeKind {
  if (envelope.length === 0) throw new AppError('envelope-corrupt', 'Key envelope is empty')
  if (envelope[0] !== KEY_ENVELOPE_VERSION) {
    throw new AppError('unknown-version', `Key envelope version ${envelope[0]} is not supported`, {
      details: { version: envelope[0]! },
    })
  }
  if (envelope.length !== KEY_ENVELOPE_SIZE) {
    throw new AppError('envelope-corrupt', `Key envelope is ${envelope.length} bytes, expected ${KEY_ENVELOPE_SIZE}`)
  }
  const kind = (Object.keys(KIND_BYTE) as EnvelopeKind[]).find((k) => KIND_BYTE[k] === envelope[1])
  if (!kind) throw new AppError('envelope-corrupt', `Key envelope kind ${envelope[1]} is unknown`)
  return kind
}

/**
 * Unwraps the master key. Errors: `unknown-version`, `envelope-corrupt` (malformed, or a passkey
 * envelope opened as a recovery one and vice versa), `wrong-key` (authentication failed: a wrong
 * secret, credential or account, or any modified byte of salt, nonce, ciphertext or tag — AES-GCM
 * cannot tell these apart, KEYS.md §4.3).
 */
export async function openEnvelope(envelope: Uint8Array, secret: EnvelopeSecret, accountId: string): Promise<Bytes> {
  const kind = envelopeKind(envelope)
  if (kind !== secret.kind) {
    throw new AppError('envelope-corrupt', `A ${kind} envelope cannot be opened with a ${secret.kind} secret`)
  }
  const kek = await deriveKek(secret, envelope.subarray(SALT_OFFSET, NONCE_OFFSET))
  try {
    const masterKey = await crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: copyBytes(envelope.subarray(NONCE_OFFSET, CIPHERTEXT_OFFSET)),
        additionalData: associatedData(kind, secret, accountId),
      },
      kek,
      copyBytes(envelope.subarray(CIPHERTEXT_OFFSET)),
    )
    return new Uint8Array(masterKey)
  } catch (cause) {
    throw new AppError('wrong-key', 'This key does not open this envelope', { cause })
  }
}
