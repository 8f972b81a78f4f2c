import { openStagingStore } from '../backup/StagingStore'
import { BackupDB } from '../db/BackupDB'
import { Connectivity } from './connectivity'
import { drainOutbox, type DrainOutcome } from './drainOutbox'
import { UploadQueue } from './queue'
import { fetchTransport } from './transport'
import { backupInProgress, withUploadLock } from './uploadLock'

/**
 * A sync event may run this long (ms) before the browser gives up on it (Chromium allows a few
 * minutes); past it, the drain stops taking work and the event asks to be fired again.
 */
export const BACKGROUND_BUDGET_MS = 150_000

/**
 * The service worker's drain (Background Sync / Periodic Background Sync), with no keys: staged
 * chunks are already sealed and the manifest is stored with its run. Waits for the upload lock
 * while a page drains (taking over if that page closes), then uploads what is left within the
 * budget. Rejects when work remains, so the browser fires the sync again later; resolves when
 * the outbox is empty or stopped by something only the person can fix (the status row says what).
 */
export async function drainInBackground(budgetMs = BACKGROUND_BUDGET_MS): Promise<DrainOutcome> {
  const deadline = Date.now() + budgetMs
  const db = new BackupDB()
  const connectivity = new Connectivity()
  try {
    const queue = new UploadQueue(db, await openStagingStore(db))
    const outcome = await withUploadLock(
      () => drainOutbox({ queue, transport: fetchTransport(), connectivity, drainer: 'service-worker', deadline, isSealing: backupInProgress }),
      { signal: AbortSignal.timeout(budgetMs) },
    )
    if (outcome?.state === 'waiting') throw new Error('upload: uploads remain for a later sync')
    return outcome!
  } finally {
    connectivity.dispose()
    db.close()
  }
}
