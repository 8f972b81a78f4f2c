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
