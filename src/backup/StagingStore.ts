import type { BackupDB, ChunkIdHex } from '../db/BackupDB'
import { IdbStagingStore } from './IdbStagingStore'

/**
 * Where sealed chunk objects wait for the uploader, by chunk id. Keyless: the service worker can
 * upload from it. Bounded by StagingWindow, not by the store itself.
 */
export interface StagingStore {
  readonly kind: 'indexeddb'
  /** Writes one object from its parts (header, body). */
  write(id: ChunkIdHex, parts: readonly Uint8Array[]): Promise<void>
  read(id: ChunkIdHex): Promise<Blob | null>
  remove(ids: readonly ChunkIdHex[]): Promise<void>
  list(): Promise<ChunkIdHex[]>
}

/**
 * The staging area: Blobs in `keepsake-backup`'s `staged` table. OPFS files written through sync
 * access handles cost less CPU, but in Chromium 156 about one `createSyncAccessHandle()` in a
 * thousand never settled while two sealing workers wrote and a consumer deleted, and a stalled
 * backup is worse than a slower one (docs/BENCHMARKS.md, "Staging").
 */
export async function openStagingStore(db: BackupDB): Promise<StagingStore> {
  return new IdbStagingStore(db)
}
