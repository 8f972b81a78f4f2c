import pg from 'pg'
import type { ChunkCommit, ChunkRecord, SnapshotCommit, SnapshotRecord, StoredSnapshot } from './backupRecords'
import { type Row, bytes, toAccount, toChallenge, toCredential, toSession } from './metaRows'
import {
  type AccountRecord,
  type ChallengeRecord,
  type CredentialRecord,
  type CredentialUse,
  DuplicateCredentialError,
  type KeysRecord,
  type MetaStore,
  type RecoveryRecord,
  type RemovalResult,
  type SessionRecord,
  type UnlockMethods,
  refuseRemoval,
} from './MetaStore'
import { PostgresBackupRecords, lockAccount } from './PostgresBackupRecords'
import { type Queryable, isUniqueViolation, pgTransaction } from './pgTransaction'
import { migratePostgres } from './postgresMigrations'

const CREDENTIAL_COLUMNS = `c.*, (e.credential_id IS NOT NULL) AS can_unlock
  FROM credentials c LEFT JOIN passkey_envelopes e ON e.credential_id = c.id`

export interface PostgresMetaStoreOptions {
  /** postgres://user:password@host:port/database (libpq's URL form, including `?sslmode=`). */
  url: string
  /** Connections this process may hold. */
  poolSize: number
  /** Told when an idle pooled connection fails (the pool drops it and opens a new one when needed). */
  onIdleError?: (error: Error) => void
}

/**
 * The MetaStore for several server processes: PostgreSQL through a connection pool. The schema
 * is migrated at open (postgresMigrations.ts). Every multi-row change is one transaction at READ
 * COMMITTED, and each check a change depends on reads rows it has locked: changes to one
 * account's credentials, envelopes, chunks and snapshots first lock its `accounts` row
 * (`FOR NO KEY UPDATE`, which inserts referencing the account do not wait for), so two processes
 * cannot both pass a check that only one of them should.
 */
export class PostgresMetaStore implements MetaStore {
  private readonly backups: PostgresBackupRecords
  private constructor(private readonly pool: pg.Pool) {
    this.backups = new PostgresBackupRecords(pool)
  }

  static async open({ url, poolSize, onIdleError }: PostgresMetaStoreOptions): Promise<PostgresMetaStore> {
    const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000 })
    pool.on('error', (e) => onIdleError?.(e))
    try {
      await migratePostgres(pool)
    } catch (e) {
      await pool.end()
      throw e
    }
    return new PostgresMetaStore(pool)
  }

  private async one(sql: string, values: unknown[], on: Queryable = this.pool): Promise<Row | null> {
    return ((await on.query(sql, values)).rows[0] as Row | undefined) ?? null
  }

  async createAccount(account: AccountRecord, credential: CredentialRecord, session: SessionRecord, replaceSessionHash: Uint8Array | null): Promise<void> {
    await pgTransaction(this.pool, async (tx) => {
      if (replaceSessionHash) await tx.query('DELETE FROM sessions WHERE token_hash = $1', [replaceSessionHash])
      await tx.query('INSERT INTO accounts (id, user_handle, display_name, created_at) VALUES ($1, $2, $3, $4)', [
        account.id,
        account.userHandle,
        account.displayName,
        account.createdAt,
      ])
      await insertCredential(tx, credential)
      await insertSession(tx, session)
    })
  }

  async getAccount(accountId: string): Promise<AccountRecord | null> {
    const row = await this.one('SELECT * FROM accounts WHERE id = $1', [accountId])
    return row ? toAccount(row) : null
  }

  async addCredential(credential: CredentialRecord): Promise<void> {
    await insertCredential(this.pool, credential)
  }

  async findCredential(credentialId: string): Promise<CredentialRecord | null> {
    const row = await this.one(`SELECT ${CREDENTIAL_COLUMNS} WHERE c.id = $1`, [credentialId])
    return row ? toCredential(row) : null
  }

  async getCredential(accountId: string, credentialId: string): Promise<CredentialRecord | null> {
    const row = await this.one(`SELECT ${CREDENTIAL_COLUMNS} WHERE c.id = $1 AND c.account_id = $2`, [credentialId, accountId])
    return row ? toCredential(row) : null
  }

  async listCredentials(accountId: string): Promise<CredentialRecord[]> {
    const { rows } = await this.pool.query(`SELECT ${CREDENTIAL_COLUMNS} WHERE c.account_id = $1 ORDER BY c.created_at, c.id COLLATE "C"`, [accountId])
    return (rows as Row[]).map(toCredential)
  }

  async renameCredential(accountId: string, credentialId: string, name: string): Promise<CredentialRecord | null> {
    const { rowCount } = await this.pool.query('UPDATE credentials SET name = $1 WHERE id = $2 AND account_id = $3', [name, credentialId, accountId])
    return rowCount ? this.getCredential(accountId, credentialId) : null
  }

  async deleteCredential(accountId: string, credentialId: string, keepSessionHash: Uint8Array): Promise<RemovalResult> {
    return pgTransaction(this.pool, async (tx) => {
      await lockAccount(tx, accountId)
      const target = await this.one(`SELECT ${CREDENTIAL_COLUMNS} WHERE c.id = $1 AND c.account_id = $2`, [credentialId, accountId], tx)
      if (!target) return 'not-found'
      const refusal = refuseRemoval(await unlockMethods(tx, accountId), { credential: true, envelope: Boolean(target.can_unlock) })
      if (refusal) return refusal
      await tx.query('DELETE FROM sessions WHERE credential_id = $1 AND token_hash != $2', [credentialId, keepSessionHash])
      await tx.query('DELETE FROM credentials WHERE id = $1', [credentialId]) // cascades to its envelope
      return 'deleted'
    })
  }

  async signIn(use: CredentialUse, session: SessionRecord, replaceSessionHash: Uint8Array | null): Promise<boolean> {
    return pgTransaction(this.pool, async (tx) => {
      // A concurrent sign-in holding the row makes this wait, then re-read the counter and match nothing.
      const { rowCount } = await tx.query(
        'UPDATE credentials SET counter = $1, backed_up = $2, last_used_at = $3 WHERE id = $4 AND counter = $5',
        [use.counter, use.backedUp, use.usedAt, use.credentialId, use.expectedCounter],
      )
      if (!rowCount) return false
      if (replaceSessionHash) await tx.query('DELETE FROM sessions WHERE token_hash = $1', [replaceSessionHash])
      await insertSession(tx, session)
      return true
    })
  }

  async putChallenge(c: ChallengeRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO challenges (challenge, purpose, account_id, session_hash, pending_user_handle, pending_display_name, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [c.challenge, c.purpose, c.accountId, c.sessionHash, c.pendingAccount?.userHandle ?? null, c.pendingAccount?.displayName ?? null, c.expiresAt],
    )
  }

  async takeChallenge(challenge: string): Promise<ChallengeRecord | null> {
    const row = await this.one('DELETE FROM challenges WHERE challenge = $1 RETURNING *', [challenge])
    return row ? toChallenge(row) : null
  }

  async createSession(session: SessionRecord, replaceSessionHash: Uint8Array | null): Promise<void> {
    await pgTransaction(this.pool, async (tx) => {
      if (replaceSessionHash) await tx.query('DELETE FROM sessions WHERE token_hash = $1', [replaceSessionHash])
      await insertSession(tx, session)
    })
  }

  async getSession(tokenHash: Uint8Array, now: number): Promise<SessionRecord | null> {
    const row = await this.one('SELECT * FROM sessions WHERE token_hash = $1', [tokenHash])
    if (!row) return null
    if (Number(row.expires_at) <= now) {
      await this.pool.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash])
      return null
    }
    return toSession(row)
  }

  async deleteSession(tokenHash: Uint8Array): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash])
  }

  async getKeys(accountId: string): Promise<KeysRecord> {
    // One statement, so the passkey and recovery envelopes are read at the same moment.
    const { rows } = await this.pool.query(
      `SELECT 'passkey' AS kind, credential_id COLLATE "C" AS credential_id, envelope FROM passkey_envelopes WHERE account_id = $1
       UNION ALL SELECT 'recovery', NULL, envelope FROM recovery_envelopes WHERE account_id = $1
       ORDER BY kind, credential_id`,
      [accountId],
    )
    const recovery = (rows as Row[]).find((row) => row.kind === 'recovery')
    return {
      passkeys: (rows as Row[]).filter((row) => row.kind === 'passkey').map((row) => ({ credentialId: String(row.credential_id), envelope: bytes(row.envelope) })),
      recovery: recovery ? { envelope: bytes(recovery.envelope) } : null,
    }
  }

  async putPasskeyEnvelope(accountId: string, credentialId: string, envelope: Uint8Array, now: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO passkey_envelopes (credential_id, account_id, envelope, updated_at)
       SELECT id, account_id, $1, $2 FROM credentials WHERE id = $3 AND account_id = $4
       ON CONFLICT (credential_id) DO UPDATE SET envelope = excluded.envelope, updated_at = excluded.updated_at`,
      [envelope, now, credentialId, accountId],
    )
    return (rowCount ?? 0) > 0
  }

  async deletePasskeyEnvelope(accountId: string, credentialId: string): Promise<RemovalResult> {
    return pgTransaction(this.pool, async (tx) => {
      await lockAccount(tx, accountId)
      if (!(await this.one('SELECT 1 FROM credentials WHERE id = $1 AND account_id = $2', [credentialId, accountId], tx))) return 'not-found'
      if (!(await this.one('SELECT 1 FROM passkey_envelopes WHERE credential_id = $1', [credentialId], tx))) return 'deleted'
      const refusal = refuseRemoval(await unlockMethods(tx, accountId), { credential: false, envelope: true })
      if (refusal) return refusal
      await tx.query('DELETE FROM passkey_envelopes WHERE credential_id = $1', [credentialId])
      return 'deleted'
    })
  }

  async putRecoveryEnvelope(accountId: string, r: RecoveryRecord, now: number): Promise<'ok' | 'recovery-id-taken'> {
    try {
      return await pgTransaction(this.pool, async (tx) => {
        await lockAccount(tx, accountId)
        const owner = await this.one('SELECT account_id FROM recovery_envelopes WHERE recovery_id = $1', [r.recoveryId], tx)
        if (owner && owner.account_id !== accountId) return 'recovery-id-taken'
        await tx.query(
          `INSERT INTO recovery_envelopes (account_id, recovery_id, auth_hash, envelope, updated_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (account_id) DO UPDATE SET recovery_id = excluded.recovery_id, auth_hash = excluded.auth_hash,
             envelope = excluded.envelope, updated_at = excluded.updated_at`,
          [accountId, r.recoveryId, r.authHash, r.envelope, now],
        )
        return 'ok'
      })
    } catch (e) {
      // Another account took the id between the check and the insert.
      if (isUniqueViolation(e, 'recovery_envelopes_recovery_id_key')) return 'recovery-id-taken'
      throw e
    }
  }

  async findRecovery(recoveryId: Uint8Array): Promise<{ accountId: string; authHash: Uint8Array } | null> {
    const row = await this.one('SELECT account_id, auth_hash FROM recovery_envelopes WHERE recovery_id = $1', [recoveryId])
    return row ? { accountId: String(row.account_id), authHash: bytes(row.auth_hash) } : null
  }

  async hitRateLimit(key: string, windowMs: number, now: number): Promise<{ hits: number; resetAt: number }> {
    const row = (await this.one(
      `INSERT INTO rate_limits AS r (key, hits, reset_at) VALUES ($1, 1, $3::bigint)
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.reset_at <= $2::bigint THEN 1 ELSE r.hits + 1 END,
         reset_at = CASE WHEN r.reset_at <= $2::bigint THEN $3::bigint ELSE r.reset_at END
       RETURNING hits, reset_at`,
      [key, now, now + windowMs],
    ))!
    return { hits: Number(row.hits), resetAt: Number(row.reset_at) }
  }

  async undoRateLimitHit(key: string): Promise<void> {
    await this.pool.query('UPDATE rate_limits SET hits = greatest(hits - 1, 0) WHERE key = $1', [key])
  }

  async resetRateLimit(key: string): Promise<void> {
    await this.pool.query('DELETE FROM rate_limits WHERE key = $1', [key])
  }

  touchChunks(accountId: string, chunkIds: readonly string[], now: number): Promise<string[]> {
    return this.backups.touchChunks(accountId, chunkIds, now)
  }

  getChunk(accountId: string, chunkId: string): Promise<ChunkRecord | null> {
    return this.backups.getChunk(accountId, chunkId)
  }

  chunkBytes(accountId: string): Promise<number> {
    return this.backups.chunkBytes(accountId)
  }

  reserveBlob(blobKey: string, dueAt: number): Promise<void> {
    return this.backups.reserveBlob(blobKey, dueAt)
  }

  commitChunk(chunk: ChunkRecord, quotaBytes: number): Promise<ChunkCommit> {
    return this.backups.commitChunk(chunk, quotaBytes)
  }

  releaseBlob(blobKey: string): Promise<void> {
    return this.backups.releaseBlob(blobKey)
  }

  commitSnapshot(snapshot: SnapshotRecord, manifest: Uint8Array, chunkIds: readonly string[], retain: number): Promise<SnapshotCommit> {
    return this.backups.commitSnapshot(snapshot, manifest, chunkIds, retain)
  }

  listSnapshots(accountId: string): Promise<SnapshotRecord[]> {
    return this.backups.listSnapshots(accountId)
  }

  getSnapshot(accountId: string, snapshotId: string): Promise<StoredSnapshot | null> {
    return this.backups.getSnapshot(accountId, snapshotId)
  }

  deleteSnapshot(accountId: string, snapshotId: string): Promise<boolean> {
    return this.backups.deleteSnapshot(accountId, snapshotId)
  }

  releaseUnreferencedChunks(touchedBefore: number, now: number, limit: number): Promise<number> {
    return this.backups.releaseUnreferencedChunks(touchedBefore, now, limit)
  }

  claimPendingBlobs(now: number, claimUntil: number, limit: number): Promise<string[]> {
    return this.backups.claimPendingBlobs(now, claimUntil, limit)
  }

  async purgeExpired(now: number): Promise<void> {
    await pgTransaction(this.pool, async (tx) => {
      await tx.query('DELETE FROM challenges WHERE expires_at <= $1', [now])
      await tx.query('DELETE FROM sessions WHERE expires_at <= $1', [now])
      await tx.query('DELETE FROM rate_limits WHERE reset_at <= $1', [now])
    })
  }

  async check(): Promise<void> {
    await this.pool.query('SELECT count(*) FROM accounts')
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end()
  }
}

async function insertCredential(on: Queryable, c: CredentialRecord): Promise<void> {
  try {
    await on.query(
      `INSERT INTO credentials (id, account_id, public_key, counter, transports, backup_eligible, backed_up, name, created_at, last_used_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [c.id, c.accountId, c.publicKey, c.counter, JSON.stringify(c.transports), c.backupEligible, c.backedUp, c.name, c.createdAt, c.lastUsedAt],
    )
  } catch (e) {
    if (isUniqueViolation(e, 'credentials_pkey')) throw new DuplicateCredentialError(c.id)
    throw e
  }
}

async function insertSession(on: Queryable, s: SessionRecord): Promise<void> {
  await on.query('INSERT INTO sessions (token_hash, account_id, credential_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [
    s.tokenHash,
    s.accountId,
    s.credentialId,
    s.createdAt,
    s.expiresAt,
  ])
}

async function unlockMethods(on: Queryable, accountId: string): Promise<UnlockMethods> {
  const { rows } = await on.query(
    `SELECT (SELECT count(*) FROM credentials WHERE account_id = $1) AS credentials,
            (SELECT count(*) FROM passkey_envelopes WHERE account_id = $1) AS passkey_envelopes,
            (SELECT count(*) FROM recovery_envelopes WHERE account_id = $1) AS recovery`,
    [accountId],
  )
  const row = rows[0] as Row
  return { credentials: Number(row.credentials), passkeyEnvelopes: Number(row.passkey_envelopes), hasRecovery: Number(row.recovery) > 0 }
}
