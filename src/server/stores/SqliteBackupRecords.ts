import type Database from 'better-sqlite3'
import type { ChunkCommit, ChunkRecord, SnapshotCommit, SnapshotRecord, StoredSnapshot } from './backupRecords'
import { type Row, bytes, toChunk, toSnapshot } from './metaRows'

/**
 * The backup half of the SQLite MetaStore: chunk records, snapshots and pending blobs (migration 2).
 * Id lists travel into SQL as one JSON array (`json_each`), so a statement's size does not depend
 * on how many ids there are.
 */
export class SqliteBackupRecords {
  constructor(private readonly db: Database.Database) {}

  private write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate()
  }

  touchChunks(accountId: string, chunkIds: readonly string[], now: number): string[] {
    const rows = this.db
      .prepare(
        `UPDATE chunks SET touched_at = max(touched_at, $now)
         WHERE account_id = $account AND chunk_id IN (SELECT value FROM json_each($ids))
         RETURNING chunk_id`,
      )
      .all({ account: accountId, ids: JSON.stringify(chunkIds), now }) as Row[]
    return rows.map((row) => String(row.chunk_id))
  }

  getChunk(accountId: string, chunkId: string): ChunkRecord | null {
    const row = this.db.prepare('SELECT * FROM chunks WHERE account_id = ? AND chunk_id = ?').get(accountId, chunkId) as Row | undefined
    return row ? toChunk(row) : null
  }

  chunkBytes(accountId: string): number {
    return Number((this.db.prepare('SELECT coalesce(sum(size), 0) AS n FROM chunks WHERE account_id = ?').get(accountId) as Row).n)
  }

  reserveBlob(blobKey: string, dueAt: number): void {
    this.db.prepare('INSERT INTO pending_blobs (blob_key, due_at) VALUES (?, ?)').run(blobKey, dueAt)
  }

  commitChunk(c: ChunkRecord, quotaBytes: number): ChunkCommit {
    return this.write(() => {
      const lease = this.db.prepare('SELECT claimed FROM pending_blobs WHERE blob_key = ?').get(c.blobKey) as Row | undefined
      if (!lease || lease.claimed) return { outcome: 'lease-lost' }
      const touched = this.db
        .prepare('UPDATE chunks SET touched_at = max(touched_at, ?) WHERE account_id = ? AND chunk_id = ?')
        .run(c.touchedAt, c.accountId, c.chunkId).changes
      if (touched) return { outcome: 'exists' }
      if (quotaBytes > 0) {
        const usedBytes = this.chunkBytes(c.accountId)
        if (usedBytes + c.size > quotaBytes) return { outcome: 'quota-exceeded', usedBytes }
      }
      this.db
        .prepare('INSERT INTO chunks (account_id, chunk_id, blob_key, size, sha256, created_at, touched_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(c.accountId, c.chunkId, c.blobKey, c.size, c.sha256, c.createdAt, c.touchedAt)
      this.db.prepare('DELETE FROM pending_blobs WHERE blob_key = ?').run(c.blobKey)
      return { outcome: 'created' }
    })
  }

  releaseBlob(blobKey: string): void {
    this.db.prepare('DELETE FROM pending_blobs WHERE blob_key = ?').run(blobKey)
  }

  commitSnapshot(s: SnapshotRecord, manifest: Uint8Array, chunkIds: readonly string[], retain: number): SnapshotCommit {
    const ids = JSON.stringify(chunkIds)
    return this.write(() => {
      const existing = this.snapshotRow(s.accountId, s.id)
      if (existing) {
        if (!Buffer.from(bytes(existing.content_hash)).equals(s.contentHash)) return { outcome: 'conflict' }
        return { outcome: 'exists', snapshot: toSnapshot(existing) }
      }
      const missing = this.db
        .prepare(
          `SELECT value FROM json_each($ids)
           WHERE value NOT IN (SELECT chunk_id FROM chunks WHERE account_id = $account)
           GROUP BY value ORDER BY min(key)`,
        )
        .all({ account: s.accountId, ids }) as Row[]
      if (missing.length) return { outcome: 'missing-chunks', missing: missing.map((row) => String(row.value)) }
      this.db
        .prepare(
          `INSERT INTO snapshots (account_id, id, created_at, size_bytes, chunk_count, content_hash, manifest)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(s.accountId, s.id, s.createdAt, s.sizeBytes, s.chunkCount, s.contentHash, manifest)
      this.db
        .prepare('INSERT INTO snapshot_chunks (account_id, snapshot_id, position, chunk_id) SELECT ?, ?, key, value FROM json_each(?)')
        .run(s.accountId, s.id, ids)
      const removed = this.db
        .prepare(
          `DELETE FROM snapshots WHERE account_id = $account AND rowid NOT IN (
             SELECT rowid FROM snapshots WHERE account_id = $account ORDER BY created_at DESC, rowid DESC LIMIT $retain)
           RETURNING id`,
        )
        .all({ account: s.accountId, retain }) as Row[]
      return { outcome: 'created', snapshot: { ...s }, removed: removed.map((row) => String(row.id)) }
    })
  }

  private snapshotRow(accountId: string, snapshotId: string): Row | undefined {
    return this.db
      .prepare('SELECT account_id, id, created_at, size_bytes, chunk_count, content_hash FROM snapshots WHERE account_id = ? AND id = ?')
      .get(accountId, snapshotId) as Row | undefined
  }

  listSnapshots(accountId: string): SnapshotRecord[] {
    const rows = this.db
      .prepare(
        `SELECT account_id, id, created_at, size_bytes, chunk_count, content_hash FROM snapshots
         WHERE account_id = ? ORDER BY created_at DESC, rowid DESC`,
      )
      .all(accountId) as Row[]
    return rows.map(toSnapshot)
  }

  getSnapshot(accountId: string, snapshotId: string): StoredSnapshot | null {
    // One read transaction, so the manifest and the chunk list belong to the same commit.
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT * FROM snapshots WHERE account_id = ? AND id = ?').get(accountId, snapshotId) as Row | undefined
      if (!row) return null
      const chunkIds = this.db
        .prepare('SELECT chunk_id FROM snapshot_chunks WHERE account_id = ? AND snapshot_id = ? ORDER BY position')
        .pluck()
        .all(accountId, snapshotId) as string[]
      return { ...toSnapshot(row), manifest: bytes(row.manifest), chunkIds }
    }).deferred()
  }

  deleteSnapshot(accountId: string, snapshotId: string): boolean {
    return this.db.prepare('DELETE FROM snapshots WHERE account_id = ? AND id = ?').run(accountId, snapshotId).changes > 0
  }

  releaseUnreferencedChunks(touchedBefore: number, now: number, limit: number): number {
    return this.write(() => {
      const doomed = this.db
        .prepare(
          `SELECT account_id, chunk_id, blob_key FROM chunks c WHERE touched_at < ? AND NOT EXISTS (
             SELECT 1 FROM snapshot_chunks s WHERE s.account_id = c.account_id AND s.chunk_id = c.chunk_id)
           LIMIT ?`,
        )
        .all(touchedBefore, limit) as Row[]
      const pend = this.db.prepare('INSERT INTO pending_blobs (blob_key, due_at) VALUES (?, ?)')
      const drop = this.db.prepare('DELETE FROM chunks WHERE account_id = ? AND chunk_id = ?')
      for (const row of doomed) {
        pend.run(row.blob_key, now)
        drop.run(row.account_id, row.chunk_id)
      }
      return doomed.length
    })
  }

  claimPendingBlobs(now: number, claimUntil: number, limit: number): string[] {
    return this.db
      .prepare(
        `UPDATE pending_blobs SET claimed = 1, due_at = ?
         WHERE blob_key IN (SELECT blob_key FROM pending_blobs WHERE due_at <= ? ORDER BY due_at LIMIT ?)
         RETURNING blob_key`,
      )
      .pluck()
      .all(claimUntil, now, limit) as string[]
  }
}
