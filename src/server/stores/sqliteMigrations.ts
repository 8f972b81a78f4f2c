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
