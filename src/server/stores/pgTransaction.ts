import type { Pool, PoolClient } from 'pg'

/** What a statement runs on: the pool (one statement, its own transaction) or a client inside {@link pgTransaction}. */
export type Queryable = Pool | PoolClient

/**
 * Runs `fn` in one transaction on one pooled connection (READ COMMITTED; the callers take the row
 * locks their checks rely on). Commits when `fn` resolves, rolls back when it throws; a connection
 * whose rollback failed is closed rather than returned to the pool.
 */
export async function pgTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  let broken = false
  try {
    await client.query('BEGIN')
    const result = await fn(client)
    await client.query('COMMIT')
    return result
  } catch (e) {
    await client.query('ROLLBACK').catch(() => (broken = true))
    throw e
  } finally {
    client.release(broken)
  }
}

/** PostgreSQL's unique_violation, optionally of one constraint. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const error = e as { code?: string; constraint?: string }
  return error?.code === '23505' && (constraint === undefined || error.constraint === constraint)
}
