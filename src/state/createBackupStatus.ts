import { backupDatabase } from '../backup/backupDatabase'
import type { BackupDB, BackupRun, UploadStatus } from '../db/BackupDB'
import { createLiveQuery } from './createLiveQuery'
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

/** The backup's stored state, live: re-read whenever a run, a chunk, a commit or the upload status changes anywhere. */
export function createBackupStatus() {
  return createLiveQuery(() => readBackupFacts(backupDatabase()))
}
