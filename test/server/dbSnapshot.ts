import type { TestServer } from './startTestServer'

/**
 * Every lasting row of the MetaStore (accounts, credentials, sessions, envelopes), read through a
 * connection of its own: a refusal must leave this exactly as it was. Challenges and rate-limit
 * counters are left out: using them up is their job.
 */
export function dbSnapshot(server: TestServer): Promise<Record<string, unknown[]>> {
  return server.storage.rows(['accounts', 'credentials', 'sessions', 'passkey_envelopes', 'recovery_envelopes'])
}

export function countRows(server: TestServer, table: string): Promise<number> {
  return server.storage.count(table)
}
