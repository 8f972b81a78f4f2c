import type Database from 'better-sqlite3'

/**
 * Schema migrations of the SQLite MetaStore, applied in order; `PRAGMA user_version` records how
 * many ran. Never edit a shipped migration: append a new one.
 */
export const sqliteMigrations: readonly string[] = [
  `
  CREATE TABLE accounts (
    id            TEXT PRIMARY KEY,
    user_handle   BLOB NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    created_at    INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE credentials (
    id               TEXT PRIMARY KEY,
    account_id       TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    public_key       BLOB NOT NULL,
    counter          INTEGER NOT NULL,
    transports       TEXT NOT NULL,
    backup_eligible  INTEGER NOT NULL,
    backed_up        INTEGER NOT NULL,
    name             TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    last_used_at     INTEGER
  ) STRICT;
  CREATE INDEX credentials_by_account ON credentials(account_id);

  CREATE TABLE challenges (
    challenge             TEXT PRIMARY KEY,
    purpose               TEXT NOT NULL CHECK (purpose IN ('register', 'login')),
    account_id            TEXT,
    session_hash          BLOB,
    pending_user_handle   BLOB,
    pending_display_name  TEXT,
    expires_at            INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE sessions (
    token_hash     BLOB PRIMARY KEY,
    account_id     TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    credential_id  TEXT REFERENCES credentials(id) ON DELETE SET NULL,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX sessions_by_account ON sessions(account_id);
  CREATE INDEX sessions_by_credential ON sessions(credential_id);

  CREATE TABLE passkey_envelopes (
    credential_id  TEXT PRIMARY KEY REFERENCES credentials(id) ON DELETE CASCADE,
    account_id     TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    envelope       BLOB NOT NULL,
    updated_at     INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX passkey_envelopes_by_account ON passkey_envelopes(account_id);

  CREATE TABLE recovery_envelopes (
    account_id   TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    recovery_id  BLOB NOT NULL UNIQUE,
    auth_hash    BLOB NOT NULL,
    envelope     BLOB NOT NULL,
    updated_at   INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE rate_limits (
    key       TEXT PRIMARY KEY,
    hits      INTEGER NOT NULL,
    reset_at  INTEGER NOT NULL
  ) STRICT;
  `,
  // 2: backup storage. A chunk record owns one blob (`blob_key`, unique to that upload); a blob no
  // record owns yet or any more is listed in pending_blobs until it is committed or deleted.
  `
  CREATE TABLE chunks (
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    chunk_id    TEXT NOT NULL CHECK (length(chunk_id) = 64),
    blob_key    TEXT NOT NULL UNIQUE,
    size        INTEGER NOT NULL CHECK (size >= 0),
    sha256      BLOB NOT NULL CHECK (length(sha256) = 32),
    created_at  INTEGER NOT NULL,
    touched_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, chunk_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX chunks_by_touch ON chunks(touched_at);

  CREATE TABLE snapshots (
    account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id           TEXT NOT NULL CHECK (length(id) = 32),
    created_at   INTEGER NOT NULL,
    size_bytes   INTEGER NOT NULL CHECK (size_bytes >= 0),
    chunk_count  INTEGER NOT NULL,
    content_hash BLOB NOT NULL,
    manifest     BLOB NOT NULL,
    UNIQUE (account_id, id)
  ) STRICT;
  CREATE INDEX snapshots_by_age ON snapshots(account_id, created_at);

  CREATE TABLE snapshot_chunks (
    account_id   TEXT NOT NULL,
    snapshot_id  TEXT NOT NULL,
    position     INTEGER NOT NULL,
    chunk_id     TEXT NOT NULL,
    PRIMARY KEY (account_id, snapshot_id, position),
    FOREIGN KEY (account_id, snapshot_id) REFERENCES snapshots(account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, chunk_id) REFERENCES chunks(account_id, chunk_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX snapshot_chunks_by_chunk ON snapshot_chunks(account_id, chunk_id);

  CREATE TABLE pending_blobs (
    blob_key  TEXT PRIMARY KEY,
    due_at    INTEGER NOT NULL,
    claimed   INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  CREATE INDEX pending_blobs_by_due ON pending_blobs(due_at);
  `,
]

/** Brings the database to the latest schema, each migration in its own transaction. */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > sqliteMigrations.length) {
    throw new Error(
      `meta store: the database has schema version ${current}, newer than this server knows (${sqliteMigrations.length})`,
    )
  }
  for (let version = current; version < sqliteMigrations.length; version++) {
    db.transaction(() => {
      db.exec(sqliteMigrations[version]!)
      db.pragma(`user_version = ${version + 1}`)
    })()
  }
}
