import type { BackupDB, ChunkIdHex } from '../db/BackupDB'
import { IdbStagingStore } from './IdbStagingStore'
import { OpfsStagingStore } from './OpfsStagingStore'

/**
 * Where sealed chunk objects wait for the uploader, by chunk id. Keyless: the service worker can
 * upload from it. Bounded by StagingWindow, not by the store itself.
 */
export interface StagingStore {
  readonly kind: 'opfs' | 'indexeddb'
  /** Writes one object from its parts (header, body) without joining them first. */
  write(id: ChunkIdHex, parts: readonly Uint8Array[]): Promise<void>
  read(id: ChunkIdHex): Promise<Blob | null>
  remove(ids: readonly ChunkIdHex[]): Promise<void>
  list(): Promise<ChunkIdHex[]>
}

/**
 * OPFS where this context can write it (dedicated workers: sync access handles; measured 2–3× the
 * write rate of IndexedDB blobs here, docs/BENCHMARKS.md), else IndexedDB. Every context of one
 * origin makes the same choice for the same browser, so writer and uploader agree.
 */
export async function openStagingStore(db: BackupDB): Promise<StagingStore> {
  if (typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function' && typeof FileSystemFileHandle !== 'undefined') {
    try {
      return await OpfsStagingStore.open()
    } catch {
      // OPFS can be missing or blocked (some private modes): IndexedDB still works.
    }
  }
  return new IdbStagingStore(db)
}
