import type { ChunkIdHex } from '../db/BackupDB'
import type { ChunkKeys } from '../format/backupKeys'
import { chunkObjectSize, openChunk } from '../format/chunk'
import type { ChunkIdHasher } from '../format/chunkId'
import { CHUNK_ID_SIZE } from '../format/constants'
import { fromHex } from '../format/hex'
import type { Bytes } from '../format/keys/bytes'

/** Where stored chunk objects come from: the server in the app, a staging area in tests and benchmarks. */
export interface ChunkSource {
  /**
   * The stored object of `id`; AppError `chunk-missing` when the source does not have it. `size`
   * is the size the object should have (it may have another: opening checks it).
   */
  get(id: ChunkIdHex, size?: number): Promise<Uint8Array>
  /** Takes back an object `get` returned, once opened (its buffer may be reused). */
  release?(object: Uint8Array): void
}

/** One chunk to fetch and open: its manifest index, id and plaintext length, and the form wanted back. */
export interface OpenRequest {
  index: number
  id: ChunkIdHex
  length: number
  /** `bytes` for message pages (decoded by the caller), `blob` for attachment parts (kept as they are). */
  as: 'bytes' | 'blob'
}

export type OpenedChunk = { index: number; kind: 'bytes'; bytes: Uint8Array } | { index: number; kind: 'blob'; blob: Blob }

/**
 * The work of one opening worker: fetch a stored chunk and open it (FORMAT.md §4.2: header, length,
 * AEAD bound to the id, zero padding, id = keyed hash of the content). Releases nothing that failed.
 */
export class ChunkOpener {
  constructor(
    private readonly keys: Pick<ChunkKeys, 'keyId' | 'chunkEncKey'>,
    private readonly chunkIdOf: ChunkIdHasher,
    private readonly source: ChunkSource,
  ) {}

  async open(request: OpenRequest): Promise<OpenedChunk> {
    const id = fromHex(request.id, CHUNK_ID_SIZE)
    if (!id) throw new Error('restore: internal error: chunk id')
    const object = await this.source.get(request.id, chunkObjectSize(request.length))
    let content: Bytes
    try {
      content = await openChunk(object, id, request.length, this.keys, this.chunkIdOf)
    } finally {
      // openChunk is done with the object: WebCrypto copied it when decrypt was called.
      this.source.release?.(object)
    }
    if (request.as === 'bytes') return { index: request.index, kind: 'bytes', bytes: content }
    // A Blob moves the bytes out of this thread's memory into the browser's blob store.
    return { index: request.index, kind: 'blob', blob: new Blob([content]) }
  }
}
