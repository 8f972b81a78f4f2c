import { ChunkSealer } from '../src/backup/ChunkSealer'
import { openStagingStore, type StagingStore } from '../src/backup/StagingStore'
import { BackupDB } from '../src/db/BackupDB'
import { translateDbError } from '../src/db/translateDbError'
import { isAppError } from '../src/errors'
import type { ChunkIdHasher } from '../src/format/chunkId'
import type { CryptoApi } from './crypto.api'

/**
 * A sealing worker's API over the given keyed hash: hash-wasm BLAKE2b in the app
 * (crypto.worker.ts); the benchmark swaps in a pure-JS hash to compare.
 */
export function createCryptoApi(createHasher: (chunkIdKey: Uint8Array) => Promise<ChunkIdHasher>): CryptoApi {
  let sealer: ChunkSealer | undefined
  let store: StagingStore | undefined
  const db = new BackupDB()
  return {
    async setUp({ keys, runId }) {
      store = await openStagingStore(db)
      const chunkIdOf = await createHasher(keys.chunkIdKey)
      sealer = new ChunkSealer({ keys, chunkIdOf, db, store, runId })
    },
    async sealJob(pieces, slot) {
      if (!sealer) throw new Error('crypto worker: internal error: sealJob before setUp')
      try {
        return { ok: true, results: await sealer.sealJob(pieces, slot) }
      } catch (e) {
        const translated = translateDbError(e)
        if (isAppError(translated)) return { ok: false, code: translated.code, message: translated.message }
        throw e
      }
    },
    async tearDown() {
      store?.close()
      store = sealer = undefined
    },
  }
}
