import type { BackupDB, ChunkIdHex } from '../db/BackupDB'
import type { StagingStore } from './StagingStore'

/** Staging space a backup may fill before it waits for the uploader (bytes). */
export const DEFAULT_STAGING_CAPACITY = 256 * 1024 * 1024
/**
 * Slot files of the staging area (OPFS): one sealing job's objects share a slot, so this bounds the
 * jobs staged at once. 256 MiB of 4 MiB attachment parts needs 61; small jobs (pages, thumbnails)
 * fill slots faster than bytes, and wait for the uploader a little sooner.
 */
export const STAGING_SLOTS = 128

/** Wakes a waiting backup in any context of the origin when staging space is freed. */
const CHANNEL = 'keepsake-staging'
/** Longest wait between two looks at the outbox when no wake-up message arrives (ms). */
const POLL_MS = 100

/** What the outbox holds in the staging area now (chunks `staged` or `uploading`): bytes, slots and ids. */
async function heldInOutbox(db: BackupDB): Promise<{ bytes: number; slots: Set<number>; ids: Set<ChunkIdHex> }> {
  let bytes = 0
  const slots = new Set<number>()
  const ids = new Set<ChunkIdHex>()
  await db.chunks.where('state').anyOf('staged', 'uploading').each((c) => {
    bytes += c.storedSize
    ids.add(c.id)
    if (c.slot !== undefined) slots.add(c.slot)
  })
  return { bytes, slots, ids }
}

/**
 * The bounded staging area's accounting (DESIGN §5), kept by the one running backup (the backup
 * lock makes it the only writer). Before a job goes to a sealer, the most it can stage is reserved
 * together with a free slot; when it returns, what it did not stage is given back. The outbox is read
 * again only when a reservation would not fit, so the estimate can only overstate what is held: the
 * bound holds without a database round trip per chunk.
 *
 * Slots are shared out among the sealing workers (slot mod sealers), so no two workers ever hold
 * the same slot file open.
 */
export class StagingWindow {
  private reserved = 0
  private held = 0
  /** Slots that rows named at the last look, plus those reserved or staged since. */
  private busy = new Set<number>()
  /** Slots reserved for jobs still with a sealer (not in the outbox yet). */
  private readonly reservedSlots = new Set<number>()

  private constructor(
    private readonly db: BackupDB,
    readonly capacity: number,
    readonly slots: number,
  ) {}

  static async open(db: BackupDB, capacity: number, slots = STAGING_SLOTS): Promise<StagingWindow> {
    if (!Number.isSafeInteger(capacity) || capacity <= 0) throw new Error('staging: internal error: capacity')
    const window = new StagingWindow(db, capacity, slots)
    const held = await heldInOutbox(db)
    window.held = held.bytes
    window.busy = held.slots
    return window
  }

  /**
   * Reserves `bytes` and a free slot of sealer `sealer` (of `sealers`), waiting while either is
   * missing; `onWait(true/false)` says when it starts and stops waiting. Returns the slot.
   */
  async reserve(bytes: number, sealer: number, sealers: number, onWait?: (waiting: boolean) => void): Promise<number> {
    if (bytes > this.capacity) throw new Error(`staging: internal error: ${bytes} bytes cannot fit a ${this.capacity}-byte window`)
    if (sealers > this.slots) throw new Error('staging: internal error: more sealers than slots')
    let waiting = false
    // Opened only to wait: a reservation that fits costs no channel (an IPC to the browser process).
    let channel: BroadcastChannel | null = null
    try {
      let slot = this.freeSlot(sealer, sealers)
      while (this.held + this.reserved + bytes > this.capacity || slot === undefined) {
        const held = await heldInOutbox(this.db)
        this.held = held.bytes
        // Reserved slots are not in the outbox yet: keep them.
        for (const s of this.busy) if (!held.slots.has(s) && !this.reservedSlots.has(s)) this.busy.delete(s)
        for (const s of held.slots) this.busy.add(s)
        slot = this.freeSlot(sealer, sealers)
        if (this.held + this.reserved + bytes <= this.capacity && slot !== undefined) break
        if (!waiting) onWait?.((waiting = true))
        if (!channel && typeof BroadcastChannel === 'function') channel = new BroadcastChannel(CHANNEL)
        // A release between the look above and this listener is caught by the poll.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, POLL_MS)
          if (channel) channel.onmessage = () => (clearTimeout(timer), resolve())
        })
      }
      this.reserved += bytes
      this.busy.add(slot)
      this.reservedSlots.add(slot)
      return slot
    } finally {
      channel?.close()
      if (waiting) onWait?.(false)
    }
  }

  /** A job came back: `reserved` bytes and `slot` were set aside for it, `staged` bytes of it now hold objects. */
  settle(slot: number, reserved: number, staged: number): void {
    if (staged > reserved || reserved > this.reserved || !this.reservedSlots.has(slot)) throw new Error('staging: internal error: settle')
    this.reserved -= reserved
    this.held += staged
    this.reservedSlots.delete(slot)
    // A job whose chunks were all known staged nothing: its slot is free again at once.
    if (staged === 0) this.busy.delete(slot)
  }

  /** Bytes counted against the bound now (held at the last look, plus staged and reserved since). */
  get used(): number {
    return this.held + this.reserved
  }

  private freeSlot(sealer: number, sealers: number): number | undefined {
    for (let slot = sealer; slot < this.slots; slot += sealers) if (!this.busy.has(slot)) return slot
    return undefined
  }
}

/**
 * The consumer's side: marks staged chunks `done` (uploaded, or discarded by the benchmark's drain),
 * deletes their objects and wakes a backup waiting for space. Returns the bytes freed.
 */
export async function releaseStaged(db: BackupDB, store: StagingStore, ids: readonly ChunkIdHex[]): Promise<number> {
  const { freed, inDatabase } = await db.transaction('rw', db.chunks, async () => {
    const rows = await db.chunks.bulkGet([...ids])
    const held = rows.filter((row) => row && (row.state === 'staged' || row.state === 'uploading'))
    await db.chunks.bulkUpdate(held.map((row) => ({ key: row!.id, changes: { state: 'done' as const } })))
    // Objects in slot files stay until the slot is reused or swept; Blobs in IndexedDB go now.
    return { freed: held.reduce((sum, row) => sum + row!.storedSize, 0), inDatabase: held.filter((row) => row!.slot === undefined).map((row) => row!.id) }
  })
  if (inDatabase.length > 0) await store.remove(inDatabase)
  if (typeof BroadcastChannel === 'function') {
    const channel = new BroadcastChannel(CHANNEL)
    channel.postMessage(freed)
    channel.close()
  }
  return freed
}

/**
 * With the backup lock held, so nothing is sealing: forgets claims of runs that died (`pending`)
 * and frees staging space no staged chunk names (objects of rows forgotten, slot files no row names).
 */
export async function recoverStaging(db: BackupDB, store: StagingStore): Promise<void> {
  await db.chunks.where('state').equals('pending').delete()
  const held = await heldInOutbox(db)
  await store.sweep(held.slots, held.ids)
}
