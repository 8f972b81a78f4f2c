import type { RestoreDB } from '../db/RestoreDB'
import { AppError } from '../errors'
import { LATE, settleWithin } from '../settleWithin'
import { partKey, type PartStore, type PartStream } from './PartStore'

const DIRECTORY = 'keepsake-restore'
/**
 * Longest wait for a file's sync access handle. Chromium here has left `createSyncAccessHandle()`
 * pending for good under heavy OPFS use (docs/BENCHMARKS.md, backup engine): a restore that waited
 * forever would look stuck, so it stops as `interrupted` and resumes with fresh handles instead.
 */
const OPEN_TIMEOUT_MS = 30_000

/** Sync access handles exist in dedicated workers only; TypeScript's DOM library leaves them out. */
interface SyncAccessHandle {
  write(buffer: Uint8Array, options: { at: number }): number
  getSize(): number
  flush(): void
  close(): void
}
type SyncCapableHandle = FileSystemFileHandle & { createSyncAccessHandle(): Promise<SyncAccessHandle> }

/**
 * A file per attachment stream, `keepsake-restore/<unit>.<blob|thumbnail>`, in the origin private
 * file system: each verified part is written at its offset and flushed before it is recorded, so a
 * recorded part is on disk. The whole attachment is then read as a File, from disk, not memory.
 */
export class OpfsPartStore implements PartStore {
  readonly kind = 'opfs'
  private readonly handles = new Map<string, Promise<SyncAccessHandle>>()

  private constructor(
    private readonly db: RestoreDB,
    private readonly directory: FileSystemDirectoryHandle,
  ) {}

  static async open(db: RestoreDB): Promise<OpfsPartStore> {
    const root = await navigator.storage.getDirectory()
    return new OpfsPartStore(db, await root.getDirectoryHandle(DIRECTORY, { create: true }))
  }

  async write(unit: string, stream: PartStream, position: number, offset: number, bytes: Uint8Array): Promise<void> {
    const name = `${unit}.${stream}`
    let opening = this.handles.get(name)
    if (!opening) {
      // One sync handle per file at a time: parts of one attachment arriving together share it.
      opening = withTimeout(this.directory.getFileHandle(name, { create: true }).then((file) => (file as SyncCapableHandle).createSyncAccessHandle()), name)
      this.handles.set(name, opening)
      opening.catch(() => this.handles.delete(name))
    }
    const handle = await opening
    const written = handle.write(bytes, { at: offset })
    // A short write is how Chromium reports a full (in-memory) OPFS: never record it as written.
    if (written !== bytes.length) throw new DOMException(`restore: wrote ${written} of ${bytes.length} bytes`, 'QuotaExceededError')
    handle.flush()
    await this.db.written.put({ key: partKey(unit, stream, position), unit })
  }

  async read(unit: string, stream: PartStream, _count: number, type: string): Promise<Blob> {
    const name = `${unit}.${stream}`
    await this.close(name)
    const file = await (await this.directory.getFileHandle(name)).getFile()
    return new Blob([file], { type })
  }

  async remove(units: readonly string[]): Promise<void> {
    for (const unit of units) for (const stream of ['blob', 'thumbnail'] as const) await this.delete(`${unit}.${stream}`)
    await this.db.written.where('unit').anyOf([...units]).delete()
  }

  async clear(): Promise<void> {
    const names: string[] = []
    for await (const name of (this.directory as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name)
    for (const name of names) await this.delete(name)
    await this.db.written.clear()
  }

  private async close(name: string): Promise<void> {
    const opening = this.handles.get(name)
    if (!opening) return
    this.handles.delete(name)
    ;(await opening.catch(() => null))?.close()
  }

  private async delete(name: string): Promise<void> {
    await this.close(name)
    try {
      await this.directory.removeEntry(name)
    } catch (e) {
      if ((e as { name?: string }).name !== 'NotFoundError') throw e
    }
  }
}

async function withTimeout<T>(promise: Promise<T>, name: string): Promise<T> {
  const outcome = await settleWithin(promise, OPEN_TIMEOUT_MS)
  if (outcome === LATE) throw new AppError('interrupted', `the file storage did not open ${name} within ${OPEN_TIMEOUT_MS / 1000} s`)
  return outcome
}
