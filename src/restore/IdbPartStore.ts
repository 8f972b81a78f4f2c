import type { RestoreDB } from '../db/RestoreDB'
import { partKey, type PartStore, type PartStream } from './PartStore'

/** Parts as Blobs in the `written` table itself: where OPFS sync access handles are not available. */
export class IdbPartStore implements PartStore {
  readonly kind = 'indexeddb'
  constructor(private readonly db: RestoreDB) {}

  async write(unit: string, stream: PartStream, position: number, _offset: number, bytes: Uint8Array): Promise<void> {
    await this.db.written.put({ key: partKey(unit, stream, position), unit, blob: new Blob([bytes as Uint8Array<ArrayBuffer>]) })
  }

  async read(unit: string, stream: PartStream, count: number, type: string): Promise<Blob> {
    const keys = Array.from({ length: count }, (_, i) => partKey(unit, stream, i))
    const rows = await this.db.written.bulkGet(keys)
    return new Blob(
      rows.map((row, i) => {
        if (!row?.blob) throw new Error(`restore: internal error: part ${keys[i]} is not written`)
        return row.blob
      }),
      { type },
    )
  }

  async remove(units: readonly string[]): Promise<void> {
    await this.db.written.where('unit').anyOf([...units]).delete()
  }

  async clear(): Promise<void> {
    await this.db.written.clear()
  }
}
