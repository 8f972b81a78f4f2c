import { createEffect, createSignal, on, onCleanup } from 'solid-js'
import { accountDatabase, loadAccountState } from '../account/keystore'
import { backupDatabase } from '../backup/backupDatabase'
import { openStagingStore } from '../backup/StagingStore'
import type { BackupDB } from '../db/BackupDB'
import { requestBackgroundUpload } from '../upload/backgroundSync'
import { Connectivity } from '../upload/connectivity'
import { drainOutbox, type DrainOutcome } from '../upload/drainOutbox'
import { UploadQueue } from '../upload/queue'
import { fetchTransport } from '../upload/transport'
import { backupInProgress, withUploadLock } from '../upload/uploadLock'
import { createLiveQuery } from './createLiveQuery'

/** Work in the outbox: chunks to upload and snapshots to commit. */
export interface OutboxWork {
  chunks: number
  commits: number
}

/** Counted on the indexes (no row is read), so it stays cheap to run on every change. */
export async function outboxWork(db: BackupDB): Promise<OutboxWork> {
  const [chunks, commits] = await Promise.all([
    db.chunks.where('state').anyOf('staged', 'uploading').count(),
    db.commits.where('state').equals('waiting').count(),
  ])
  return { chunks, commits }
}

const hasWork = (w: OutboxWork | undefined) => !!w && w.chunks + w.commits > 0

/**
 * The page's side of the upload queue: whenever the outbox holds work (staged by this tab, another
 * tab or a worker), this tab asks for the upload lock and drains. The lock makes one drainer of all
 * tabs and the service worker; the others wait in line and take over if it goes away. Work also
 * registers Background Sync, so the service worker finishes it after the tab closes. A drain
 * stopped by something the person must fix (signed out, server full) starts again on `kick()`, on
 * a sign-in and when the connection returns.
 */
export function createUploadQueue() {
  const db = backupDatabase()
  const connectivity = new Connectivity()
  const queue = openStagingStore(db).then((store) => new UploadQueue(db, store))
  const [draining, setDraining] = createSignal(false)
  const [lastOutcome, setLastOutcome] = createSignal<DrainOutcome | null>(null)
  const stopped = new AbortController()
  const work = createLiveQuery(() => outboxWork(db))

  /** Drains in this tab, waiting for the lock while another context drains; again while work remains. */
  async function kick(): Promise<void> {
    if (draining() || stopped.signal.aborted) return
    setDraining(true)
    try {
      for (;;) {
        const drain = async () => drainOutbox({ queue: await queue, transport: fetchTransport(), connectivity, drainer: 'page', isSealing: backupInProgress, signal: stopped.signal })
        const outcome = await withUploadLock(drain, { signal: stopped.signal })
        setLastOutcome(outcome)
        // Work staged just as the drain decided it was done is picked up here.
        if (outcome?.state !== 'drained' || !hasWork(await outboxWork(db))) break
      }
    } catch (e) {
      if (!stopped.signal.aborted) console.warn('Keepsake: the upload queue stopped', e)
    } finally {
      setDraining(false)
    }
  }

  let registered = false
  createEffect(() => {
    const w = work()
    if (!hasWork(w)) return void (registered = false)
    // Once per batch of work: the service worker drains it even if this tab closes.
    if (!registered) void requestBackgroundUpload().then((ok) => (registered = ok))
    if (lastOutcome()?.state !== 'failed') void kick()
  })

  // A sign-in (new session cookie) lets a drain stopped as signed out go on.
  const account = createLiveQuery(() => loadAccountState(accountDatabase()))
  createEffect(on(() => account()?.account?.signedInAt, (at, previous) => at !== undefined && at !== previous && void kick(), { defer: true }))

  const offOnline = connectivity.onChange((online) => online && void kick())
  onCleanup(() => {
    stopped.abort()
    offOnline()
    connectivity.dispose()
  })

  return { work, draining, lastOutcome, kick, connectivity, queue }
}

export type UploadQueueStore = ReturnType<typeof createUploadQueue>
