import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type CredentialRecord, DuplicateCredentialError, type SessionRecord, refuseRemoval } from '../../src/server/stores/MetaStore'
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

const account = { id: 'acct-1', userHandle: bytesOf(32, 1), displayName: 'Alice', createdAt: 1000 }
const credential = (id: string, accountId = 'acct-1'): CredentialRecord => ({
  id,
  accountId,
  publicKey: bytesOf(77, 2),
  counter: 0,
  transports: ['internal'],
  backupEligible: true,
  backedUp: false,
  name: id,
  createdAt: 1000,
  lastUsedAt: null,
  canUnlock: false,
})
const session = (seed: number, credentialId: string | null = 'cred-1'): SessionRecord => ({
  tokenHash: bytesOf(32, seed),
  accountId: 'acct-1',
  credentialId,
  createdAt: 1000,
  expiresAt: 10_000,
})

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

  it('creates an account, its credential and session together or not at all', async () => {
    await store.createAccount(account, credential('cred-1'), session(1), null)
    const second = { ...account, id: 'acct-2', userHandle: bytesOf(32, 9) }
    // The session's token hash collides: the whole sign-up rolls back.
    await expect(store.createAccount(second, credential('cred-2', 'acct-2'), { ...session(1), accountId: 'acct-2' }, null)).rejects.toThrow()
    expect(await store.getAccount('acct-2')).toBeNull()
    expect(await store.findCredential('cred-2')).toBeNull()
    await expect(store.addCredential(credential('cred-1'))).rejects.toBeInstanceOf(DuplicateCredentialError)
  })

  it('hands a challenge out once, even to concurrent takers', async () => {
    await store.putChallenge({ challenge: 'c1', purpose: 'login', accountId: null, sessionHash: null, pendingAccount: null, expiresAt: 5000 })
    const other = SqliteMetaStore.open(path) // a second server process on the same file
    const taken = await Promise.all([store.takeChallenge('c1'), other.takeChallenge('c1'), store.takeChallenge('c1')])
    await other.close()
    expect(taken.filter(Boolean)).toHaveLength(1)
    expect(taken.find(Boolean)).toMatchObject({ challenge: 'c1', purpose: 'login', expiresAt: 5000 })
  })

  it('moves the counter only from the value it was read at', async () => {
    await store.createAccount(account, credential('cred-1'), session(1), null)
    const use = { credentialId: 'cred-1', expectedCounter: 0, counter: 7, backedUp: true, usedAt: 2000 }
    expect(await store.signIn(use, session(2), bytesOf(32, 1))).toBe(true)
    expect(await store.signIn({ ...use, counter: 8 }, session(3), null)).toBe(false)
    const stored = await store.findCredential('cred-1')
    expect(stored).toMatchObject({ counter: 7, backedUp: true, lastUsedAt: 2000 })
    expect(await store.getSession(bytesOf(32, 1), 1500)).toBeNull() // replaced
    expect(await store.getSession(bytesOf(32, 2), 1500)).not.toBeNull()
    expect(await store.getSession(bytesOf(32, 3), 1500)).toBeNull() // never created
  })

  it('expires sessions and purges what has expired', async () => {
    await store.createAccount(account, credential('cred-1'), session(1), null)
    await store.putChallenge({ challenge: 'old', purpose: 'register', accountId: null, sessionHash: null, pendingAccount: { userHandle: bytesOf(32, 4), displayName: 'X' }, expiresAt: 2000 })
    expect(await store.getSession(bytesOf(32, 1), 9_999)).not.toBeNull()
    await store.purgeExpired(10_000)
    expect(await store.getSession(bytesOf(32, 1), 0)).toBeNull()
    expect(await store.takeChallenge('old')).toBeNull()
  })

  it('counts rate-limit hits in fixed windows shared by every process', async () => {
    const other = SqliteMetaStore.open(path)
    expect(await store.hitRateLimit('ip', 60_000, 0)).toEqual({ hits: 1, resetAt: 60_000 })
    expect(await other.hitRateLimit('ip', 60_000, 10)).toEqual({ hits: 2, resetAt: 60_000 })
    await other.undoRateLimitHit('ip')
    expect(await store.hitRateLimit('ip', 60_000, 20)).toEqual({ hits: 2, resetAt: 60_000 })
    expect(await store.hitRateLimit('ip', 60_000, 60_000)).toEqual({ hits: 1, resetAt: 120_000 })
    await other.resetRateLimit('ip')
    expect(await store.hitRateLimit('ip', 60_000, 60_001)).toEqual({ hits: 1, resetAt: 120_001 })
    await other.close()
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
  const snapshot = (seed: number) => ({ accountId: 'acct-1', id: hex(seed, 16), createdAt: 2000 + seed, sizeBytes: 1, chunkCount: 1, contentHash: bytesOf(32, seed) })

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

  it('never lets a chunk that a snapshot names lose its record', async () => {
    await stored(1)
    await stored(2)
    const commit = await store.commitSnapshot(snapshot(1), bytesOf(10, 1), [chunk(1).chunkId], 10)
    expect(commit.outcome).toBe('created')
    expect(await store.releaseUnreferencedChunks(Number.MAX_SAFE_INTEGER, 9000, 100)).toBe(1) // chunk 2 only
    expect(await store.getChunk('acct-1', chunk(1).chunkId)).toMatchObject({ size: 100 })
    const raw = new Database(path)
    raw.pragma('foreign_keys = ON')
    expect(() => raw.prepare('DELETE FROM chunks WHERE chunk_id = ?').run(chunk(1).chunkId)).toThrow(/FOREIGN KEY/)
    raw.close()
    expect(await store.claimPendingBlobs(9000, 9500, 100)).toEqual([chunk(2).blobKey])
  })

  it('commits a snapshot whole or not at all', async () => {
    await stored(1)
    const missing = await store.commitSnapshot(snapshot(1), bytesOf(10, 1), [chunk(1).chunkId, chunk(3).chunkId], 10)
    expect(missing).toEqual({ outcome: 'missing-chunks', missing: [chunk(3).chunkId] })
    expect(await store.getSnapshot('acct-1', snapshot(1).id)).toBeNull()
    expect(await store.listSnapshots('acct-1')).toEqual([])
  })

  it('refuses to adopt a blob whose reservation garbage collection claimed', async () => {
    await store.reserveBlob(chunk(1).blobKey, 1000)
    expect(await store.claimPendingBlobs(1000, 2000, 10)).toEqual([chunk(1).blobKey])
    expect(await store.commitChunk(chunk(1), 0)).toEqual({ outcome: 'lease-lost' })
    await store.releaseBlob(chunk(1).blobKey)
    expect(await store.commitChunk(chunk(1), 0)).toEqual({ outcome: 'lease-lost' })
    expect(await store.getChunk('acct-1', chunk(1).chunkId)).toBeNull()
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
