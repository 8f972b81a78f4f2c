import type { BackupDB, ChunkIdHex, OutboxChunk } from '../db/BackupDB'
import { IdbStagingStore } from './IdbStagingStore'
import { canReadOpfs, canWriteOpfs, OpfsStagingStore } from './OpfsStagingStore'

/** One sealed object a sealing job hands to the staging area. */
export interface StagedObject {
  id: ChunkIdHex
  bytes: Uint8Array
}

/** Where an object went: a slot file and offset (OPFS), or nothing beyond its chunk id (IndexedDB). */
export interface Placement {
  slot?: number
  offset?: number
}

/** What a reader needs to find a staged object: its outbox row's id, size and placement. */
export type StagedRef = Pick<OutboxChunk, 'id' | 'storedSize' | 'slot' | 'offset'>

/**
 * Where sealed chunk objects wait for the uploader. Keyless: the service worker can upload from it.
 * Bounded by StagingWindow, not by the store itself.
 */
export interface StagingStore {
  readonly kind: 'opfs' | 'indexeddb'
  /** Writes one sealing job's objects into `slot` (reserved for it by the StagingWindow); returns where each went. */
  writeJob(slot: number, objects: readonly StagedObject[]): Promise<Placement[]>
  /** A staged object as a Blob (read from disk when sent), or null when it is missing or cut short. */
  read(ref: StagedRef): Promise<Blob | null>
  /** Objects no longer needed (uploaded, or forgotten). */
  remove(ids: readonly ChunkIdHex[]): Promise<void>
  /** With the backup lock held: frees space no live outbox row names. Returns how many objects or files went. */
  sweep(liveSlots: ReadonlySet<number>, liveIds: ReadonlySet<ChunkIdHex>): Promise<number>
  /** Lets go of open files (the end of a run). */
  close(): void
}

/**
 * The staging area as one origin sees it. Sealing workers write to slot files in the origin private
 * file system when they can (OPFS sync access handles: no per-chunk database write, docs/BENCHMARKS.md),
 * else to Blobs in `keepsake-backup`'s `staged` table. Each row records where its object went, so any
 * context (page, service worker) reads either kind.
 */
export class OriginStagingStore implements StagingStore {
  /** `opfs`: null where the origin private file system is missing; `writeToOpfs`: this context has sync access handles. */
  constructor(
    private readonly idb: IdbStagingStore,
    private readonly opfs: OpfsStagingStore | null,
    private readonly writeToOpfs: boolean,
  ) {}

  get kind(): 'opfs' | 'indexeddb' {
    return this.writeToOpfs ? 'opfs' : 'indexeddb'
  }

  async writeJob(slot: number, objects: readonly StagedObject[]): Promise<Placement[]> {
    // A slot file that does not open (in time, OpfsStagingStore.OPEN_WAIT_MS): this job goes to IndexedDB.
    if (this.writeToOpfs) return (await this.opfs!.writeJob(slot, objects)) ?? this.idb.writeJob(slot, objects)
    return this.idb.writeJob(slot, objects)
  }

  async read(ref: StagedRef): Promise<Blob | null> {
    if (ref.slot === undefined) return this.idb.read(ref)
    return this.opfs ? this.opfs.read(ref) : null
  }

  async remove(ids: readonly ChunkIdHex[]): Promise<void> {
    await this.idb.remove(ids)
  }

  async sweep(liveSlots: ReadonlySet<number>, liveIds: ReadonlySet<ChunkIdHex>): Promise<number> {
    return (await this.idb.sweep(liveSlots, liveIds)) + (this.opfs ? await this.opfs.sweep(liveSlots) : 0)
  }

  close(): void {
    this.opfs?.close()
  }
}

export async function openStagingStore(db: BackupDB): Promise<StagingStore> {
  const opfs = canReadOpfs() ? await OpfsStagingStore.open().catch(() => null) : null
  return new OriginStagingStore(new IdbStagingStore(db), opfs, opfs !== null && canWriteOpfs())
}
