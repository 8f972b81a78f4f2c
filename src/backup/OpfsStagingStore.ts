import type { ChunkIdHex } from '../db/BackupDB'
import type { StagingStore } from './StagingStore'

const DIRECTORY = 'keepsake-staging'

/** Sync access handles exist in dedicated workers only; TypeScript's DOM library leaves them out. */
interface SyncAccessHandle {
  write(buffer: Uint8Array, options: { at: number }): number
  truncate(size: number): void
  close(): void
}
type SyncCapableHandle = FileSystemFileHandle & { createSyncAccessHandle?: () => Promise<SyncAccessHandle> }

/**
 * Staged objects as files `keepsake-staging/<chunk id>` in the origin private file system. Written
 * with a sync access handle in workers (no flush per file: like IndexedDB's default relaxed
 * durability, the uploader checks each file's length and tag against the outbox instead).
 */
export class OpfsStagingStore implements StagingStore {
  readonly kind = 'opfs'
  private constructor(private readonly directory: FileSystemDirectoryHandle) {}

  static async open(): Promise<OpfsStagingStore> {
    const root = await navigator.storage.getDirectory()
    return new OpfsStagingStore(await root.getDirectoryHandle(DIRECTORY, { create: true }))
  }

  async write(id: ChunkIdHex, parts: readonly Uint8Array[]): Promise<void> {
    const file = (await this.directory.getFileHandle(id, { create: true })) as SyncCapableHandle
    if (file.createSyncAccessHandle) {
      const handle = await file.createSyncAccessHandle()
      try {
        handle.truncate(0)
        let at = 0
        for (const part of parts) {
          const written = handle.write(part, { at })
          // A short write is how Chromium reports a full (in-memory) OPFS: never record it as staged.
          if (written !== part.length) throw new DOMException(`staging: wrote ${written} of ${part.length} bytes`, 'QuotaExceededError')
          at += written
        }
      } finally {
        handle.close()
      }
      return
    }
    const writable = await file.createWritable()
    await writable.write(new Blob(parts as Uint8Array<ArrayBuffer>[]))
    await writable.close()
  }

  async read(id: ChunkIdHex): Promise<Blob | null> {
    try {
      return await (await this.directory.getFileHandle(id)).getFile()
    } catch (e) {
      if ((e as { name?: string }).name === 'NotFoundError') return null
      throw e
    }
  }

  async remove(ids: readonly ChunkIdHex[]): Promise<void> {
    for (const id of ids) {
      try {
        await this.directory.removeEntry(id)
      } catch (e) {
        if ((e as { name?: string }).name !== 'NotFoundError') throw e
      }
    }
  }

  async list(): Promise<ChunkIdHex[]> {
    const ids: ChunkIdHex[] = []
    for await (const name of (this.directory as unknown as { keys(): AsyncIterable<string> }).keys()) ids.push(name as ChunkIdHex)
    return ids
  }
}
