import type { ChunkIdHex } from '../db/BackupDB'
import { AppError } from '../errors'
import { BodyBuffers, readBody } from './BodyBuffers'
import type { ChunkSource } from './ChunkOpener'
import { backupStorageRequest } from './backupStorageRequest'

/**
 * Stored chunks from `GET /api/chunks/:id` (docs/API.md). A body cut off by a lost connection is
 * retried like a failed request; what arrives is checked by opening it, not trusted. With the
 * object's expected size, the body is read into a reused buffer (BodyBuffers), given back by
 * `release` once opened.
 */
export function createHttpChunkSource(): ChunkSource {
  const buffers = new BodyBuffers()
  return {
    async get(id: ChunkIdHex, size?: number): Promise<Uint8Array> {
      if (!/^[0-9a-f]{64}$/.test(id)) throw new Error('restore: internal error: chunk id')
      for (let attempt = 1; ; attempt++) {
        const response = await backupStorageRequest(`/api/chunks/${id}`, 'chunk-missing')
        try {
          if (size === undefined || !response.body) return new Uint8Array(await response.arrayBuffer())
          const { view, total } = await readBody(response.body, size, buffers)
          if (total === view.length) return view
          // Longer than any object of this size: only its length matters now (openChunk rejects it).
          const longer = new Uint8Array(total)
          longer.set(view)
          buffers.give(view.buffer as ArrayBuffer)
          return longer
        } catch (cause) {
          if (attempt >= 3) throw new AppError('offline', `The connection dropped while chunk ${id} arrived`, { cause })
        }
      }
    },
    release(object: Uint8Array) {
      buffers.give(object.buffer as ArrayBuffer)
    },
  }
}
