import { join } from 'node:path'
import Database from 'better-sqlite3'

/**
 * Every lasting row of the MetaStore (accounts, credentials, sessions, envelopes), read through a
 * second read-only connection: a refusal must leave this exactly as it was. Challenges and
 * rate-limit counters are left out: using them up is their job.
 */
export function dbSnapshot(dataDir: string): Record<string, unknown[]> {
  const db = new Database(join(dataDir, 'meta.sqlite'), { readonly: true })
  try {
    const tables = ['accounts', 'credentials', 'sessions', 'passkey_envelopes', 'recovery_envelopes']
    return Object.fromEntries(tables.map((table) => [table, db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all()]))
  } finally {
    db.close()
  }
}

export function countRows(dataDir: string, table: string): number {
  const db = new Database(join(dataDir, 'meta.sqlite'), { readonly: true })
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
  } finally {
    db.close()
  }
}
