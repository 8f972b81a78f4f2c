import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { refuseRemoval } from '../../src/server/stores/MetaStore'
import { SqliteMetaStore } from '../../src/server/stores/SqliteMetaStore'
import { sqliteMigrations } from '../../src/server/stores/sqliteMigrations'
import { bytesOf } from './passkeyFlows'

let dir: string
let path: string
let store: SqliteMetaStore
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keepsake-meta-'))
  path = join(dir, 'meta.sqlite')
  store = SqliteMetaStore.open(path)
})
afterEach(async () => {
  await store.close()
  await rm(dir, { recursive: true, force: true })
})

import { account, credential, session } from './metaRecords'

/** What only the SQLite store has: its file, WAL mode and user_version migrations. The shared contract is in MetaStore.test.ts. */
describe('SqliteMetaStore', () => {
  it('migrates by user_version in WAL mode and keeps data across reopening', async () => {
    await store.createAccount(account, credential('cred-1'), session(1), null)
    await store.close()
    const raw = new Database(path, { readonly: true })
    expect(raw.pragma('user_version', { simple: true })).toBe(sqliteMigrations.length)
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal')
    raw.close()
    store = SqliteMetaStore.open(path)
    expect(await store.getAccount('acct-1')).toEqual(account)
    expect((await store.findCredential('cred-1'))?.name).toBe('cred-1')
  })

  it('refuses a database from a newer server', async () => {
    await store.close()
    const raw = new Database(path)
    raw.pragma(`user_version = ${sqliteMigrations.length + 1}`)
    raw.close()
    expect(() => SqliteMetaStore.open(path)).toThrow(/newer than this server knows/)
    store = SqliteMetaStore.open(join(dir, 'other.sqlite'))
  })

})

describe('SqliteMetaStore: backup records', () => {
  const hex = (seed: number, bytes: number) => Buffer.from(bytesOf(bytes, seed)).toString('hex')
  const chunk = (seed: number, touchedAt = 1000) => ({
    accountId: 'acct-1',
    chunkId: hex(seed, 32),
    blobKey: `chunks/acct-1/${hex(seed, 32)}-0000000000000001`,
    size: 100 * seed,
    sha256: bytesOf(32, seed),
    createdAt: touchedAt,
    touchedAt,
  })

  async function stored(seed: number) {
    await store.reserveBlob(chunk(seed).blobKey, 5000)
    expect(await store.commitChunk(chunk(seed), 0)).toEqual({ outcome: 'created' })
  }

  beforeEach(async () => {
    await store.createAccount(account, credential('cred-1'), session(1), null)
  })

  it('upgrades a database made by the first schema and keeps its rows', async () => {
    await store.close()
    const old = join(dir, 'v1.sqlite')
    const raw = new Database(old)
    raw.exec(sqliteMigrations[0]!)
    raw.pragma('user_version = 1')
    raw.prepare('INSERT INTO accounts (id, user_handle, display_name, created_at) VALUES (?, ?, ?, ?)').run('acct-1', bytesOf(32, 1), 'Alice', 1000)
    raw.close()
    store = SqliteMetaStore.open(old)
    expect(await store.getAccount('acct-1')).toEqual(account)
    await stored(1)
    expect(await store.chunkBytes('acct-1')).toBe(100)
  })
})

describe('refuseRemoval', () => {
  it('keeps one passkey and, once any envelope exists, one unlock method', () => {
    const held = (credentials: number, passkeyEnvelopes: number, hasRecovery: boolean) => ({ credentials, passkeyEnvelopes, hasRecovery })
    expect(refuseRemoval(held(1, 0, false), { credential: true, envelope: false })).toBe('last-credential')
    expect(refuseRemoval(held(1, 1, true), { credential: true, envelope: true })).toBe('last-credential')
    expect(refuseRemoval(held(2, 1, false), { credential: true, envelope: true })).toBe('last-unlock-method')
    expect(refuseRemoval(held(2, 1, false), { credential: false, envelope: true })).toBe('last-unlock-method')
    expect(refuseRemoval(held(2, 1, false), { credential: true, envelope: false })).toBeNull()
    expect(refuseRemoval(held(2, 1, true), { credential: true, envelope: true })).toBeNull()
    expect(refuseRemoval(held(2, 2, false), { credential: false, envelope: true })).toBeNull()
    expect(refuseRemoval(held(2, 0, false), { credential: true, envelope: false })).toBeNull()
  })
})
