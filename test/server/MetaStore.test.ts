import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BlobStore } from '../../src/server/stores/BlobStore'
import { DuplicateCredentialError, type MetaStore } from '../../src/server/stores/MetaStore'
import { type TestStorage, metaBackends, provisionStorage } from './backends'
import { bytesOf } from './passkeyFlows'

import { account, credential, session } from './metaRecords'
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

/** The MetaStore contract, on every backend that runs: what the server relies on, also across processes. */
describe.each(metaBackends)('MetaStore on $name', (backend) => {
  let storage: TestStorage
  let store: MetaStore
  const opened: { meta: MetaStore; blobs: BlobStore }[] = []
  /** Another server process's store on the same database. */
  async function another(): Promise<MetaStore> {
    const stores = await storage.open()
    opened.push(stores)
    return stores.meta
  }
  beforeEach(async () => {
    storage = await provisionStorage(backend)
    store = await another()
  })
  afterEach(async () => {
    for (const { meta, blobs } of opened.splice(0)) await Promise.all([meta.close(), blobs.close()])
    await storage.dispose()
  })

  async function stored(seed: number, on = store) {
    await on.reserveBlob(chunk(seed).blobKey, 5000)
    expect(await on.commitChunk(chunk(seed), 0)).toEqual({ outcome: 'created' })
  }

  it('keeps data across reopening', async () => {
    await store.createAccount(account, credential('cred-1'), session(1), null)
    const reopened = await another()
    expect(await reopened.getAccount('acct-1')).toEqual(account)
    expect(await reopened.findCredential('cred-1')).toMatchObject({ name: 'cred-1', transports: ['internal'], counter: 0, canUnlock: false })
  })

  it('creates an account, its credential and session together or not at all', async () => {
    await store.createAccount(account, credential('cred-1'), session(1), null)
    const second = { ...account, id: 'acct-2', userHandle: bytesOf(32, 9) }
    // The session's token hash collides: the whole sign-up rolls back.
    await expect(store.createAccount(second, credential('cred-2', 'acct-2'), { ...session(1), accountId: 'acct-2' }, null)).rejects.toThrow()
    expect(await store.getAccount('acct-2')).toBeNull()
    expect(await store.findCredential('cred-2')).toBeNull()
    await expect(store.addCredential(credential('cred-1'))).rejects.toBeInstanceOf(DuplicateCredentialError)
    const third = { ...account, id: 'acct-3', userHandle: bytesOf(32, 10) }
    await expect(store.createAccount(third, credential('cred-1', 'acct-3'), { ...session(3), accountId: 'acct-3' }, null)).rejects.toBeInstanceOf(DuplicateCredentialError)
    expect(await store.getAccount('acct-3')).toBeNull()
  })

  it('hands a challenge out once, even to concurrent takers in two processes', async () => {
    await store.putChallenge({ challenge: 'c1', purpose: 'login', accountId: null, sessionHash: null, pendingAccount: null, expiresAt: 5000 })
    const other = await another()
    const taken = await Promise.all([store.takeChallenge('c1'), other.takeChallenge('c1'), store.takeChallenge('c1'), other.takeChallenge('c1')])
    expect(taken.filter(Boolean)).toHaveLength(1)
    expect(taken.find(Boolean)).toMatchObject({ challenge: 'c1', purpose: 'login', expiresAt: 5000 })
  })

  it('moves the counter only from the value it was read at, once for concurrent sign-ins', async () => {
    await store.createAccount(account, credential('cred-1'), session(1), null)
    const use = { credentialId: 'cred-1', expectedCounter: 0, counter: 7, backedUp: true, usedAt: 2000 }
    expect(await store.signIn(use, session(2), bytesOf(32, 1))).toBe(true)
    expect(await store.signIn({ ...use, counter: 8 }, session(3), null)).toBe(false)
    expect(await store.findCredential('cred-1')).toMatchObject({ counter: 7, backedUp: true, lastUsedAt: 2000 })
    expect(await store.getSession(bytesOf(32, 1), 1500)).toBeNull() // replaced
    expect(await store.getSession(bytesOf(32, 2), 1500)).not.toBeNull()
    expect(await store.getSession(bytesOf(32, 3), 1500)).toBeNull() // never created

    const other = await another()
    const next = { ...use, expectedCounter: 7, counter: 9 }
    const results = await Promise.all([store.signIn(next, session(4), null), other.signIn(next, session(5), null), other.signIn(next, session(6), null)])
    expect(results.filter(Boolean)).toHaveLength(1)
  })

  it('expires sessions and purges what has expired', async () => {
    await store.createAccount(account, credential('cred-1'), session(1), null)
    await store.putChallenge({ challenge: 'old', purpose: 'register', accountId: null, sessionHash: null, pendingAccount: { userHandle: bytesOf(32, 4), displayName: 'X' }, expiresAt: 2000 })
    expect(await store.getSession(bytesOf(32, 1), 9_999)).not.toBeNull()
    expect(await store.getSession(bytesOf(32, 1), 10_000)).toBeNull() // expired: deleted when read
    await store.createSession(session(2), null)
    await store.purgeExpired(10_000)
    expect(await storage.count('sessions')).toBe(0)
    expect(await store.takeChallenge('old')).toBeNull()
  })

  it('counts rate-limit hits in fixed windows shared by every process', async () => {
    const other = await another()
    expect(await store.hitRateLimit('ip', 60_000, 0)).toEqual({ hits: 1, resetAt: 60_000 })
    expect(await other.hitRateLimit('ip', 60_000, 10)).toEqual({ hits: 2, resetAt: 60_000 })
    await other.undoRateLimitHit('ip')
    expect(await store.hitRateLimit('ip', 60_000, 20)).toEqual({ hits: 2, resetAt: 60_000 })
    expect(await store.hitRateLimit('ip', 60_000, 60_000)).toEqual({ hits: 1, resetAt: 120_000 })
    await other.resetRateLimit('ip')
    expect(await store.hitRateLimit('ip', 60_000, 60_001)).toEqual({ hits: 1, resetAt: 120_001 })
    const hits = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? store : other).hitRateLimit('burst', 60_000, 0)))
    expect(hits.map((h) => h.hits).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
  })

  it('keeps one passkey when two processes remove the other two at once', async () => {
    await store.createAccount(account, credential('cred-1'), session(1), null)
    await store.addCredential(credential('cred-2'))
    await store.addCredential(credential('cred-3'))
    const other = await another()
    const results = await Promise.all([store.deleteCredential('acct-1', 'cred-1', bytesOf(32, 1)), other.deleteCredential('acct-1', 'cred-2', bytesOf(32, 1)), other.deleteCredential('acct-1', 'cred-3', bytesOf(32, 1))])
    expect(results.filter((r) => r === 'deleted')).toHaveLength(2)
    expect(results.filter((r) => r === 'last-credential')).toHaveLength(1)
    expect(await store.listCredentials('acct-1')).toHaveLength(1)
  })

  describe('backup records', () => {
    beforeEach(async () => {
      await store.createAccount(account, credential('cred-1'), session(1), null)
    })

    it('never lets a chunk that a snapshot names lose its record', async () => {
      await stored(1)
      await stored(2)
      expect((await store.commitSnapshot(snapshot(1), bytesOf(10, 1), [chunk(1).chunkId], 10)).outcome).toBe('created')
      expect(await store.releaseUnreferencedChunks(Number.MAX_SAFE_INTEGER, 9000, 100)).toBe(1) // chunk 2 only
      expect(await store.getChunk('acct-1', chunk(1).chunkId)).toMatchObject({ size: 100 })
      await expect(storage.exec(`DELETE FROM chunks WHERE chunk_id = '${chunk(1).chunkId}'`)).rejects.toThrow(/foreign key/i)
      expect(await store.claimPendingBlobs(9000, 9500, 100)).toEqual([chunk(2).blobKey])
    })

    it('commits a snapshot whole or not at all, and lists, reads and retires snapshots', async () => {
      await stored(1)
      const missing = await store.commitSnapshot(snapshot(1), bytesOf(10, 1), [chunk(3).chunkId, chunk(1).chunkId, chunk(4).chunkId, chunk(3).chunkId], 10)
      expect(missing).toEqual({ outcome: 'missing-chunks', missing: [chunk(3).chunkId, chunk(4).chunkId] })
      expect(await store.getSnapshot('acct-1', snapshot(1).id)).toBeNull()
      expect(await store.listSnapshots('acct-1')).toEqual([])

      const ids = [chunk(1).chunkId, chunk(1).chunkId]
      expect(await store.commitSnapshot(snapshot(1), bytesOf(10, 1), ids, 2)).toEqual({ outcome: 'created', snapshot: snapshot(1), removed: [] })
      expect((await store.commitSnapshot(snapshot(1), bytesOf(10, 1), ids, 2)).outcome).toBe('exists')
      expect((await store.commitSnapshot({ ...snapshot(1), contentHash: bytesOf(32, 99) }, bytesOf(10, 1), ids, 2)).outcome).toBe('conflict')
      expect(await store.getSnapshot('acct-1', snapshot(1).id)).toEqual({ ...snapshot(1), manifest: bytesOf(10, 1), chunkIds: ids })
      await store.commitSnapshot(snapshot(2), bytesOf(10, 2), [], 2)
      expect(await store.commitSnapshot(snapshot(3), bytesOf(10, 3), [], 2)).toMatchObject({ outcome: 'created', removed: [snapshot(1).id] })
      expect((await store.listSnapshots('acct-1')).map((s) => s.id)).toEqual([snapshot(3).id, snapshot(2).id])
      expect(await store.deleteSnapshot('acct-1', snapshot(2).id)).toBe(true)
      expect(await store.deleteSnapshot('acct-1', snapshot(2).id)).toBe(false)
    })

    it('refuses to adopt a blob whose reservation garbage collection claimed', async () => {
      await store.reserveBlob(chunk(1).blobKey, 1000)
      expect(await store.claimPendingBlobs(1000, 2000, 10)).toEqual([chunk(1).blobKey])
      expect(await store.commitChunk(chunk(1), 0)).toEqual({ outcome: 'lease-lost' })
      await store.releaseBlob(chunk(1).blobKey)
      expect(await store.commitChunk(chunk(1), 0)).toEqual({ outcome: 'lease-lost' })
      expect(await store.getChunk('acct-1', chunk(1).chunkId)).toBeNull()
    })

    it('never lets two processes commit chunks past the quota together', async () => {
      const other = await another()
      const seeds = Array.from({ length: 10 }, (_, i) => i + 1) // sizes 100…1000
      for (const seed of seeds) await store.reserveBlob(chunk(seed).blobKey, 5000)
      const quota = 2500
      const commits = await Promise.all(seeds.map((seed) => (seed % 2 ? store : other).commitChunk(chunk(seed), quota)))
      const used = await store.chunkBytes('acct-1')
      expect(used).toBeLessThanOrEqual(quota)
      const created = seeds.filter((_, i) => commits[i]!.outcome === 'created')
      expect(used).toBe(created.reduce((sum, seed) => sum + 100 * seed, 0))
      expect(commits.every((c) => c.outcome === 'created' || c.outcome === 'quota-exceeded')).toBe(true)
    })

    it('gives each pending blob to one of several concurrent collectors', async () => {
      const other = await another()
      for (let seed = 1; seed <= 40; seed++) await store.reserveBlob(chunk(seed).blobKey, 1000)
      const claims = await Promise.all([store.claimPendingBlobs(1000, 2000, 15), other.claimPendingBlobs(1000, 2000, 15), other.claimPendingBlobs(1000, 2000, 15)])
      const all = claims.flat()
      expect(all).toHaveLength(40)
      expect(new Set(all).size).toBe(40)
    })

    it('either keeps the chunks a racing snapshot names or reports them missing, never half of each', async () => {
      const collector = await another()
      for (let round = 1; round <= 8; round++) {
        await stored(round)
        const [commit, released] = await Promise.all([
          store.commitSnapshot({ ...snapshot(round), createdAt: 3000 + round }, bytesOf(10, round), [chunk(round).chunkId], 100),
          collector.releaseUnreferencedChunks(Number.MAX_SAFE_INTEGER, 9000, 100),
        ])
        const kept = await store.getChunk('acct-1', chunk(round).chunkId)
        if (commit.outcome === 'created') expect(kept).not.toBeNull()
        else expect([commit, kept, released]).toEqual([{ outcome: 'missing-chunks', missing: [chunk(round).chunkId] }, null, 1])
      }
      const rows = await storage.rows(['snapshot_chunks', 'chunks'])
      const held = new Set(rows.chunks.map((row) => (row as { chunk_id: string }).chunk_id))
      expect(rows.snapshot_chunks.every((row) => held.has((row as { chunk_id: string }).chunk_id))).toBe(true)
    })
  })
})
