import { LATE, settleWithin } from '../settleWithin'
import type { Placement, StagedObject, StagedRef } from './StagingStore'

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
 * OriginStagingStore puts it together with the IndexedDB store it falls back to.
 */
export class OpfsStagingStore {
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

  /** Writes a job's objects one after another into `slot`; null when the slot's file did not open (the caller stages elsewhere). */
  async writeJob(slot: number, objects: readonly StagedObject[]): Promise<Placement[] | null> {
    const handle = await this.handle(slot)
    if (!handle) return null
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
    // length and tag, and the next run seals again. A run's first sweep deletes slot files no row names.
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
      const removal = this.directory.removeEntry(name).then(
        () => 'removed' as const,
        (e: unknown) => {
          // A handle a sealing worker still holds, or already gone: the next sweep looks again.
          if (['NotFoundError', 'NoModificationAllowedError', 'InvalidModificationError'].includes((e as { name?: string }).name ?? '')) return 'kept' as const
          throw e
        },
      )
      const outcome = await settleWithin(removal, this.openWaitMs)
      if (outcome === LATE) break
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
    let handle: SyncAccessHandle | typeof LATE
    try {
      handle = await settleWithin(opening, this.openWaitMs)
    } catch (e) {
      // Refused (another handle still holds the file, e.g. one of a worker a reload ended): this
      // job goes elsewhere, and the next job of this slot asks again.
      console.warn(`staging: ${slotName(slot)} did not open (${(e as { name?: string }).name ?? 'error'}); staging its job in IndexedDB`)
      return null
    }
    if (handle === LATE) {
      this.stalled.add(slot)
      console.warn(`staging: ${slotName(slot)} did not open within ${this.openWaitMs / 1000} s; staging its jobs in IndexedDB`)
      return null
    }
    return handle
  }
}
