import type { BackupDB, ChunkIdHex } from '../db/BackupDB'
import type { Placement, StagedObject, StagedRef, StagingStore } from './StagingStore'

/**
 * Staged objects as Blobs in `keepsake-backup`'s `staged` table, by chunk id: where sealing workers
 * stage when OPFS sync access handles are missing (and in unit tests, which run without OPFS).
 */
export class IdbStagingStore implements StagingStore {
  readonly kind = 'indexeddb'
  constructor(private readonly db: BackupDB) {}

  /** One transaction for the whole job. */
  async writeJob(_slot: number, objects: readonly StagedObject[]): Promise<Placement[]> {
    await this.db.staged.bulkPut(objects.map(({ id, bytes }) => ({ id, object: new Blob([bytes as Uint8Array<ArrayBuffer>]) })))
    return objects.map(() => ({}))
  }

  /** Replaces one object (tests use it to tear or damage what is staged). */
  async write(id: ChunkIdHex, parts: readonly Uint8Array[]): Promise<void> {
    await this.db.staged.put({ id, object: new Blob(parts as Uint8Array<ArrayBuffer>[]) })
  }

  async read(ref: StagedRef | ChunkIdHex): Promise<Blob | null> {
    return (await this.db.staged.get(typeof ref === 'string' ? ref : ref.id))?.object ?? null
  }

  async remove(ids: readonly ChunkIdHex[]): Promise<void> {
    await this.db.staged.bulkDelete([...ids])
  }

  async sweep(_liveSlots: ReadonlySet<number>, liveIds: ReadonlySet<ChunkIdHex>): Promise<number> {
    const orphans = (await this.list()).filter((id) => !liveIds.has(id))
    await this.remove(orphans)
    return orphans.length
  }

  async list(): Promise<ChunkIdHex[]> {
    return this.db.staged.toCollection().primaryKeys()
  }

  close(): void {}
}
