import type { BackupDB, ChunkIdHex } from '../db/BackupDB'
import type { StagingStore } from './StagingStore'

/** Staging space a backup may fill before it waits for the uploader (bytes). */
export const DEFAULT_STAGING_CAPACITY = 256 * 1024 * 1024

/** Wakes a waiting backup in any context of the origin when staging space is freed. */
const CHANNEL = 'keepsake-staging'
/** Longest wait between two looks at the outbox when no wake-up message arrives (ms). */
const POLL_MS = 100

/** Bytes the outbox holds in the staging area now (chunks `staged` or `uploading`). */
async function heldInOutbox(db: BackupDB): Promise<number> {
  let bytes = 0
  await db.chunks.where('state').anyOf('staged', 'uploading').each((c) => (bytes += c.storedSize))
  return bytes
}

/**
 * The bounded staging area's accounting (DESIGN §5), kept by the one running backup (the backup
 * lock makes it the only writer). Before a job goes to a sealer, the most it can stage is reserved;
 * when it returns, what it did not stage is given back. The outbox is read again only when a
 * reservation would not fit, so the estimate can only overstate what is held: the bound holds
 * without a database round trip per chunk.
 */
export class StagingWindow {
  private reserved = 0
  private held = 0

  private constructor(
    private readonly db: BackupDB,
    readonly capacity: number,
  ) {}

  static async open(db: BackupDB, capacity: number): Promise<StagingWindow> {
    if (!Number.isSafeInteger(capacity) || capacity <= 0) throw new Error('staging: internal error: capacity')
    const window = new StagingWindow(db, capacity)
    window.held = await heldInOutbox(db)
    return window
  }

  /** Reserves `bytes`, waiting while they do not fit; `onWait(true/false)` says when it starts and stops waiting. */
  async reserve(bytes: number, onWait?: (waiting: boolean) => void): Promise<void> {
    if (bytes > this.capacity) throw new Error(`staging: internal error: ${bytes} bytes cannot fit a ${this.capacity}-byte window`)
    let waiting = false
    const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null
    try {
      while (this.held + this.reserved + bytes > this.capacity) {
        this.held = await heldInOutbox(this.db)
        if (this.held + this.reserved + bytes <= this.capacity) break
        if (!waiting) onWait?.((waiting = true))
        // A release between the look above and this listener is caught by the poll.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, POLL_MS)
          if (channel) channel.onmessage = () => (clearTimeout(timer), resolve())
        })
      }
      this.reserved += bytes
    } finally {
      channel?.close()
      if (waiting) onWait?.(false)
    }
  }

  /** A job came back: `reserved` bytes were set aside for it, `staged` of them now hold objects. */
  settle(reserved: number, staged: number): void {
    if (staged > reserved || reserved > this.reserved) throw new Error('staging: internal error: settle')
    this.reserved -= reserved
    this.held += staged
  }

  /** Bytes counted against the bound now (held at the last look, plus staged and reserved since). */
  get used(): number {
    return this.held + this.reserved
  }
}

/**
 * The consumer's side: marks staged chunks `done` (uploaded, or discarded by the benchmark's drain),
 * deletes their objects and wakes a backup waiting for space. Returns the bytes freed.
 */
export async function releaseStaged(db: BackupDB, store: StagingStore, ids: readonly ChunkIdHex[]): Promise<number> {
  const freed = await db.transaction('rw', db.chunks, async () => {
    const rows = await db.chunks.bulkGet([...ids])
    const held = rows.filter((row) => row && (row.state === 'staged' || row.state === 'uploading'))
    await db.chunks.bulkUpdate(held.map((row) => ({ key: row!.id, changes: { state: 'done' as const } })))
    return held.reduce((sum, row) => sum + row!.storedSize, 0)
  })
  await store.remove(ids)
  if (typeof BroadcastChannel === 'function') {
    const channel = new BroadcastChannel(CHANNEL)
    channel.postMessage(freed)
    channel.close()
  }
  return freed
}

/**
 * Before a run (with the backup lock held, so nothing is sealing): forgets claims of runs that
 * died (`pending`) and deletes objects that no staged chunk names.
 */
export async function recoverStaging(db: BackupDB, store: StagingStore): Promise<void> {
  const live = await db.transaction('rw', db.chunks, async () => {
    await db.chunks.where('state').equals('pending').delete()
    return new Set(await db.chunks.where('state').anyOf('staged', 'uploading').primaryKeys())
  })
  const orphans = (await store.list()).filter((id) => !live.has(id))
  await store.remove(orphans)
}
