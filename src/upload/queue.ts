import Dexie from 'dexie'
import type { BackupDB, ChunkIdHex, OutboxChunk, SnapshotCommit, SnapshotId } from '../db/BackupDB'
import { releaseStaged } from '../backup/StagingWindow'
import type { StagingStore } from '../backup/StagingStore'
import { BACKUP_TAG_SIZE } from '../format/constants'
import { fromHex, toHex } from '../format/hex'
import { LATE, settleWithin } from '../settleWithin'

/** A staged object ready to send: its bytes (a file or a Blob) and their SHA-256. */
export interface StagedUpload {
  body: Blob
  sha256: Uint8Array
}

const SHA256_SIZE = 32
/** Longest wait for a staged object (its file and its last 16 bytes) before it counts as torn. */
export const READ_TIMEOUT_MS = 20_000

/** Whether a commit can be sent: every chunk `done`; some still to upload; or some forgotten (a new run must seal them). */
export type Readiness = 'ready' | 'pending' | 'stale'

/**
 * The upload outbox in Dexie (DESIGN §5): each chunk goes `staged → uploading → done`, with its
 * attempts and next-attempt time, and each staged run's snapshot waits in `commits` until every
 * chunk it names is `done`. Only the holder of the upload lock changes these states, so a row
 * found `uploading` without the lock was left by a context that died.
 */
export class UploadQueue {
  constructor(
    readonly db: BackupDB,
    readonly store: StagingStore,
  ) {}

  /** After a crash, reload or closed tab: rows left `uploading` go back to `staged`. Returns how many. */
  async recover(): Promise<number> {
    return this.db.chunks.where('state').equals('uploading').modify({ state: 'staged' })
  }

  /** Claims up to `limit` staged chunks due by `now`, earliest due first: they become `uploading`. */
  async claim(now: number, limit: number): Promise<OutboxChunk[]> {
    return this.db.transaction('rw', this.db.chunks, async () => {
      const due = await this.db.chunks
        .where('[state+nextAttemptAt]')
        .between(['staged', Dexie.minKey], ['staged', now], true, true)
        .limit(limit)
        .toArray()
      await this.db.chunks.bulkUpdate(due.map((row) => ({ key: row.id, changes: { state: 'uploading' as const } })))
      return due.map((row) => ({ ...row, state: 'uploading' as const }))
    })
  }

  /** The server holds these chunks (stored now, or already): `done`, objects deleted, staging space freed. */
  async confirm(ids: readonly ChunkIdHex[]): Promise<void> {
    if (ids.length > 0) await releaseStaged(this.db, this.store, ids)
  }

  /** Claimed chunks not tried (offline, stopped): back to `staged`, no attempt counted. */
  async release(ids: readonly ChunkIdHex[]): Promise<void> {
    if (ids.length === 0) return
    await this.db.transaction('rw', this.db.chunks, async () => {
      const rows = await this.db.chunks.bulkGet([...ids])
      const held = rows.filter((row) => row?.state === 'uploading')
      await this.db.chunks.bulkUpdate(held.map((row) => ({ key: row!.id, changes: { state: 'staged' as const } })))
    })
  }

  /** A failed attempt: back to `staged` with one more attempt, not tried again before `at`. */
  async retryLater(ids: readonly ChunkIdHex[], at: number): Promise<void> {
    await this.db.transaction('rw', this.db.chunks, async () => {
      for (const row of await this.db.chunks.bulkGet([...ids])) {
        if (row?.state === 'uploading') await this.db.chunks.update(row.id, { state: 'staged', attempts: row.attempts + 1, nextAttemptAt: at })
      }
    })
  }

  /**
   * Chunks that cannot be uploaded as they are — a staged object torn by a crash, or chunks the
   * server no longer holds although they were `done` — leave the index, so the next run seals them
   * again; their objects are deleted. Commits naming them become `stale`.
   */
  async forget(ids: readonly ChunkIdHex[]): Promise<void> {
    if (ids.length === 0) return
    await this.db.chunks.bulkDelete([...ids])
    await this.store.remove(ids)
  }

  /**
   * A claimed chunk's staged object and its SHA-256, checked against its row (length and GCM tag):
   * null when it is missing or torn (a crash before it was wholly written), so it is never sent
   * damaged. The staged Blob itself is the body when the sealer recorded its digest; rows from
   * before that are read and hashed here.
   */
  async readObject(row: OutboxChunk): Promise<StagedUpload | null> {
    // A staged object that cannot be read within READ_TIMEOUT_MS counts as torn: its chunk is sealed
    // again by the next run, and the drain never waits on one file for good (docs/UPLOAD.md, "Staging").
    const read = await settleWithin(this.readChecked(row), READ_TIMEOUT_MS)
    const object = read === LATE ? null : read
    if (object === null) console.warn(`upload: staged object of chunk ${row.id} unreadable; it will be sealed again`)
    return object
  }

  private async readChecked(row: OutboxChunk): Promise<StagedUpload | null> {
    const object = await this.store.read(row)
    if (!object || object.size !== row.storedSize || object.size < BACKUP_TAG_SIZE) return null
    if (row.tag && toHex(new Uint8Array(await object.slice(object.size - BACKUP_TAG_SIZE).arrayBuffer())) !== row.tag) return null
    const sha256 = row.sha256 ? fromHex(row.sha256, SHA256_SIZE) : null
    if (sha256) return { body: object, sha256 }
    const bytes = new Uint8Array(await object.arrayBuffer())
    return { body: new Blob([bytes]), sha256: new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)) }
  }

  /** The person asked to back up now: everything backing off is due at once. */
  async retryNow(): Promise<void> {
    await this.db.transaction('rw', this.db.chunks, this.db.commits, async () => {
      await this.db.chunks.where('[state+nextAttemptAt]').between(['staged', 1], ['staged', Dexie.maxKey]).modify({ nextAttemptAt: 0 })
      await this.db.commits.where('state').equals('waiting').modify({ nextAttemptAt: 0 })
    })
  }

  /** Chunks still to upload (staged or being uploaded) and their stored bytes. */
  async remaining(): Promise<{ chunks: number; bytes: number }> {
    let chunks = 0
    let bytes = 0
    await this.db.chunks.where('state').anyOf('staged', 'uploading').each((row) => {
      chunks++
      bytes += row.storedSize
    })
    return { chunks, bytes }
  }

  /** The earliest time a staged chunk is due, or null when none is staged. */
  async nextDue(): Promise<number | null> {
    const first = await this.db.chunks.where('[state+nextAttemptAt]').between(['staged', Dexie.minKey], ['staged', Dexie.maxKey]).first()
    return first?.nextAttemptAt ?? null
  }

  /** Commits waiting to be sent, newest run first. */
  async waitingCommits(): Promise<SnapshotCommit[]> {
    const waiting = await this.db.commits.where('state').equals('waiting').toArray()
    return waiting.sort((a, b) => b.createdAt - a.createdAt)
  }

  async readiness(commit: SnapshotCommit): Promise<Readiness> {
    const rows = await this.db.chunks.bulkGet(commit.chunkIds)
    if (rows.some((row) => row === undefined || row.state === 'pending')) return 'stale'
    return rows.every((row) => row!.state === 'done') ? 'ready' : 'pending'
  }

  async manifest(runId: SnapshotId): Promise<Uint8Array | null> {
    return (await this.db.runs.get(runId))?.manifest ?? null
  }

  /**
   * The server recorded the run's snapshot: the commit is `committed`, and older commits that are
   * not waiting are deleted (their chunk lists are not needed again; this keeps the table small).
   */
  async committed(commit: SnapshotCommit, committedAt: number): Promise<void> {
    await this.db.transaction('rw', this.db.commits, async () => {
      await this.db.commits.update(commit.runId, { state: 'committed', committedAt })
      await this.db.commits.filter((c) => c.createdAt < commit.createdAt && c.state !== 'waiting').delete()
    })
  }

  async setCommit(runId: SnapshotId, changes: Partial<Pick<SnapshotCommit, 'state' | 'attempts' | 'nextAttemptAt' | 'committedAt'>>): Promise<void> {
    await this.db.commits.update(runId, changes)
  }
}
