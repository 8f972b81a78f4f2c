import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PostgresMetaStore } from '../../src/server/stores/PostgresMetaStore'
import { migratePostgres, postgresMigrations } from '../../src/server/stores/postgresMigrations'
import { type TestStorage, metaBackends, provisionStorage } from './backends'

const postgres = metaBackends.find((backend) => backend.postgres)

/** What only the PostgreSQL store has: migrations recorded in a table, safe when processes start together. */
describe.runIf(postgres)('PostgresMetaStore', () => {
  let storage: TestStorage
  let admin: pg.Pool
  beforeEach(async () => {
    storage = await provisionStorage(postgres)
    admin = new pg.Pool({ connectionString: storage.env.DATABASE_URL, max: 2 })
  })
  afterEach(async () => {
    await admin.end()
    await storage.dispose()
  })
  const open = () => PostgresMetaStore.open({ url: storage.env.DATABASE_URL!, poolSize: 4 })

  it('migrates once when several server processes start at the same moment', async () => {
    const stores = await Promise.all(Array.from({ length: 5 }, open))
    const { rows } = await admin.query('SELECT version FROM keepsake_migrations ORDER BY version')
    expect(rows).toEqual(postgresMigrations.map((_, i) => ({ version: i + 1 })))
    await stores[0]!.createAccount(
      { id: 'a', userHandle: new Uint8Array(32), displayName: 'A', createdAt: 1 },
      { id: 'c', accountId: 'a', publicKey: new Uint8Array(8), counter: 0, transports: [], backupEligible: false, backedUp: false, name: 'c', createdAt: 1, lastUsedAt: null, canUnlock: false },
      { tokenHash: new Uint8Array(32), accountId: 'a', credentialId: 'c', createdAt: 1, expiresAt: 2 },
      null,
    )
    expect((await stores[4]!.getAccount('a'))?.displayName).toBe('A')
    await Promise.all(stores.map((store) => store.close()))
  })

  it('refuses a database from a newer server and leaves it as it was', async () => {
    await (await open()).close()
    await admin.query('INSERT INTO keepsake_migrations (version) VALUES ($1)', [postgresMigrations.length + 1])
    await expect(open()).rejects.toThrow(/newer than this server knows/)
    expect((await admin.query('SELECT count(*)::int AS n FROM keepsake_migrations')).rows[0].n).toBe(postgresMigrations.length + 1)
  })

  it('applies a new migration on the next start, and none of a migration that fails', async () => {
    const pool = new pg.Pool({ connectionString: storage.env.DATABASE_URL, max: 1 })
    try {
      await migratePostgres(pool)
      await expect(migratePostgres(pool, [...postgresMigrations, 'CREATE TABLE later (x int)', 'CREATE TABLE broken (x nosuchtype)'])).rejects.toThrow(/nosuchtype/)
      const tables = async () => (await admin.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename IN ('later', 'broken')")).rows[0].n
      expect(await tables()).toBe(0)
      await migratePostgres(pool, [...postgresMigrations, 'CREATE TABLE later (x int)'])
      expect(await tables()).toBe(1)
      expect((await admin.query('SELECT max(version)::int AS v FROM keepsake_migrations')).rows[0].v).toBe(postgresMigrations.length + 1)
    } finally {
      await pool.end()
    }
  })

  it('says clearly when the database cannot be reached', async () => {
    const url = new URL(storage.env.DATABASE_URL!)
    url.pathname = '/no_such_database'
    await expect(PostgresMetaStore.open({ url: url.href, poolSize: 1 })).rejects.toThrow(/database "no_such_database" does not exist/)
  })
})
