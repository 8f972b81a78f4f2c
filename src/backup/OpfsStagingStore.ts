import type { ChunkIdHex } from '../db/BackupDB'
import { AppError } from '../errors'
import type { Placement, StagedObject, StagedRef, StagingStore } from './StagingStore'

/** The staging area's directory in the origin private file system. */
export const STAGING_DIRECTORY = 'keepsake-staging'
/**
 * Longest wait for a slot's sync access handle. Chromium here has left `createSyncAccessHandle()`
 * pending for good, now and then, under heavy disk use (docs/BENCHMARKS.md): a job whose slot does
 * not open in time is staged in IndexedDB instead, and the backup goes on.
 */
export const OPEN_WAIT_MS = 5_000

/** Sync access handles exist in dedicated workers only; TypeScript's DOM library leaves them out. */
interface SyncAccessHandle {
  write(buffer: Uint8Array, options: { at: number }): number
  close(): void
}
type SyncCapableHandle = FileSystemFileHandle & { createSyncAccessHandle(): Promise<SyncAccessHandle> }

/** True in a context that can write the staging area (a dedicated worker with OPFS sync access handles). */
export function canWriteOpfs(): boolean {
  return typeof FileSystemFileHandle === 'function' && 'createSyncAccessHandle' in FileSystemFileHandle.prototype && typeof navigator.storage?.getDirectory === 'function'
}

/** True in a context that can read the staging area (windows, service workers and workers with OPFS). */
export function canReadOpfs(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function'
}

const slotName = (slot: number) => `slot-${slot}`

/**
 * Sealed objects in a fixed set of slot files, `keepsake-staging/slot-<n>` (docs/UPLOAD.md,
 * "Staging"). A sealing job writes its objects one after another into the one slot the staging
 * window gave it, through a sync access handle its worker opens once per run and keeps: no file is
 * created or deleted per chunk. A slot is written again only once no outbox row names it, so the
 * uploader reads an object as a slice of the slot's File, from disk, without copying it into memory.
 */
export class OpfsStagingStore implements StagingStore {
  readonly kind = 'opfs'
  private readonly handles = new Map<number, Promise<SyncAccessHandle>>()
  /** Slots whose handle is still opening after OPEN_WAIT_MS: not waited for again. */
  private readonly stalled = new Set<number>()

  /** `directory`: the staging directory (tests pass their own); `openWaitMs`: see OPEN_WAIT_MS. */
  constructor(
    private readonly directory: FileSystemDirectoryHandle,
    private readonly openWaitMs = OPEN_WAIT_MS,
  ) {}

  static async open(): Promise<OpfsStagingStore> {
    const root = await navigator.storage.getDirectory()
    return new OpfsStagingStore(await root.getDirectoryHandle(STAGING_DIRECTORY, { create: true }))
  }

  async writeJob(slot: number, objects: readonly StagedObject[]): Promise<Placement[]> {
    const handle = await this.handle(slot)
    if (!handle) throw new AppError('interrupted', `the file storage did not open ${slotName(slot)} within ${this.openWaitMs / 1000} s`)
    return this.writeWith(handle, slot, objects)
  }

  /** As `writeJob`, but null at once when the slot's file did not open in time (the caller stages elsewhere). */
  async tryWriteJob(slot: number, objects: readonly StagedObject[]): Promise<Placement[] | null> {
    const handle = await this.handle(slot)
    return handle ? this.writeWith(handle, slot, objects) : null
  }

  private writeWith(handle: SyncAccessHandle, slot: number, objects: readonly StagedObject[]): Placement[] {
    const placements: Placement[] = []
    let offset = 0
    for (const { bytes } of objects) {
      const written = handle.write(bytes, { at: offset })
      // A short write is how Chromium reports a full OPFS: never record it as staged.
      if (written !== bytes.length) throw new DOMException(`staging: wrote ${written} of ${bytes.length} bytes`, 'QuotaExceededError')
      placements.push({ slot, offset })
      offset += written
    }
    // Not truncated: what an earlier, longer job left past `offset` is named by no row, and a slot
    // file that keeps its size needs no new quota from the browser for its next job. Not flushed: a
    // crash before the data reaches the disk leaves a torn object, which the uploader detects by its
    // length and tag, and the next run seals again. The sweep deletes slot files once all is uploaded.
    return placements
  }

  async read(ref: StagedRef): Promise<Blob | null> {
    if (ref.slot === undefined || ref.offset === undefined) return null
    let file: File
    try {
      file = await (await this.directory.getFileHandle(slotName(ref.slot))).getFile()
    } catch (e) {
      if ((e as { name?: string }).name === 'NotFoundError') return null
      throw e
    }
    if (file.size < ref.offset + ref.storedSize) return null
    return file.slice(ref.offset, ref.offset + ref.storedSize)
  }

  /** Slots are reused, not deleted per object: see `sweep`. */
  async remove(_ids: readonly ChunkIdHex[]): Promise<void> {}

  /**
   * Deletes slot files no live row names. Best effort, and never long: the caller holds the backup
   * lock, so a deletion that does not settle within OPEN_WAIT_MS (a file a worker ended by a reload
   * still holds) ends the sweep; the next one tries again.
   */
  async sweep(liveSlots: ReadonlySet<number>): Promise<number> {
    const names: string[] = []
    for await (const name of (this.directory as unknown as { keys(): AsyncIterable<string> }).keys()) {
      const slot = /^slot-(\d+)$/.exec(name)
      if (!slot || !liveSlots.has(Number(slot[1]))) names.push(name)
    }
    let removed = 0
    for (const name of names) {
      let timer: ReturnType<typeof setTimeout> | undefined
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), this.openWaitMs)))
      const removal = this.directory.removeEntry(name).then(
        () => 'removed' as const,
        (e: unknown) => {
          // A handle a sealing worker still holds, or already gone: the next sweep looks again.
          if (['NotFoundError', 'NoModificationAllowedError', 'InvalidModificationError'].includes((e as { name?: string }).name ?? '')) return 'kept' as const
          throw e
        },
      )
      const outcome = await Promise.race([removal, late]).finally(() => clearTimeout(timer))
      if (outcome === 'late') break
      if (outcome === 'removed') removed++
    }
    return removed
  }

  close(): void {
    for (const opening of this.handles.values()) void opening.then((handle) => handle.close(), () => undefined)
    this.handles.clear()
    this.stalled.clear()
  }

  /** The slot's handle, opened once and kept; null when it is not open after OPEN_WAIT_MS (or is still stalled). */
  private async handle(slot: number): Promise<SyncAccessHandle | null> {
    let opening = this.handles.get(slot)
    if (!opening) {
      opening = this.directory.getFileHandle(slotName(slot), { create: true }).then((file) => (file as SyncCapableHandle).createSyncAccessHandle())
      this.handles.set(slot, opening)
      opening.then(() => this.stalled.delete(slot), () => (this.handles.delete(slot), this.stalled.delete(slot)))
    }
    if (this.stalled.has(slot)) return null
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), this.openWaitMs)))
    let handle: SyncAccessHandle | null
    try {
      handle = await Promise.race([opening, late]).finally(() => clearTimeout(timer))
    } catch (e) {
      // Refused (another handle still holds the file, e.g. one of a worker a reload ended): this
      // job goes elsewhere, and the next job of this slot asks again.
      console.warn(`staging: ${slotName(slot)} did not open (${(e as { name?: string }).name ?? 'error'}); staging its job in IndexedDB`)
      return null
    }
    if (!handle) {
      this.stalled.add(slot)
      console.warn(`staging: ${slotName(slot)} did not open within ${this.openWaitMs / 1000} s; staging its jobs in IndexedDB`)
    }
    return handle
  }
}
