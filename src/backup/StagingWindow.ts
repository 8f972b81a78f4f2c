import type { BackupDB, ChunkIdHex } from '../db/BackupDB'
import type { StagingStore } from './StagingStore'

/** Staging space a backup may fill before it waits for the uploader (bytes). */
export const DEFAULT_STAGING_CAPACITY = 256 * 1024 * 1024

/** Wakes waiting writers in every context of the origin when staging space is freed. */
const CHANNEL = 'keepsake-staging'
/** Longest wait between two looks at the usage row when no wake-up message arrives (ms). */
const POLL_MS = 100

/**
 * The bounded staging area's accounting (DESIGN §5). The usage row counts sealed objects in the
 * store plus space reserved for objects being sealed; writers reserve before sealing and wait while
 * the window is full, consumers release after upload. Each change is one IndexedDB transaction, so
 * two sealing workers and an uploader in other contexts never see the bound exceeded.
 */
export class StagingWindow {
  constructor(
    private readonly db: BackupDB,
    readonly capacity: number,
  ) {
    if (!Number.isSafeInteger(capacity) || capacity <= 0) throw new Error('staging: internal error: capacity')
  }

  /** Reserves `bytes`, waiting for space; `onWait(true/false)` reports when it starts and stops waiting. */
  async reserve(bytes: number, onWait?: (waiting: boolean) => void): Promise<void> {
    if (bytes > this.capacity) throw new Error(`staging: internal error: ${bytes} bytes cannot fit a ${this.capacity}-byte window`)
    if (bytes <= 0) return
    let waiting = false
    const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null
    try {
      for (;;) {
        const granted = await this.db.transaction('rw', this.db.usage, async () => {
          const used = (await this.db.usage.get('staging'))?.bytes ?? 0
          if (used + bytes > this.capacity) return false
          await this.db.usage.put({ key: 'staging', bytes: used + bytes })
          return true
        })
        if (granted) break
        if (!waiting) onWait?.((waiting = true))
        // A release between the look above and this listener is caught by the poll.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, POLL_MS)
          if (channel) channel.onmessage = () => (clearTimeout(timer), resolve())
        })
      }
    } finally {
      channel?.close()
      if (waiting) onWait?.(false)
    }
  }

  /** Gives back space reserved but not used (a chunk that turned out known, or a failed seal). */
  async unreserve(bytes: number): Promise<void> {
    if (bytes <= 0) return
    await this.db.transaction('rw', this.db.usage, async () => {
      const used = (await this.db.usage.get('staging'))?.bytes ?? 0
      if (used < bytes) throw new Error('staging: internal error: usage below zero')
      await this.db.usage.put({ key: 'staging', bytes: used - bytes })
    })
    announceFreed()
  }

  /** Bytes in use now (sealed and reserved). */
  async used(): Promise<number> {
    return (await this.db.usage.get('staging'))?.bytes ?? 0
  }
}

function announceFreed(): void {
  if (typeof BroadcastChannel !== 'function') return
  const channel = new BroadcastChannel(CHANNEL)
  channel.postMessage('freed')
  channel.close()
}

/**
 * The consumer's side: marks staged chunks `done` (uploaded, or discarded by the benchmark's drain),
 * frees their space and deletes their objects. Returns the bytes freed.
 */
export async function releaseStaged(db: BackupDB, store: StagingStore, ids: readonly ChunkIdHex[]): Promise<number> {
  const freed = await db.transaction('rw', db.chunks, db.usage, async () => {
    const rows = await db.chunks.bulkGet([...ids])
    let bytes = 0
    for (const row of rows) {
      if (!row || (row.state !== 'staged' && row.state !== 'uploading')) continue
      bytes += row.storedSize
      await db.chunks.update(row.id, { state: 'done' })
    }
    const used = (await db.usage.get('staging'))?.bytes ?? 0
    await db.usage.put({ key: 'staging', bytes: Math.max(0, used - bytes) })
    return bytes
  })
  await store.remove(ids)
  announceFreed()
  return freed
}

/**
 * Before a run (with the backup lock held, so nothing is sealing): forgets claims of runs that
 * died (`pending`), deletes objects no staged chunk names, and recounts the usage row from the
 * outbox, dropping reservations a dead run never gave back.
 */
export async function recoverStaging(db: BackupDB, store: StagingStore): Promise<void> {
  const live = await db.transaction('rw', db.chunks, db.usage, async () => {
    await db.chunks.where('state').equals('pending').delete()
    const held = await db.chunks.where('state').anyOf('staged', 'uploading').toArray()
    await db.usage.put({ key: 'staging', bytes: held.reduce((sum, c) => sum + c.storedSize, 0) })
    return new Set(held.map((c) => c.id))
  })
  const orphans = (await store.list()).filter((id) => !live.has(id))
  await store.remove(orphans)
}
