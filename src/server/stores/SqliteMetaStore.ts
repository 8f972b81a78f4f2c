import Database from 'better-sqlite3'
import type { ChunkCommit, ChunkRecord, SnapshotCommit, SnapshotRecord, StoredSnapshot } from './backupRecords'
import { SqliteBackupRecords } from './SqliteBackupRecords'
import { migrate } from './sqliteMigrations'
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

const CREDENTIAL_COLUMNS = `c.*, (e.credential_id IS NOT NULL) AS can_unlock
  FROM credentials c LEFT JOIN passkey_envelopes e ON e.credential_id = c.id`

/**
 * The embedded MetaStore: one SQLite file in WAL mode (readers never wait for the writer), schema
 * versions in `user_version`, multi-row changes in `BEGIN IMMEDIATE` transactions so several
 * processes on one machine can share the file.
 */
export class SqliteMetaStore implements MetaStore {
  private readonly backups: SqliteBackupRecords
  private constructor(private readonly db: Database.Database) {
    this.backups = new SqliteBackupRecords(db)
  }

  static open(path: string): SqliteMetaStore {
    const db = new Database(path)
    try {
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL') // durable at every checkpoint; WAL keeps the file consistent
      db.pragma('foreign_keys = ON')
      db.pragma('busy_timeout = 5000')
      migrate(db)
    } catch (e) {
      db.close()
      throw e
    }
    return new SqliteMetaStore(db)
  }

  /** Runs `fn` in one write transaction (taken up front, so it cannot fail half-way on a busy database). */
  private write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate()
  }

  async createAccount(
    account: AccountRecord,
    credential: CredentialRecord,
    session: SessionRecord,
    replaceSessionHash: Uint8Array | null,
  ): Promise<void> {
    this.write(() => {
      if (replaceSessionHash) this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(replaceSessionHash)
      this.db
        .prepare('INSERT INTO accounts (id, user_handle, display_name, created_at) VALUES (?, ?, ?, ?)')
        .run(account.id, account.userHandle, account.displayName, account.createdAt)
      this.insertCredential(credential)
      this.insertSession(session)
    })
  }

  async getAccount(accountId: string): Promise<AccountRecord | null> {
    const row = this.db.prepare('SELECT * FROM accounts WHERE id = ?').get(accountId) as Row | undefined
    return row ? toAccount(row) : null
  }

  async addCredential(credential: CredentialRecord): Promise<void> {
    this.write(() => this.insertCredential(credential))
  }

  private insertCredential(c: CredentialRecord): void {
    try {
      this.db
        .prepare(
          `INSERT INTO credentials (id, account_id, public_key, counter, transports, backup_eligible, backed_up, name, created_at, last_used_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(c.id, c.accountId, c.publicKey, c.counter, JSON.stringify(c.transports), +c.backupEligible, +c.backedUp, c.name, c.createdAt, c.lastUsedAt)
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new DuplicateCredentialError(c.id)
      throw e
    }
  }

  async findCredential(credentialId: string): Promise<CredentialRecord | null> {
    const row = this.db.prepare(`SELECT ${CREDENTIAL_COLUMNS} WHERE c.id = ?`).get(credentialId) as Row | undefined
    return row ? toCredential(row) : null
  }

  async getCredential(accountId: string, credentialId: string): Promise<CredentialRecord | null> {
    const row = this.db
      .prepare(`SELECT ${CREDENTIAL_COLUMNS} WHERE c.id = ? AND c.account_id = ?`)
      .get(credentialId, accountId) as Row | undefined
    return row ? toCredential(row) : null
  }

  async listCredentials(accountId: string): Promise<CredentialRecord[]> {
    const rows = this.db
      .prepare(`SELECT ${CREDENTIAL_COLUMNS} WHERE c.account_id = ? ORDER BY c.created_at, c.id`)
      .all(accountId) as Row[]
    return rows.map(toCredential)
  }

  async renameCredential(accountId: string, credentialId: string, name: string): Promise<CredentialRecord | null> {
    const changed = this.db
      .prepare('UPDATE credentials SET name = ? WHERE id = ? AND account_id = ?')
      .run(name, credentialId, accountId).changes
    return changed ? this.getCredential(accountId, credentialId) : null
  }

  async deleteCredential(accountId: string, credentialId: string, keepSessionHash: Uint8Array): Promise<RemovalResult> {
    return this.write(() => {
      const target = this.db
        .prepare(`SELECT ${CREDENTIAL_COLUMNS} WHERE c.id = ? AND c.account_id = ?`)
        .get(credentialId, accountId) as Row | undefined
      if (!target) return 'not-found'
      const refusal = refuseRemoval(this.unlockMethods(accountId), { credential: true, envelope: Boolean(target.can_unlock) })
      if (refusal) return refusal
      this.db.prepare('DELETE FROM sessions WHERE credential_id = ? AND token_hash != ?').run(credentialId, keepSessionHash)
      this.db.prepare('DELETE FROM credentials WHERE id = ?').run(credentialId) // cascades to its envelope
      return 'deleted'
    })
  }

  private unlockMethods(accountId: string): UnlockMethods {
    const row = this.db
      .prepare(
        `SELECT (SELECT count(*) FROM credentials WHERE account_id = $a) AS credentials,
                (SELECT count(*) FROM passkey_envelopes WHERE account_id = $a) AS passkey_envelopes,
                (SELECT count(*) FROM recovery_envelopes WHERE account_id = $a) AS recovery`,
      )
      .get({ a: accountId }) as Row
    return { credentials: Number(row.credentials), passkeyEnvelopes: Number(row.passkey_envelopes), hasRecovery: Number(row.recovery) > 0 }
  }

  async signIn(use: CredentialUse, session: SessionRecord, replaceSessionHash: Uint8Array | null): Promise<boolean> {
    return this.write(() => {
      const moved = this.db
        .prepare('UPDATE credentials SET counter = ?, backed_up = ?, last_used_at = ? WHERE id = ? AND counter = ?')
        .run(use.counter, +use.backedUp, use.usedAt, use.credentialId, use.expectedCounter).changes
      if (!moved) return false
      if (replaceSessionHash) this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(replaceSessionHash)
      this.insertSession(session)
      return true
    })
  }

  async putChallenge(c: ChallengeRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO challenges (challenge, purpose, account_id, session_hash, pending_user_handle, pending_display_name, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(c.challenge, c.purpose, c.accountId, c.sessionHash, c.pendingAccount?.userHandle ?? null, c.pendingAccount?.displayName ?? null, c.expiresAt)
  }

  async takeChallenge(challenge: string): Promise<ChallengeRecord | null> {
    const row = this.db.prepare('DELETE FROM challenges WHERE challenge = ? RETURNING *').get(challenge) as Row | undefined
    return row ? toChallenge(row) : null
  }

  async createSession(session: SessionRecord, replaceSessionHash: Uint8Array | null): Promise<void> {
    this.write(() => {
      if (replaceSessionHash) this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(replaceSessionHash)
      this.insertSession(session)
    })
  }

  private insertSession(s: SessionRecord): void {
    this.db
      .prepare('INSERT INTO sessions (token_hash, account_id, credential_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(s.tokenHash, s.accountId, s.credentialId, s.createdAt, s.expiresAt)
  }

  async getSession(tokenHash: Uint8Array, now: number): Promise<SessionRecord | null> {
    const row = this.db.prepare('SELECT * FROM sessions WHERE token_hash = ?').get(tokenHash) as Row | undefined
    if (!row) return null
    if (Number(row.expires_at) <= now) {
      this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash)
      return null
    }
    return toSession(row)
  }

  async deleteSession(tokenHash: Uint8Array): Promise<void> {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash)
  }

  async getKeys(accountId: string): Promise<KeysRecord> {
    const passkeys = this.db
      .prepare('SELECT credential_id, envelope FROM passkey_envelopes WHERE account_id = ? ORDER BY credential_id')
      .all(accountId) as Row[]
    const recovery = this.db.prepare('SELECT envelope FROM recovery_envelopes WHERE account_id = ?').get(accountId) as Row | undefined
    return {
      passkeys: passkeys.map((row) => ({ credentialId: String(row.credential_id), envelope: bytes(row.envelope) })),
      recovery: recovery ? { envelope: bytes(recovery.envelope) } : null,
    }
  }

  async putPasskeyEnvelope(accountId: string, credentialId: string, envelope: Uint8Array, now: number): Promise<boolean> {
    const changed = this.db
      .prepare(
        `INSERT INTO passkey_envelopes (credential_id, account_id, envelope, updated_at)
         SELECT id, account_id, ?, ? FROM credentials WHERE id = ? AND account_id = ?
         ON CONFLICT (credential_id) DO UPDATE SET envelope = excluded.envelope, updated_at = excluded.updated_at`,
      )
      .run(envelope, now, credentialId, accountId).changes
    return changed > 0
  }

  async deletePasskeyEnvelope(accountId: string, credentialId: string): Promise<RemovalResult> {
    return this.write(() => {
      const credential = this.db.prepare('SELECT 1 FROM credentials WHERE id = ? AND account_id = ?').get(credentialId, accountId)
      if (!credential) return 'not-found'
      const envelope = this.db.prepare('SELECT 1 FROM passkey_envelopes WHERE credential_id = ?').get(credentialId)
      if (!envelope) return 'deleted'
      const refusal = refuseRemoval(this.unlockMethods(accountId), { credential: false, envelope: true })
      if (refusal) return refusal
      this.db.prepare('DELETE FROM passkey_envelopes WHERE credential_id = ?').run(credentialId)
      return 'deleted'
    })
  }

  async putRecoveryEnvelope(accountId: string, r: RecoveryRecord, now: number): Promise<'ok' | 'recovery-id-taken'> {
    return this.write(() => {
      const owner = this.db.prepare('SELECT account_id FROM recovery_envelopes WHERE recovery_id = ?').get(r.recoveryId) as Row | undefined
      if (owner && owner.account_id !== accountId) return 'recovery-id-taken'
      this.db
        .prepare(
          `INSERT INTO recovery_envelopes (account_id, recovery_id, auth_hash, envelope, updated_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (account_id) DO UPDATE SET recovery_id = excluded.recovery_id, auth_hash = excluded.auth_hash,
             envelope = excluded.envelope, updated_at = excluded.updated_at`,
        )
        .run(accountId, r.recoveryId, r.authHash, r.envelope, now)
      return 'ok'
    })
  }

  async findRecovery(recoveryId: Uint8Array): Promise<{ accountId: string; authHash: Uint8Array } | null> {
    const row = this.db.prepare('SELECT account_id, auth_hash FROM recovery_envelopes WHERE recovery_id = ?').get(recoveryId) as Row | undefined
    return row ? { accountId: String(row.account_id), authHash: bytes(row.auth_hash) } : null
  }

  async hitRateLimit(key: string, windowMs: number, now: number): Promise<{ hits: number; resetAt: number }> {
    const row = this.db
      .prepare(
        `INSERT INTO rate_limits (key, hits, reset_at) VALUES ($key, 1, $reset)
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN reset_at <= $now THEN 1 ELSE hits + 1 END,
           reset_at = CASE WHEN reset_at <= $now THEN $reset ELSE reset_at END
         RETURNING hits, reset_at`,
      )
      .get({ key, now, reset: now + windowMs }) as Row
    return { hits: Number(row.hits), resetAt: Number(row.reset_at) }
  }

  async undoRateLimitHit(key: string): Promise<void> {
    this.db.prepare('UPDATE rate_limits SET hits = max(hits - 1, 0) WHERE key = ?').run(key)
  }

  async resetRateLimit(key: string): Promise<void> {
    this.db.prepare('DELETE FROM rate_limits WHERE key = ?').run(key)
  }

  async touchChunks(accountId: string, chunkIds: readonly string[], now: number): Promise<string[]> {
    return this.backups.touchChunks(accountId, chunkIds, now)
  }

  async getChunk(accountId: string, chunkId: string): Promise<ChunkRecord | null> {
    return this.backups.getChunk(accountId, chunkId)
  }

  async chunkBytes(accountId: string): Promise<number> {
    return this.backups.chunkBytes(accountId)
  }

  async reserveBlob(blobKey: string, dueAt: number): Promise<void> {
    this.backups.reserveBlob(blobKey, dueAt)
  }

  async commitChunk(chunk: ChunkRecord, quotaBytes: number): Promise<ChunkCommit> {
    return this.backups.commitChunk(chunk, quotaBytes)
  }

  async releaseBlob(blobKey: string): Promise<void> {
    this.backups.releaseBlob(blobKey)
  }

  async commitSnapshot(snapshot: SnapshotRecord, manifest: Uint8Array, chunkIds: readonly string[], retain: number): Promise<SnapshotCommit> {
    return this.backups.commitSnapshot(snapshot, manifest, chunkIds, retain)
  }

  async listSnapshots(accountId: string): Promise<SnapshotRecord[]> {
    return this.backups.listSnapshots(accountId)
  }

  async getSnapshot(accountId: string, snapshotId: string): Promise<StoredSnapshot | null> {
    return this.backups.getSnapshot(accountId, snapshotId)
  }

  async deleteSnapshot(accountId: string, snapshotId: string): Promise<boolean> {
    return this.backups.deleteSnapshot(accountId, snapshotId)
  }

  async releaseUnreferencedChunks(touchedBefore: number, now: number, limit: number): Promise<number> {
    return this.backups.releaseUnreferencedChunks(touchedBefore, now, limit)
  }

  async claimPendingBlobs(now: number, claimUntil: number, limit: number): Promise<string[]> {
    return this.backups.claimPendingBlobs(now, claimUntil, limit)
  }

  async purgeExpired(now: number): Promise<void> {
    this.write(() => {
      this.db.prepare('DELETE FROM challenges WHERE expires_at <= ?').run(now)
      this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now)
      this.db.prepare('DELETE FROM rate_limits WHERE reset_at <= ?').run(now)
    })
  }

  async check(): Promise<void> {
    this.db.prepare('SELECT count(*) FROM accounts').get()
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close()
  }
}
