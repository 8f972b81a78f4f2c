import type { ChunkIdHex } from '../db/BackupDB'
import { AppError } from '../errors'
import type { ChunkSource } from './ChunkOpener'
import { backupStorageRequest } from './backupStorageRequest'

/**
 * Stored chunks from `GET /api/chunks/:id` (docs/API.md). A body cut off by a lost connection is
 * retried like a failed request; what arrives is checked by opening it, not trusted.
 */
export const httpChunkSource: ChunkSource = {
  async get(id: ChunkIdHex): Promise<Uint8Array> {
    if (!/^[0-9a-f]{64}$/.test(id)) throw new Error('restore: internal error: chunk id')
    for (let attempt = 1; ; attempt++) {
      const response = await backupStorageRequest(`/api/chunks/${id}`, 'chunk-missing')
      try {
        return new Uint8Array(await response.arrayBuffer())
      } catch (cause) {
        if (attempt >= 3) throw new AppError('offline', `The connection dropped while chunk ${id} arrived`, { cause })
      }
    }
  },
}
