import type { ChunkIdHex, OutboxChunk } from '../db/BackupDB'
import { isAppError } from '../errors'
import type { Connectivity } from './connectivity'
import type { DrainStatus } from './DrainStatus'
import { judgeFailure, type Verdict } from './judgeFailure'
import type { StagedUpload, UploadQueue } from './queue'
import type { UploadTransport } from './transport'

export interface PassContext {
  queue: UploadQueue
  transport: UploadTransport
  connectivity: Connectivity
  status: DrainStatus
  concurrency: number
  /** Failed passes in a row so far: the backoff grows with them. */
  failures: number
  /** No new chunk is claimed from this time on. */
  deadline: number
  now: () => number
  random: () => number
  /** A signal for one request (the pass's own, plus a timeout). */
  requestSignal: (pass: AbortSignal) => AbortSignal
  signal?: AbortSignal
}

/** Chunks claimed and checked against the server per missing-check. */
const CLAIM_BATCH = 32

/**
 * One pass over the chunks due now: claims them in batches, asks the server which it lacks
 * (`POST /api/chunks/missing`: a chunk stored before a crash or a lost answer is never sent again),
 * and uploads the rest `concurrency` at a time. The first failure stops the claiming (uploads in
 * flight finish); going offline aborts them. Returns why it stopped early, or null when all went up.
 */
export async function uploadPass(ctx: PassContext): Promise<Verdict | null> {
  const { queue, transport, connectivity, status, now } = ctx
  const pass = new AbortController()
  const abort = () => pass.abort(new DOMException('paused', 'AbortError'))
  ctx.signal?.addEventListener('abort', abort)
  const offConnectivity = connectivity.onChange((online) => !online && abort())
  let stop: Verdict | null = null
  const ready: OutboxChunk[] = []
  let exhausted = false
  let refilling: Promise<void> | null = null

  const judge = (e: unknown, attempt: number) =>
    judgeFailure(e, { aborted: pass.signal.aborted, online: connectivity.online, attempt, now: now(), random: ctx.random })

  const refill = async () => {
    const claimed = now() < ctx.deadline ? await queue.claim(now(), CLAIM_BATCH) : []
    if (claimed.length === 0) return void (exhausted = true)
    await status.remaining(await queue.remaining())
    const ids = claimed.map((row) => row.id)
    let missing: Set<ChunkIdHex>
    try {
      missing = new Set(await transport.missing(ids, ctx.requestSignal(pass.signal)))
    } catch (e) {
      // Not these chunks' fault: they go back without an attempt; the pass waits as judged.
      await queue.release(ids)
      stop ??= judge(e, ctx.failures + 1)
      return
    }
    const present = claimed.filter((row) => !missing.has(row.id))
    await queue.confirm(present.map((row) => row.id))
    for (const row of present) await status.confirmed(row.storedSize, false)
    ready.push(...claimed.filter((row) => missing.has(row.id)))
  }

  // Reading the next objects and claiming the next batch overlap the uploads in flight, so a worker
  // that finishes one upload starts the next at once.
  const reads = new Map<ChunkIdHex, Promise<StagedUpload | null>>()
  const readAhead = () => {
    for (const row of ready.slice(0, ctx.concurrency)) if (!reads.has(row.id)) reads.set(row.id, queue.readObject(row))
  }
  const refillSoon = () => {
    if (!exhausted && stop === null && ready.length <= ctx.concurrency) refilling ??= refill().finally(() => (refilling = null))
    return refilling
  }
  const take = async (): Promise<OutboxChunk | null> => {
    while (stop === null) {
      const claimed = refillSoon()
      if (ready.length > 0) {
        const row = ready.shift()!
        readAhead()
        return row
      }
      if (exhausted && !claimed) return null
      await claimed
      readAhead()
    }
    return null
  }

  // Confirmations are written while the next uploads run, those that arrive meanwhile in one transaction.
  const confirmed: OutboxChunk[] = []
  let recording: Promise<void> | null = null
  const record = async () => {
    while (confirmed.length > 0) {
      const batch = confirmed.splice(0)
      await queue.confirm(batch.map((row) => row.id))
      for (const row of batch) await status.confirmed(row.storedSize, true)
    }
  }
  const upload = async (row: OutboxChunk) => {
    const object = await (reads.get(row.id) ?? queue.readObject(row))
    reads.delete(row.id)
    // Torn or gone (a crash while it was written): never sent damaged; the next run seals it again.
    if (!object) return queue.forget([row.id])
    try {
      await transport.putChunk(row.id, object.body, object.sha256, ctx.requestSignal(pass.signal))
    } catch (e) {
      // The file no longer matches the digest taken when it was sealed: damaged, never sent as it is.
      if (isAppError(e) && e.details.serverCode === 'digest-mismatch') return queue.forget([row.id])
      const verdict = judge(e, Math.max(row.attempts, ctx.failures) + 1)
      if (verdict.kind === 'retry') await queue.retryLater([row.id], verdict.at)
      else await queue.release([row.id])
      stop ??= verdict
      return
    }
    confirmed.push(row)
    startRecording()
  }
  const startRecording = () => {
    recording ??= record().finally(() => {
      recording = null
      if (confirmed.length > 0) startRecording()
    })
  }

  try {
    await Promise.all(
      Array.from({ length: ctx.concurrency }, async () => {
        for (let row = await take(); row; row = await take()) await upload(row)
      }),
    )
  } finally {
    ctx.signal?.removeEventListener('abort', abort)
    offConnectivity()
    await (refilling as Promise<void> | null)?.catch(() => undefined)
    // Every confirmation is written before the pass ends.
    while (recording) await recording
    await Promise.allSettled(reads.values())
    await queue.release(ready.map((row) => row.id))
  }
  return stop
}
