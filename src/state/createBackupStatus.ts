import Dexie from 'dexie'
import { createSignal, onCleanup, type Accessor } from 'solid-js'
import { backupDatabase } from '../backup/backupDatabase'
import type { BackupDB, BackupRun, UploadStatus } from '../db/BackupDB'
import { outboxWork, type OutboxWork } from './createUploadQueue'

/** The chunks the current backup sealed (every run since the last committed one) and how many the server has. */
export interface CurrentUpload {
  chunksTotal: number
  chunksDone: number
  bytesTotal: number
  bytesDone: number
}

/** Everything the Backup section shows, as stored (so every tab shows the same, whichever drains). */
export interface BackupFacts {
  /** The newest run (reading and sealing progress), or null before the first. */
  run: Omit<BackupRun, 'manifest'> | null
  upload: UploadStatus | null
  /** The newest snapshot the server recorded. */
  lastBackup: { at: number; sizeBytes: number } | null
  current: CurrentUpload
  work: OutboxWork
}

export async function readBackupFacts(db: BackupDB): Promise<BackupFacts> {
  const committed = await db.commits.where('state').equals('committed').toArray()
  const last = committed.sort((a, b) => b.createdAt - a.createdAt)[0] ?? null
  const since = last?.createdAt ?? Number.NEGATIVE_INFINITY
  const runs = await db.runs.where('startedAt').above(since).toArray()
  const current: CurrentUpload = { chunksTotal: 0, chunksDone: 0, bytesTotal: 0, bytesDone: 0 }
  await db.chunks.where('runId').anyOf(runs.map((r) => r.id)).each((row) => {
    if (row.state === 'pending') return
    current.chunksTotal++
    current.bytesTotal += row.storedSize
    if (row.state === 'done') {
      current.chunksDone++
      current.bytesDone += row.storedSize
    }
  })
  const newest = (await db.runs.orderBy('startedAt').last()) ?? null
  const run = newest && (({ manifest: _manifest, ...rest }) => rest)(newest)
  return {
    run,
    upload: (await db.uploadStatus.get('outbox')) ?? null,
    lastBackup: last && { at: last.committedAt ?? last.createdAt, sizeBytes: last.sizeBytes },
    current,
    work: await outboxWork(db),
  }
}

/** Re-reads at most this often (ms): a backup changes its rows hundreds of times a second. */
const REFRESH_MS = 300
const BACKUP_PARTS = 'idb://keepsake-backup/'

/**
 * The backup's stored state, live: re-read after any change to `keepsake-backup` in this tab,
 * another tab or a worker (Dexie's `storagemutated`), at most every REFRESH_MS, so the section's
 * reads never compete with the backup for the main thread and the database.
 */
export function createBackupStatus(): Accessor<BackupFacts | undefined> {
  const db = backupDatabase()
  const [facts, setFacts] = createSignal<BackupFacts>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let last = 0
  let again = false
  let reading = false
  const refresh = async () => {
    timer = undefined
    if (reading) return void (again = true)
    reading = true
    last = Date.now()
    try {
      setFacts(await readBackupFacts(db))
    } catch (e) {
      console.warn('Keepsake: reading the backup status failed', e)
    } finally {
      reading = false
      if (again) schedule()
      again = false
    }
  }
  const schedule = () => {
    timer ??= setTimeout(() => void refresh(), Math.max(0, last + REFRESH_MS - Date.now()))
  }
  const onMutated = (parts: Record<string, unknown>) => {
    if (Object.keys(parts).some((part) => part.startsWith(BACKUP_PARTS))) schedule()
  }
  Dexie.on.storagemutated.subscribe(onMutated)
  void refresh()
  onCleanup(() => {
    Dexie.on.storagemutated.unsubscribe(onMutated)
    clearTimeout(timer)
  })
  return facts
}
