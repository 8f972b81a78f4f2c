import { createBLAKE2b } from 'hash-wasm'
import { CHUNK_ID_SIZE } from './constants'
import type { Bytes } from './keys/bytes'

/** Names a chunk: the keyed hash of its plaintext (FORMAT.md §3). Synchronous once created. */
export type ChunkIdHasher = (content: Uint8Array) => Bytes

/**
 * FORMAT.md §3: chunk id = BLAKE2b-256 in keyed mode (RFC 7693) with the 32-byte chunk-id key.
 * Keyed, so the server cannot confirm a guess of a chunk's content; BLAKE2b rather than BLAKE3
 * because hash-wasm's BLAKE2b measured faster here (docs/BENCHMARKS.md).
 */
export async function createChunkIdHasher(chunkIdKey: Uint8Array): Promise<ChunkIdHasher> {
  if (chunkIdKey.length !== CHUNK_ID_SIZE) throw new Error('format: internal error: chunk-id key must be 32 bytes')
  const hasher = await createBLAKE2b(CHUNK_ID_SIZE * 8, new Uint8Array(chunkIdKey))
  return (content) => {
    hasher.init()
    hasher.update(content)
    return hasher.digest('binary') as Bytes
  }
}
