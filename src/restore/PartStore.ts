import type { RestoreDB } from '../db/RestoreDB'
import { IdbPartStore } from './IdbPartStore'
import { OpfsPartStore } from './OpfsPartStore'

/** Which Blob of an attachment a part belongs to (FORMAT.md §6.2: the attachment and its thumbnail are cut apart). */
export type PartStream = 'blob' | 'thumbnail'

export const partKey = (unit: string, stream: PartStream, position: number) => `${unit}:${stream === 'blob' ? 'b' : 't'}:${position}`

/**
 * Where verified parts of multi-part attachments wait until the attachment is whole, without
 * holding them in memory, and what records them (the `written` table of `keepsake-restore`) so a
 * resumed restore does not download them again.
 */
export interface PartStore {
  readonly kind: 'opfs' | 'indexeddb'
  /** Writes part `position` of `unit`'s `stream` at byte `offset`, then records it as written. */
  write(unit: string, stream: PartStream, position: number, offset: number, bytes: Uint8Array): Promise<void>
  /** The stream's `count` parts as one Blob of `type`, backed by storage rather than memory. */
  read(unit: string, stream: PartStream, count: number, type: string): Promise<Blob>
  /** Forgets every part of these units (after they were written to the chats). */
  remove(units: readonly string[]): Promise<void>
  /** Forgets every part (a new restore starts, or one finished). */
  clear(): Promise<void>
}

/** The part keys recorded as written. */
export async function writtenParts(db: RestoreDB): Promise<Set<string>> {
  return new Set(await db.written.toCollection().primaryKeys())
}

/**
 * OPFS where this context can write it with sync access handles (dedicated workers: measured ~300
 * MB/s here, and the attachment then reads from disk, not memory), else IndexedDB Blobs.
 */
export async function openPartStore(db: RestoreDB): Promise<PartStore> {
  if (typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function' && 'FileSystemSyncAccessHandle' in globalThis) {
    try {
      return await OpfsPartStore.open(db)
    } catch {
      // OPFS can be missing or blocked (some private modes): IndexedDB still works.
    }
  }
  return new IdbPartStore(db)
}
