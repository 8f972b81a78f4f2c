import type { SnapshotCommit, UploadStatus } from '../db/BackupDB'
import type { ErrorCode } from '../errors'
import type { Connectivity } from './connectivity'
import { DrainStatus } from './DrainStatus'
import { judgeFailure, type Verdict } from './judgeFailure'
import type { UploadQueue } from './queue'
import type { UploadTransport } from './transport'
import { uploadPass } from './uploadPass'

export interface DrainOptions {
  queue: UploadQueue
  transport: UploadTransport
  connectivity: Connectivity
  drainer: UploadStatus['drainer']
  /** Uploads in flight at once. */
  concurrency?: number
  /** Whether a backup run is sealing now (more chunks will be staged): the drain waits for them. */
  isSealing?: () => Promise<boolean>
  /**
   * Stop taking new work at this time (ms since epoch) and return `waiting` rather than wait past
   * it: a service worker's sync event has a time limit, and the browser calls again later.
   */
  deadline?: number
  signal?: AbortSignal
  now?: () => number
  random?: () => number
  /** Longest a single request may take before it counts as failed (ms). */
  requestTimeoutMs?: number
}

export type DrainOutcome =
  | { state: 'drained' }
  /** Work remains (offline, backing off, past the deadline, or stopped by `signal`). */
  | { state: 'waiting'; until: number | null }
  /** Stopped by something that will not pass without the person: signed out, the server full… */
  | { state: 'failed'; code: ErrorCode }

/** How often a drain waiting on a sealing backup looks for new chunks (ms). */
const SEALING_POLL_MS = 200
const REQUEST_TIMEOUT_MS = 5 * 60_000

/**
 * Drains the outbox (DESIGN §5): uploads the chunks due (uploadPass), then commits the newest staged
 * run's snapshot once every chunk it names is confirmed. Failures that pass pause it — until the
 * connection returns, or until the backoff's due time, which the rows keep — and the rest stop it
 * with a named code in the status row. Call it with the upload lock held: it assumes no other
 * drainer, and first puts back what a dead one left `uploading`.
 */
export async function drainOutbox(opts: DrainOptions): Promise<DrainOutcome> {
  const { queue, transport, connectivity } = opts
  const now = opts.now ?? Date.now
  const random = opts.random ?? Math.random
  const deadline = opts.deadline ?? Number.POSITIVE_INFINITY
  const bounded = deadline !== Number.POSITIVE_INFINITY
  const requestSignal = (signal: AbortSignal) => AbortSignal.any([signal, AbortSignal.timeout(opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS)])
  let failures = 0

  await queue.recover()
  const status = await DrainStatus.start(queue.db, opts.drainer, await queue.remaining(), now)

  /** Sends the newest waiting commit once every chunk it names is confirmed; older waiting ones are superseded. */
  async function commitReady(): Promise<Verdict | null> {
    const [newest, ...older] = await queue.waitingCommits()
    // Committing an older run after a newer one would list it as the newest backup.
    for (const commit of older) await queue.setCommit(commit.runId, { state: 'superseded' })
    if (!newest || newest.nextAttemptAt > now() || now() >= deadline) return null
    const readiness = await queue.readiness(newest)
    if (readiness === 'stale') await queue.setCommit(newest.runId, { state: 'stale' })
    return readiness === 'ready' ? send(newest) : null
  }

  async function send(commit: SnapshotCommit): Promise<Verdict | null> {
    const manifest = await queue.manifest(commit.runId)
    if (!manifest) throw new Error(`upload: internal error: run ${commit.runId} has a commit but no manifest`)
    const own = new AbortController()
    try {
      const request = { id: commit.runId, manifest, chunkIds: commit.chunkIds, sizeBytes: commit.sizeBytes }
      const answer = await transport.commit(request, requestSignal(opts.signal ?? own.signal))
      if (answer.ok) {
        await queue.committed(commit, answer.createdAt)
        return null
      }
      // The server lost chunks this device had confirmed (its grace period passed): forgotten here,
      // so the next run seals and uploads them again.
      await queue.forget(answer.missing)
      await queue.setCommit(commit.runId, { state: 'stale' })
      return null
    } catch (e) {
      const verdict = judgeFailure(e, { aborted: !!opts.signal?.aborted, online: connectivity.online, attempt: Math.max(commit.attempts, failures) + 1, now: now(), random })
      if (verdict.kind === 'retry') await queue.setCommit(commit.runId, { attempts: commit.attempts + 1, nextAttemptAt: verdict.at })
      return verdict
    }
  }

  /** When the next piece of work is due: a staged chunk, or the newest waiting commit once ready; null when none. */
  async function nextWork(): Promise<number | null> {
    const chunk = await queue.nextDue()
    const [commit] = await queue.waitingCommits()
    const commitDue = commit && (await queue.readiness(commit)) === 'ready' ? commit.nextAttemptAt : null
    if (chunk === null || commitDue === null) return chunk ?? commitDue
    return Math.min(chunk, commitDue)
  }

  /** Waits `ms` at most, ending early when the connection changes or `signal` aborts. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        off()
        opts.signal?.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, Math.max(0, ms))
      const off = connectivity.onChange(done)
      opts.signal?.addEventListener('abort', done, { once: true })
    })

  for (;;) {
    if (opts.signal?.aborted) return { state: 'waiting', until: null }
    if (!connectivity.online) {
      await status.phase('offline', { error: 'offline' })
      if (bounded) return { state: 'waiting', until: null }
      await connectivity.whenOnline(opts.signal)
      continue
    }
    await status.phase('uploading')
    const pass = { queue, transport, connectivity, status, concurrency: opts.concurrency ?? 4, failures, deadline, now, random, requestSignal, signal: opts.signal }
    const stop = (await uploadPass(pass)) ?? (await commitReady())
    if (stop?.kind === 'failed') {
      await status.phase('failed', { error: stop.code, details: stop.details })
      return { state: 'failed', code: stop.code }
    }
    if (stop?.kind === 'offline' || stop?.kind === 'aborted') continue
    failures = stop?.kind === 'retry' ? failures + 1 : 0
    const due = stop?.kind === 'retry' ? stop.at : await nextWork()
    if (due === null) {
      if (!(await opts.isSealing?.())) {
        await status.phase('idle')
        return { state: 'drained' }
      }
      if (now() >= deadline) return { state: 'waiting', until: null }
      await pause(SEALING_POLL_MS)
    } else if (due > now()) {
      if (due >= deadline) return { state: 'waiting', until: due }
      await status.phase('retrying', { retryAt: due, ...(stop?.kind === 'retry' ? { error: stop.code, details: stop.details } : {}) })
      await pause(due - now())
    } else if (now() >= deadline) return { state: 'waiting', until: null }
  }
}
