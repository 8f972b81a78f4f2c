import type { AppDeps } from '../http/AppEnv'

export interface GarbageReport {
  /** Chunk records deleted: no snapshot named them and they were untouched for the grace period. */
  chunksReleased: number
  /** Blobs deleted: those chunks', and those of uploads that never finished. */
  blobsDeleted: number
  /** Blob deletions that failed; they are retried by a later run. */
  failures: number
}

/** Rows per transaction, so a large collection never holds the database for long. */
const BATCH = 500
/** How long a claimed blob is this run's to delete before another process may retry it. */
const CLAIM_MS = 10 * 60_000

/**
 * Deletes what no snapshot needs any more, deciding only from the MetaStore (never by listing
 * blobs). First, chunk records no snapshot names and untouched for `GC_GRACE_HOURS` (a chunk is
 * touched when stored and whenever a missing-check finds it, so the chunks of a backup still
 * uploading survive) become pending blobs in the same transaction that checks they are
 * unreferenced. Then pending blobs that are due (those, and uploads abandoned past their lease)
 * are claimed, deleted and forgotten. Every step is idempotent and claims are exclusive, so
 * several server processes may run it at once.
 */
export async function collectGarbage({ config, meta, blobs, clock, log }: Pick<AppDeps, 'config' | 'meta' | 'blobs' | 'clock' | 'log'>): Promise<GarbageReport> {
  const report: GarbageReport = { chunksReleased: 0, blobsDeleted: 0, failures: 0 }
  for (;;) {
    const now = clock()
    const released = await meta.releaseUnreferencedChunks(now - config.gcGraceHours * 3_600_000, now, BATCH)
    report.chunksReleased += released
    if (released < BATCH) break
  }
  for (;;) {
    const now = clock()
    const keys = await meta.claimPendingBlobs(now, now + CLAIM_MS, BATCH)
    for (const key of keys) {
      try {
        await blobs.delete(key)
        await meta.releaseBlob(key)
        report.blobsDeleted++
      } catch (e) {
        report.failures++
        log.warn('garbage collection: deleting a blob failed', { message: (e as Error).message })
      }
    }
    if (keys.length < BATCH) break
  }
  return report
}
