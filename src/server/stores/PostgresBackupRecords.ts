import type { Pool } from 'pg'
import type { ChunkCommit, ChunkRecord, SnapshotCommit, SnapshotRecord, StoredSnapshot } from './backupRecords'
import { type Row, bytes, toChunk, toSnapshot } from './metaRows'
import { type Queryable, pgTransaction } from './pgTransaction'

const SNAPSHOT_COLUMNS = 'account_id, id, created_at, size_bytes, chunk_count, content_hash'

/**
 * Serialises changes to one account: chunk commits (quota), snapshot commits (id, retention) and
 * removals of unlock methods. `FOR NO KEY UPDATE` does not block inserts that reference the account.
 */
export async function lockAccount(on: Queryable, accountId: string): Promise<void> {
  await on.query('SELECT 1 FROM accounts WHERE id = $1 FOR NO KEY UPDATE', [accountId])
}

/**
 * The backup half of the PostgreSQL MetaStore. Garbage collection and commits meet on row locks:
 * a snapshot commit holds `FOR KEY SHARE` on every chunk it names while it inserts, and the
 * collector takes `FOR UPDATE SKIP LOCKED`, so a chunk being named is skipped, and a chunk being
 * collected is seen as missing by the commit once the collector's transaction ends. Id lists
 * travel as one `text[]` parameter, so a statement's size does not depend on how many ids there are.
 */
export class PostgresBackupRecords {
  constructor(private readonly pool: Pool) {}

  async touchChunks(accountId: string, chunkIds: readonly string[], now: number): Promise<string[]> {
    const { rows } = await this.pool.query(
      `UPDATE chunks SET touched_at = greatest(touched_at, $3::bigint)
       WHERE account_id = $1 AND chunk_id = ANY($2::text[]) RETURNING chunk_id`,
      [accountId, chunkIds, now],
    )
    return (rows as Row[]).map((row) => String(row.chunk_id))
  }

  async getChunk(accountId: string, chunkId: string): Promise<ChunkRecord | null> {
    const { rows } = await this.pool.query('SELECT * FROM chunks WHERE account_id = $1 AND chunk_id = $2', [accountId, chunkId])
    return rows[0] ? toChunk(rows[0] as Row) : null
  }

  async chunkBytes(accountId: string, on: Queryable = this.pool): Promise<number> {
    const { rows } = await on.query('SELECT coalesce(sum(size), 0) AS n FROM chunks WHERE account_id = $1', [accountId])
    return Number((rows[0] as Row).n)
  }

  async reserveBlob(blobKey: string, dueAt: number): Promise<void> {
    await this.pool.query('INSERT INTO pending_blobs (blob_key, due_at) VALUES ($1, $2)', [blobKey, dueAt])
  }

  async commitChunk(c: ChunkRecord, quotaBytes: number): Promise<ChunkCommit> {
    return pgTransaction(this.pool, async (tx) => {
      await lockAccount(tx, c.accountId)
      // Locked: a collector claiming it now waits for this transaction, or already claimed it.
      const { rows: lease } = await tx.query('SELECT claimed FROM pending_blobs WHERE blob_key = $1 FOR UPDATE', [c.blobKey])
      if (!lease[0] || (lease[0] as Row).claimed) return { outcome: 'lease-lost' }
      const touched = await tx.query(
        'UPDATE chunks SET touched_at = greatest(touched_at, $1::bigint) WHERE account_id = $2 AND chunk_id = $3',
        [c.touchedAt, c.accountId, c.chunkId],
      )
      if (touched.rowCount) return { outcome: 'exists' }
      if (quotaBytes > 0) {
        const usedBytes = await this.chunkBytes(c.accountId, tx)
        if (usedBytes + c.size > quotaBytes) return { outcome: 'quota-exceeded', usedBytes }
      }
      await tx.query(
        'INSERT INTO chunks (account_id, chunk_id, blob_key, size, sha256, created_at, touched_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [c.accountId, c.chunkId, c.blobKey, c.size, c.sha256, c.createdAt, c.touchedAt],
      )
      await tx.query('DELETE FROM pending_blobs WHERE blob_key = $1', [c.blobKey])
      return { outcome: 'created' }
    })
  }

  async releaseBlob(blobKey: string): Promise<void> {
    await this.pool.query('DELETE FROM pending_blobs WHERE blob_key = $1', [blobKey])
  }

  async commitSnapshot(s: SnapshotRecord, manifest: Uint8Array, chunkIds: readonly string[], retain: number): Promise<SnapshotCommit> {
    return pgTransaction(this.pool, async (tx) => {
      await lockAccount(tx, s.accountId)
      const { rows: existing } = await tx.query(`SELECT ${SNAPSHOT_COLUMNS} FROM snapshots WHERE account_id = $1 AND id = $2`, [s.accountId, s.id])
      if (existing[0]) {
        const row = existing[0] as Row
        if (!Buffer.from(bytes(row.content_hash)).equals(s.contentHash)) return { outcome: 'conflict' }
        return { outcome: 'exists', snapshot: toSnapshot(row) }
      }
      const { rows: held } = await tx.query(
        'SELECT chunk_id FROM chunks WHERE account_id = $1 AND chunk_id = ANY($2::text[]) FOR KEY SHARE',
        [s.accountId, chunkIds],
      )
      const present = new Set((held as Row[]).map((row) => String(row.chunk_id)))
      const missing = [...new Set(chunkIds)].filter((id) => !present.has(id))
      if (missing.length) return { outcome: 'missing-chunks', missing }
      await tx.query(
        `INSERT INTO snapshots (account_id, id, created_at, size_bytes, chunk_count, content_hash, manifest)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [s.accountId, s.id, s.createdAt, s.sizeBytes, s.chunkCount, s.contentHash, manifest],
      )
      await tx.query(
        `INSERT INTO snapshot_chunks (account_id, snapshot_id, position, chunk_id)
         SELECT $1, $2, ordinality - 1, chunk_id FROM unnest($3::text[]) WITH ORDINALITY AS t(chunk_id, ordinality)`,
        [s.accountId, s.id, chunkIds],
      )
      const { rows: removed } = await tx.query(
        `DELETE FROM snapshots WHERE account_id = $1 AND seq NOT IN (
           SELECT seq FROM snapshots WHERE account_id = $1 ORDER BY created_at DESC, seq DESC LIMIT $2)
         RETURNING id`,
        [s.accountId, retain],
      )
      return { outcome: 'created', snapshot: { ...s }, removed: (removed as Row[]).map((row) => String(row.id)) }
    })
  }

  async listSnapshots(accountId: string): Promise<SnapshotRecord[]> {
    const { rows } = await this.pool.query(
      `SELECT ${SNAPSHOT_COLUMNS} FROM snapshots WHERE account_id = $1 ORDER BY created_at DESC, seq DESC`,
      [accountId],
    )
    return (rows as Row[]).map(toSnapshot)
  }

  /** One statement, so the manifest and the chunk list belong to the same commit. */
  async getSnapshot(accountId: string, snapshotId: string): Promise<StoredSnapshot | null> {
    const { rows } = await this.pool.query(
      `SELECT s.*, coalesce((SELECT array_agg(c.chunk_id ORDER BY c.position) FROM snapshot_chunks c
                             WHERE c.account_id = s.account_id AND c.snapshot_id = s.id), '{}') AS chunk_ids
       FROM snapshots s WHERE s.account_id = $1 AND s.id = $2`,
      [accountId, snapshotId],
    )
    const row = rows[0] as Row | undefined
    if (!row) return null
    return { ...toSnapshot(row), manifest: bytes(row.manifest), chunkIds: (row.chunk_ids as string[]).map(String) }
  }

  async deleteSnapshot(accountId: string, snapshotId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM snapshots WHERE account_id = $1 AND id = $2', [accountId, snapshotId])
    return (rowCount ?? 0) > 0
  }

  async releaseUnreferencedChunks(touchedBefore: number, now: number, limit: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      `WITH doomed AS (
         SELECT account_id, chunk_id, blob_key FROM chunks c
         WHERE touched_at < $1 AND NOT EXISTS (
           SELECT 1 FROM snapshot_chunks s WHERE s.account_id = c.account_id AND s.chunk_id = c.chunk_id)
         LIMIT $3 FOR UPDATE SKIP LOCKED
       ), pending AS (
         INSERT INTO pending_blobs (blob_key, due_at) SELECT blob_key, $2 FROM doomed
       )
       DELETE FROM chunks c USING doomed d WHERE c.account_id = d.account_id AND c.chunk_id = d.chunk_id`,
      [touchedBefore, now, limit],
    )
    return rowCount ?? 0
  }

  async claimPendingBlobs(now: number, claimUntil: number, limit: number): Promise<string[]> {
    const { rows } = await this.pool.query(
      `UPDATE pending_blobs SET claimed = true, due_at = $1
       WHERE blob_key IN (SELECT blob_key FROM pending_blobs WHERE due_at <= $2 ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING blob_key`,
      [claimUntil, now, limit],
    )
    return (rows as Row[]).map((row) => String(row.blob_key))
  }
}
