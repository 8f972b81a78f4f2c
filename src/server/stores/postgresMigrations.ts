import type { Pool } from 'pg'

/**
 * Schema migrations of the PostgreSQL MetaStore, applied in order; the table
 * `keepsake_migrations` records each one that ran. Never edit a shipped migration: append a new one.
 * The tables and constraints mirror the SQLite store's (sqliteMigrations.ts); times are
 * milliseconds since the Unix epoch in `bigint`.
 */
export const postgresMigrations: readonly string[] = [
  `
  CREATE TABLE accounts (
    id            text PRIMARY KEY,
    user_handle   bytea NOT NULL UNIQUE,
    display_name  text NOT NULL,
    created_at    bigint NOT NULL
  );

  CREATE TABLE credentials (
    id               text PRIMARY KEY,
    account_id       text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    public_key       bytea NOT NULL,
    counter          bigint NOT NULL,
    transports       text NOT NULL,
    backup_eligible  boolean NOT NULL,
    backed_up        boolean NOT NULL,
    name             text NOT NULL,
    created_at       bigint NOT NULL,
    last_used_at     bigint
  );
  CREATE INDEX credentials_by_account ON credentials(account_id);

  CREATE TABLE challenges (
    challenge             text PRIMARY KEY,
    purpose               text NOT NULL CHECK (purpose IN ('register', 'login')),
    account_id            text,
    session_hash          bytea,
    pending_user_handle   bytea,
    pending_display_name  text,
    expires_at            bigint NOT NULL
  );
  CREATE INDEX challenges_by_expiry ON challenges(expires_at);

  CREATE TABLE sessions (
    token_hash     bytea PRIMARY KEY,
    account_id     text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    credential_id  text REFERENCES credentials(id) ON DELETE SET NULL,
    created_at     bigint NOT NULL,
    expires_at     bigint NOT NULL
  );
  CREATE INDEX sessions_by_account ON sessions(account_id);
  CREATE INDEX sessions_by_credential ON sessions(credential_id);
  CREATE INDEX sessions_by_expiry ON sessions(expires_at);

  CREATE TABLE passkey_envelopes (
    credential_id  text PRIMARY KEY REFERENCES credentials(id) ON DELETE CASCADE,
    account_id     text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    envelope       bytea NOT NULL,
    updated_at     bigint NOT NULL
  );
  CREATE INDEX passkey_envelopes_by_account ON passkey_envelopes(account_id);

  CREATE TABLE recovery_envelopes (
    account_id   text PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    recovery_id  bytea NOT NULL UNIQUE,
    auth_hash    bytea NOT NULL,
    envelope     bytea NOT NULL,
    updated_at   bigint NOT NULL
  );

  CREATE TABLE rate_limits (
    key       text PRIMARY KEY,
    hits      integer NOT NULL,
    reset_at  bigint NOT NULL
  );
  CREATE INDEX rate_limits_by_reset ON rate_limits(reset_at);

  CREATE TABLE chunks (
    account_id  text NOT NULL REFERENCES accounts(id),
    chunk_id    text NOT NULL CHECK (length(chunk_id) = 64),
    blob_key    text NOT NULL UNIQUE,
    size        bigint NOT NULL CHECK (size >= 0),
    sha256      bytea NOT NULL CHECK (length(sha256) = 32),
    created_at  bigint NOT NULL,
    touched_at  bigint NOT NULL,
    PRIMARY KEY (account_id, chunk_id)
  );
  CREATE INDEX chunks_by_touch ON chunks(touched_at);

  -- seq orders snapshots committed in the same millisecond, as SQLite's rowid does.
  CREATE TABLE snapshots (
    seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id   text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id           text NOT NULL CHECK (length(id) = 32),
    created_at   bigint NOT NULL,
    size_bytes   bigint NOT NULL CHECK (size_bytes >= 0),
    chunk_count  integer NOT NULL,
    content_hash bytea NOT NULL,
    manifest     bytea NOT NULL,
    UNIQUE (account_id, id)
  );
  CREATE INDEX snapshots_by_age ON snapshots(account_id, created_at, seq);

  CREATE TABLE snapshot_chunks (
    account_id   text NOT NULL,
    snapshot_id  text NOT NULL,
    position     integer NOT NULL,
    chunk_id     text NOT NULL,
    PRIMARY KEY (account_id, snapshot_id, position),
    FOREIGN KEY (account_id, snapshot_id) REFERENCES snapshots(account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, chunk_id) REFERENCES chunks(account_id, chunk_id)
  );
  CREATE INDEX snapshot_chunks_by_chunk ON snapshot_chunks(account_id, chunk_id);

  CREATE TABLE pending_blobs (
    blob_key  text PRIMARY KEY,
    due_at    bigint NOT NULL,
    claimed   boolean NOT NULL DEFAULT false
  );
  CREATE INDEX pending_blobs_by_due ON pending_blobs(due_at);
  `,
]

/** `pg_advisory_xact_lock` key that serialises migrations: the first 8 bytes of SHA-256("keepsake/migrations"), signed. */
export const MIGRATION_LOCK = '5950959271568557513'

/**
 * Brings the database to the latest schema in one transaction that first takes an advisory lock,
 * so server processes starting at the same moment migrate once: the others wait for the lock,
 * then find nothing left to do. PostgreSQL's DDL is transactional, so a failed migration leaves
 * the schema as it was.
 */
export async function migratePostgres(pool: Pool, migrations: readonly string[] = postgresMigrations): Promise<void> {
  const client = await pool.connect()
  let broken = false
  try {
    await client.query('BEGIN')
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
    await client.query(`CREATE TABLE IF NOT EXISTS keepsake_migrations (
      version     integer PRIMARY KEY,
      applied_at  timestamptz NOT NULL DEFAULT now()
    )`)
    const { rows } = await client.query<{ current: number }>('SELECT coalesce(max(version), 0)::integer AS current FROM keepsake_migrations')
    const current = rows[0]!.current
    if (current > migrations.length) {
      throw new Error(`meta store: the database has schema version ${current}, newer than this server knows (${migrations.length})`)
    }
    for (let version = current; version < migrations.length; version++) {
      await client.query(migrations[version]!)
      await client.query('INSERT INTO keepsake_migrations (version) VALUES ($1)', [version + 1])
    }
    await client.query('COMMIT')
  } catch (e) {
    await client.query('ROLLBACK').catch(() => (broken = true))
    throw e
  } finally {
    client.release(broken)
  }
}
