import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ApiClient } from './ApiClient'
import { backupState, chunkBytes, chunkIdOf, commitSnapshot, contentDigestOf, getChunk, putChunk, snapshotIdOf } from './backupFlows'
import { signUp } from './passkeyFlows'
import { SoftAuthenticator } from './softAuthenticator'
import { backends } from './backends'
import { type TestServer, startTestServer } from './startTestServer'
describe.each(backends)('on $name', (backend) => {
  let server: TestServer
  let alice: ApiClient
  let bob: ApiClient
  const [aliceChunk, aliceOther] = [chunkIdOf('alice 1'), chunkIdOf('alice 2')]
  const aliceBytes = chunkBytes(3000, 'alice 1')
  const aliceSnapshot = snapshotIdOf('alice')
  const aliceManifest = chunkBytes(500, 'alice manifest')

  beforeEach(async () => {
    server = await startTestServer({}, { backend })
    alice = server.client()
    bob = server.client()
    await signUp(alice, new SoftAuthenticator(server.origin), 'Alice')
    await signUp(bob, new SoftAuthenticator(server.origin), 'Bob')
    expect((await putChunk(alice, aliceChunk, aliceBytes)).status).toBe(201)
    expect((await putChunk(alice, aliceOther, chunkBytes(100, 'alice 2'))).status).toBe(201)
    const committed = await commitSnapshot(alice, { id: aliceSnapshot, manifest: aliceManifest, chunkIds: [aliceChunk, aliceOther], sizeBytes: 3100 })
    expect(committed.status).toBe(201)
  })
  afterEach(async () => {
    await server.close()
  })

  describe("one account's session and another account's backups", () => {
    it('cannot read, list, find, delete or build on them, and changes nothing trying', async () => {
      server.clock.now += 60_000 // a missing-check touching Alice's chunks would show in their touched_at
      const before = await backupState(server)
      const read = await getChunk(bob, aliceChunk)
      expect(read.status).toBe(404)
      expect(Buffer.from(read.bytes).toString()).not.toContain(Buffer.from(aliceBytes.subarray(0, 16)).toString())
      expect((await bob.post('/api/chunks/missing', { ids: [aliceChunk, aliceOther] })).body).toEqual({ missing: [aliceChunk, aliceOther] })
      expect((await bob.get('/api/snapshots')).body).toEqual({ snapshots: [] })
      const snapshot = await bob.get(`/api/snapshots/${aliceSnapshot}`)
      expect([snapshot.status, snapshot.body.error.code]).toEqual([404, 'not-found'])
      const deleted = await bob.delete(`/api/snapshots/${aliceSnapshot}`)
      expect([deleted.status, deleted.body.error.code]).toEqual([404, 'not-found'])
      const unknown = await bob.delete(`/api/snapshots/${snapshotIdOf('nobody')}`)
      expect(unknown.body).toEqual(deleted.body) // the same answer as for a snapshot that does not exist
      const built = await commitSnapshot(bob, { id: snapshotIdOf('bob'), manifest: chunkBytes(50, 'bob'), chunkIds: [aliceChunk], sizeBytes: 1 })
      expect(built.body.error).toMatchObject({ code: 'missing-chunks', missing: [aliceChunk] })
      expect(await backupState(server)).toEqual(before)
      expect((await alice.get(`/api/snapshots/${aliceSnapshot}`)).body.chunkIds).toEqual([aliceChunk, aliceOther])
    })

    it("cannot overwrite them: the same ids in another account are other objects", async () => {
      const bobBytes = chunkBytes(2000, 'bob 1')
      expect((await putChunk(bob, aliceChunk, bobBytes)).status).toBe(201)
      const bobSnapshot = await commitSnapshot(bob, { id: aliceSnapshot, manifest: chunkBytes(50, 'bob'), chunkIds: [aliceChunk], sizeBytes: 1 })
      expect(bobSnapshot.status).toBe(201)

      expect(Buffer.from((await getChunk(alice, aliceChunk)).bytes).equals(Buffer.from(aliceBytes))).toBe(true)
      expect(Buffer.from((await getChunk(bob, aliceChunk)).bytes).equals(Buffer.from(bobBytes))).toBe(true)
      const aliceView = (await alice.get(`/api/snapshots/${aliceSnapshot}`)).body
      expect(aliceView).toMatchObject({ chunkIds: [aliceChunk, aliceOther], manifest: Buffer.from(aliceManifest).toString('base64url'), sizeBytes: 3100 })
      expect((await bob.get(`/api/snapshots/${aliceSnapshot}`)).body).toMatchObject({ chunkIds: [aliceChunk], sizeBytes: 1 })
      expect((await backupState(server)).blobs).toHaveLength(3)

      // Bob deleting his snapshot leaves Alice's, which has the same id.
      expect((await bob.delete(`/api/snapshots/${aliceSnapshot}`)).status).toBe(204)
      expect((await alice.get(`/api/snapshots/${aliceSnapshot}`)).status).toBe(200)
    })

    it('answers 401 signed-out on every backup route without a session, and changes nothing', async () => {
      const nobody = server.client()
      const before = await backupState(server)
      const attempts: [string, () => Promise<{ status: number; body: any }>][] = [
        ['missing', () => nobody.post('/api/chunks/missing', { ids: [aliceChunk] })],
        ['put', () => putChunk(nobody, aliceChunk, chunkBytes(10, 'x'))],
        ['get chunk', () => nobody.get(`/api/chunks/${aliceChunk}`)],
        ['commit', () => commitSnapshot(nobody, { id: snapshotIdOf('x'), manifest: chunkBytes(10, 'x'), chunkIds: [], sizeBytes: 0 })],
        ['list', () => nobody.get('/api/snapshots')],
        ['get snapshot', () => nobody.get(`/api/snapshots/${aliceSnapshot}`)],
        ['delete snapshot', () => nobody.delete(`/api/snapshots/${aliceSnapshot}`)],
      ]
      for (const [what, attempt] of attempts) {
        const answer = await attempt()
        expect({ what, status: answer.status, code: answer.body.error?.code }).toEqual({ what, status: 401, code: 'signed-out' })
      }
      expect(await backupState(server)).toEqual(before)
    })

    it('refuses every state-changing backup request without an allowed Origin', async () => {
      const before = await backupState(server)
      const bytes = chunkBytes(10, 'x')
      for (const origin of [null, 'https://evil.example']) {
        const attempts = [
          alice.post('/api/chunks/missing', { ids: [aliceChunk] }, { origin }),
          alice.put(`/api/chunks/${chunkIdOf('x')}`, undefined, { origin, raw: bytes, headers: { 'content-type': 'application/octet-stream', 'content-digest': contentDigestOf(bytes) } }),
          alice.post('/api/snapshots', { id: snapshotIdOf('x'), manifest: 'AA', chunkIds: [], sizeBytes: 0 }, { origin }),
          alice.delete(`/api/snapshots/${aliceSnapshot}`, { origin }),
        ]
        for (const answer of await Promise.all(attempts)) expect([answer.status, answer.body.error.code]).toEqual([403, 'bad-origin'])
      }
      expect(await backupState(server)).toEqual(before)
    })
  })
})
