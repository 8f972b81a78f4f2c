import type { BackupDB, SnapshotId } from '../db/BackupDB'
import type { ChatDB } from '../db/ChatDB'
import type { RestoreDB, RestoreJob } from '../db/RestoreDB'
import { translateDbError } from '../db/translateDbError'
import { isAppError, type ErrorCode } from '../errors'
import type { BackupKeys } from '../format/backupKeys'
import { openManifest, type ManifestBody } from '../format/manifest'
import { adoptSnapshot } from './adoptSnapshot'
import { writtenParts, type PartStore } from './PartStore'
import { planRestore } from './planRestore'
import { RestorePipeline, type OpenerPort } from './RestorePipeline'
import { RestoreWriter } from './RestoreWriter'

export interface RunRestoreOptions {
  chats: ChatDB
  db: RestoreDB
  backup: BackupDB
  keys: Pick<BackupKeys, 'keyId' | 'manifestKey'>
  /** Two on a two-core machine: WebCrypto and the hash run on the calling thread (BROWSER-FACTS). */
  openers: readonly OpenerPort[]
  /** Where parts of multi-part attachments wait (OPFS in the app's worker). */
  parts: PartStore
  /** Bytes of verified plaintext held until its attachment is whole. */
  capacity?: number
  now?: () => number
}

export interface RestoreSummary {
  snapshotId: SnapshotId
  conversations: number
  messages: number
  attachments: number
  bytes: number
}

export const DEFAULT_RESTORE_CAPACITY = 96 * 1024 * 1024
/** Failures that pass (the connection, the session, the server, the disk, a stalled file): the restore pauses and resumes. */
const PAUSING: readonly ErrorCode[] = ['offline', 'signed-out', 'server-rejected', 'quota-exceeded', 'interrupted']
const PROGRESS_INTERVAL_MS = 250

/** Starts a restore of `snapshotId` from its opened manifest: forgets any earlier one's staged pages and parts. */
export async function beginRestore(db: RestoreDB, parts: PartStore, snapshotId: SnapshotId, manifest: Uint8Array, body: ManifestBody, merge: boolean, now = Date.now()): Promise<void> {
  await parts.clear()
  const job: RestoreJob = {
    id: 'current', snapshotId, manifest, device: body.device, snapshotCreatedAt: body.createdAt, merge, state: 'running', phase: 'messages',
    startedAt: now, updatedAt: now, finishedAt: null, conversationsTotal: body.conversations.length, conversationsDone: 0, messagesDone: 0,
    attachmentsTotal: body.conversations.reduce((n, c) => n + c.attachments.length, 0), attachmentsDone: 0, bytesTotal: 0, bytesDone: 0,
    error: null, errorMessage: null,
  }
  await db.transaction('rw', db.job, db.pages, db.committed, async () => {
    await Promise.all([db.pages.clear(), db.committed.clear()])
    await db.job.put(job)
  })
}

/**
 * Runs (or resumes) the restore recorded in `db` (DESIGN §6): opens its manifest again, plans what
 * is left, downloads and verifies it through the openers and writes it to the chats; at the end,
 * hands the snapshot to the backup engine so this device's backups continue from it. Progress and
 * the outcome go to the job's row. The caller holds the restore lock.
 */
export async function runRestore(opts: RunRestoreOptions): Promise<RestoreSummary> {
  const { db, chats } = opts
  const now = opts.now ?? Date.now
  const job = await db.job.get('current')
  if (!job) throw new Error('restore: internal error: no restore to run')
  const summary = (j: RestoreJob): RestoreSummary => ({
    snapshotId: j.snapshotId, conversations: j.conversationsDone, messages: j.messagesDone, attachments: j.attachmentsDone, bytes: j.bytesDone,
  })
  if (job.state === 'done') return summary(job)
  try {
    const { body } = await openManifest(job.manifest, opts.keys, job.snapshotId)
    const committed = new Set(await db.committed.toCollection().primaryKeys())
    const stagedPages = new Set(await db.pages.toCollection().primaryKeys())
    const plan = planRestore(body, committed, stagedPages, await writtenParts(db))
    const left = (kind: 'conversation' | 'attachment') => plan.units.filter((u) => u.kind === kind).length
    const progress = {
      conversationsDone: plan.conversationsTotal - left('conversation'), attachmentsDone: plan.attachmentsTotal - left('attachment'),
      messagesDone: job.messagesDone, bytesDone: plan.bytesDone,
    }
    const phase = () => (progress.conversationsDone < plan.conversationsTotal ? 'messages' : 'attachments') as RestoreJob['phase']
    let lastWrite = 0
    const write = async (force: boolean) => {
      if (!force && now() - lastWrite < PROGRESS_INTERVAL_MS) return
      lastWrite = now()
      await db.job.update('current', { ...progress, phase: phase(), updatedAt: lastWrite })
    }
    await db.job.update('current', {
      ...progress, state: 'running', phase: phase(), error: null, errorMessage: null, errorPart: null, updatedAt: now(),
      conversationsTotal: plan.conversationsTotal, attachmentsTotal: plan.attachmentsTotal, bytesTotal: plan.bytesTotal,
    })

    const events = {
      verified(index: number, length: number) {
        if (plan.counted.has(index)) return
        plan.counted.add(index)
        progress.bytesDone += length
        void write(false)
      },
      async committed(unit: { kind: string }, messages: number) {
        if (unit.kind === 'conversation') progress.conversationsDone++
        else progress.attachmentsDone++
        progress.messagesDone += messages
        await write(unit.kind === 'conversation')
      },
    }
    const writer = new RestoreWriter(chats, db, body, opts.parts)
    await new RestorePipeline(body, plan, opts.openers, writer, events, opts.parts, opts.capacity ?? DEFAULT_RESTORE_CAPACITY, stagedPages).run()
    await adoptSnapshot(opts.backup, job.snapshotId, body, job.manifest)
    const finished = { ...progress, state: 'done', phase: 'finished', finishedAt: now(), updatedAt: now() } as const
    await opts.parts.clear()
    await db.transaction('rw', db.job, db.pages, db.committed, async () => {
      await Promise.all([db.pages.clear(), db.committed.clear()])
      await db.job.update('current', finished)
    })
    return summary({ ...job, ...finished })
  } catch (e) {
    const error = translateDbError(e)
    const code: ErrorCode = isAppError(error) ? error.code : 'internal'
    await db.job.update('current', {
      state: PAUSING.includes(code) ? 'paused' : 'failed', error: code, errorMessage: error instanceof Error ? error.message : String(error),
      errorPart: isAppError(error) && typeof error.details.what === 'string' ? error.details.what : null, updatedAt: now(),
    })
    throw error
  }
}
