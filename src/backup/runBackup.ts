import type { BackupRun, ChunkIdHex, SnapshotCommit, SnapshotId } from '../db/BackupDB'
import type { BackupDB } from '../db/BackupDB'
import type { ChatDB } from '../db/ChatDB'
import type { BackupKeys } from '../format/backupKeys'
import { ATTACHMENT_PART_SIZE } from '../format/constants'
import { toHex } from '../format/hex'
import { sealManifest } from '../format/manifest'
import type { Piece, PieceResult } from './ChunkSealer'
import { ManifestSkeleton } from './ManifestSkeleton'
import { attachmentBytes, planChunks, type PlannedPiece } from './planChunks'
import { chunkObjectSize } from '../format/chunk'
import { recoverStaging, StagingWindow } from './StagingWindow'
import type { StagingStore } from './StagingStore'

/** A sealing worker as the coordinator sees it (in-process in tests, a Comlink remote in the app). */
export interface SealerPort {
  sealJob(pieces: Piece[], slot: number): Promise<PieceResult[]>
}

export interface RunBackupOptions {
  chats: ChatDB
  db: BackupDB
  store: StagingStore
  keys: Pick<BackupKeys, 'keyId' | 'manifestKey'>
  /** Two on a two-core machine: WebCrypto and the hash run on the calling thread (BROWSER-FACTS). */
  sealers: readonly SealerPort[]
  device: string
  /** Bytes the staging area may hold; reading and sealing wait while it is full. */
  capacity: number
  /** Fresh random bytes from the caller: the snapshot id and the manifest nonce. */
  snapshotId: Uint8Array
  manifestNonce: Uint8Array
  now?: () => number
}

export interface BackupSummary {
  snapshotId: SnapshotId
  parent: SnapshotId | null
  chunkCount: number
  /** Chunks sealed and staged by this run, their plaintext and stored bytes. */
  newChunks: number
  newBytes: number
  stagedBytes: number
  /** Plaintext bytes read, hashed and (if new) sealed. */
  bytesRead: number
  manifestBytes: number
  /** Where the sealed objects were staged. */
  staging: StagingStore['kind']
}

/** Pieces sent to a sealer in one call: one attachment part, or many small pages and thumbnails. */
const JOB_BYTES = ATTACHMENT_PART_SIZE
const JOB_PIECES = 64
/**
 * Jobs queued per sealer. A job spends much of its time waiting on IndexedDB and OPFS round trips
 * to the browser process; with four in flight the sealer computes on one while others wait.
 */
const IN_FLIGHT_PER_SEALER = 4
/** Rough bytes of a message in a page, for the progress total only. */
const MESSAGE_BYTES_ESTIMATE = 160
const PROGRESS_INTERVAL_MS = 250

/**
 * One backup run (DESIGN §4, FORMAT.md): plan pieces from the chats, let the sealers name, seal and
 * stage them, then seal the manifest into the run's row. Progress goes to the `runs` row. The
 * caller holds the backup lock.
 */
export async function runBackup(opts: RunBackupOptions): Promise<BackupSummary> {
  const { db, chats, sealers } = opts
  if (sealers.length === 0) throw new Error('backup: internal error: no sealers')
  const now = opts.now ?? Date.now
  const id = toHex(opts.snapshotId) as SnapshotId
  await recoverStaging(db, opts.store)
  // A run still `running` while this one holds the backup lock died with its page or worker.
  await db.runs.where('state').equals('running').modify({ state: 'failed', error: 'interrupted', waitingForSpace: false })
  const window = await StagingWindow.open(db, opts.capacity)
  const previous = await db.runs.where('state').equals('staged').sortBy('startedAt')
  const parent = previous.at(-1)?.id ?? null
  const bytesTotal = (await attachmentBytes(chats)) + (await chats.messages.count()) * MESSAGE_BYTES_ESTIMATE
  const run: BackupRun = {
    id, parent, device: opts.device, state: 'running', startedAt: now(), finishedAt: null, bytesTotal, bytesDone: 0,
    chunkCount: 0, newChunks: 0, newBytes: 0, stagedBytes: 0, waitingForSpace: false, manifest: null, error: null,
  }
  await db.runs.add(run)

  const skeleton = new ManifestSkeleton()
  const busy = sealers.map(() => 0)
  const running = new Set<Promise<void>>()
  let failure: unknown
  let lastProgress = 0
  const onWait = (waiting: boolean) => void db.runs.update(id, { waitingForSpace: waiting })
  const progress = async (force = false) => {
    if (!force && now() - lastProgress < PROGRESS_INTERVAL_MS) return
    lastProgress = now()
    const { bytesDone, newChunks, newBytes, stagedBytes } = run
    await db.runs.update(id, { bytesDone, newChunks, newBytes, stagedBytes })
  }

  const dispatch = async (job: PlannedPiece[]) => {
    while (busy.every((n) => n >= IN_FLIGHT_PER_SEALER) && failure === undefined) await Promise.race(running)
    if (failure !== undefined) return
    const which = busy.indexOf(Math.min(...busy))
    busy[which]!++
    const reserved = job.reduce((sum, p) => sum + chunkObjectSize(p.size), 0)
    const slot = await window.reserve(reserved, which, sealers.length, onWait)
    const done = sealers[which]!.sealJob(job.map((p) => p.piece), slot)
      .then(async (results) => {
        window.settle(slot, reserved, results.reduce((sum, r) => sum + (r.sealed ? r.storedSize : 0), 0))
        results.forEach((result, i) => {
          skeleton.named(job[i]!.seq, result.id, result.length)
          run.bytesDone += result.length
          if (result.sealed) {
            run.newChunks++
            run.newBytes += result.length
            run.stagedBytes += result.storedSize
          }
        })
        await progress()
      })
      .catch((e: unknown) => {
        failure ??= e
      })
      .finally(() => {
        busy[which]!--
        running.delete(done)
      })
    running.add(done)
  }

  try {
    let job: PlannedPiece[] = []
    let jobBytes = 0
    for await (const planned of planChunks(chats, skeleton)) {
      if (failure !== undefined) break
      if (job.length > 0 && (jobBytes + planned.size > JOB_BYTES || job.length >= JOB_PIECES)) {
        await dispatch(job)
        ;[job, jobBytes] = [[], 0]
      }
      job.push(planned)
      jobBytes += planned.size
    }
    if (job.length > 0 && failure === undefined) await dispatch(job)
    while (running.size > 0) await Promise.race(running)
    if (failure !== undefined) throw failure

    const body = skeleton.build({ parent, createdAt: run.startedAt, device: opts.device })
    const manifest = await sealManifest(body, opts.snapshotId, opts.manifestNonce, opts.keys)
    run.chunkCount = body.chunks.length
    // The run and its snapshot commit in one step: the upload queue commits it once every chunk it
    // names is on the server (src/upload), without keys.
    const commit: SnapshotCommit = {
      runId: id, chunkIds: body.chunks.map(([chunkId]) => chunkId as ChunkIdHex), sizeBytes: body.chunks.reduce((sum, [, length]) => sum + chunkObjectSize(length), 0),
      createdAt: run.startedAt, state: 'waiting', attempts: 0, nextAttemptAt: 0, committedAt: null,
    }
    await db.transaction('rw', db.runs, db.commits, async () => {
      await db.runs.update(id, {
        state: 'staged', finishedAt: now(), manifest, chunkCount: run.chunkCount, bytesDone: run.bytesDone, bytesTotal: run.bytesDone,
        newChunks: run.newChunks, newBytes: run.newBytes, stagedBytes: run.stagedBytes, waitingForSpace: false,
      })
      await db.commits.put(commit)
    })
    return {
      snapshotId: id, parent, chunkCount: run.chunkCount, newChunks: run.newChunks, newBytes: run.newBytes,
      stagedBytes: run.stagedBytes, bytesRead: run.bytesDone, manifestBytes: manifest.length, staging: opts.store.kind,
    }
  } catch (e) {
    while (running.size > 0) await Promise.race(running)
    const code = (e as { name?: string; code?: string }).name === 'AppError' ? ((e as { code: BackupRun['error'] }).code) : 'internal'
    await db.runs.update(id, { state: 'failed', finishedAt: now(), error: code, waitingForSpace: false })
    throw e
  }
}
