import type { BackupDB, ChunkIdHex } from '../db/BackupDB'
import type { StagingStore } from './StagingStore'

/** Staged objects as Blobs in `keepsake-backup`'s `staged` table (see openStagingStore for why not OPFS). */
export class IdbStagingStore implements StagingStore {
  readonly kind = 'indexeddb'
  constructor(private readonly db: BackupDB) {}

  async write(id: ChunkIdHex, parts: readonly Uint8Array[]): Promise<void> {
    await this.db.staged.put({ id, object: new Blob(parts as Uint8Array<ArrayBuffer>[]) })
  }

  async read(id: ChunkIdHex): Promise<Blob | null> {
    return (await this.db.staged.get(id))?.object ?? null
  }

  async remove(ids: readonly ChunkIdHex[]): Promise<void> {
    await this.db.staged.bulkDelete([...ids])
  }

  async list(): Promise<ChunkIdHex[]> {
    return this.db.staged.toCollection().primaryKeys()
  }
}
