import { CHUNK_ID_SIZE, KEY_ID_SIZE, LABEL_CHUNK_ENC, LABEL_CHUNK_ID, LABEL_KEY_ID, LABEL_MANIFEST } from './constants'
import { utf8, type Bytes } from './keys/bytes'

/** What a worker needs to cut, name and seal chunks (FORMAT.md §2). Structured-cloneable. */
export interface ChunkKeys {
  /** Public identifier of the master key, written in every object header so a wrong key is named. */
  keyId: Bytes
  /** Raw key of the keyed hash that names chunks: the only raw key bytes that cross `postMessage`. */
  chunkIdKey: Bytes
  /** AES-256-GCM, non-extractable. */
  chunkEncKey: CryptoKey
}

export interface BackupKeys extends ChunkKeys {
  /** AES-256-GCM, non-extractable. */
  manifestKey: CryptoKey
}

const NO_SALT = new Uint8Array(0)

function hkdf(info: string) {
  return { name: 'HKDF', hash: 'SHA-256', salt: NO_SALT, info: utf8(info) } as const
}

/**
 * FORMAT.md §2: every backup key comes from the master key through HKDF-SHA-256 with an empty salt
 * and its own label, so no two uses ever share a key. `masterKey` is an HKDF CryptoKey with
 * `deriveBits` and `deriveKey` usages (it is non-extractable on the device).
 */
export async function deriveBackupKeys(masterKey: CryptoKey): Promise<BackupKeys> {
  const aes = { name: 'AES-GCM', length: 256 } as const
  const [keyId, chunkIdKey, chunkEncKey, manifestKey] = await Promise.all([
    crypto.subtle.deriveBits(hkdf(LABEL_KEY_ID), masterKey, KEY_ID_SIZE * 8),
    crypto.subtle.deriveBits(hkdf(LABEL_CHUNK_ID), masterKey, CHUNK_ID_SIZE * 8),
    crypto.subtle.deriveKey(hkdf(LABEL_CHUNK_ENC), masterKey, aes, false, ['encrypt', 'decrypt']),
    crypto.subtle.deriveKey(hkdf(LABEL_MANIFEST), masterKey, aes, false, ['encrypt', 'decrypt']),
  ])
  return { keyId: new Uint8Array(keyId), chunkIdKey: new Uint8Array(chunkIdKey), chunkEncKey, manifestKey }
}

/** Imports master key bytes as an HKDF key (for vectors, fixtures and tests; the device keeps its own). */
export function importMasterKeyBytes(masterKey: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', new Uint8Array(masterKey), 'HKDF', false, ['deriveBits', 'deriveKey'])
}
