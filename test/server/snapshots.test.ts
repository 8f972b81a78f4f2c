import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ApiClient } from './ApiClient'
import { backupState, chunkBytes, chunkIdOf, commitSnapshot, snapshotIdOf, uploadChunks } from './backupFlows'
import { signUp } from './passkeyFlows'
import { SoftAuthenticator } from './softAuthenticator'
import { backends } from './backends'
import { type TestServer, startTestServer } from './startTestServer'
describe.each(backends)('on $name', (backend) => {
  let server: TestServer
  let alice: ApiClient
  beforeEach(async () => {
    server = await startTestServer({ RETAIN_SNAPSHOTS: '3' }, { backend })
    alice = server.client()
    await signUp(alice, new SoftAuthenticator(server.origin), 'Alice')
  })
  afterEach(async () => {
    await server.close()
  })

  const manifestOf = (seed: string) => chunkBytes(700, `manifest ${seed}`)

  describe('committing snapshots', () => {
    it('commits a snapshot whose chunks are all stored, and reads it back whole', async () => {
      const chunkIds = await uploadChunks(alice, ['a', 'b', 'c'])
      const id = snapshotIdOf('1')
      const named = [chunkIds[0]!, chunkIds[1]!, chunkIds[0]!, chunkIds[2]!] // a chunk may be named twice
      const committed = await commitSnapshot(alice, { id, manifest: manifestOf('1'), chunkIds: named, sizeBytes: 123_456 })
      expect(committed.status).toBe(201)
      expect(committed.body).toEqual({ id, createdAt: new Date(server.clock.now).toISOString() })

      const read = await alice.get(`/api/snapshots/${id}`)
      expect(read.status).toBe(200)
      expect(read.body).toEqual({
        id,
        createdAt: committed.body.createdAt,
        sizeBytes: 123_456,
        chunkIds: named,
        manifest: Buffer.from(manifestOf('1')).toString('base64url'),
      })
      expect((await alice.get('/api/snapshots')).body).toEqual({ snapshots: [{ id, createdAt: committed.body.createdAt, sizeBytes: 123_456, chunkCount: 4 }] })
    })

    it('commits nothing and names the missing chunks, each once, when some are not stored', async () => {
      const [a] = await uploadChunks(alice, ['a'])
      const [x, y] = [chunkIdOf('x'), chunkIdOf('y')]
      const before = await backupState(server)
      const answer = await commitSnapshot(alice, { id: snapshotIdOf('1'), manifest: manifestOf('1'), chunkIds: [y, a!, x, y], sizeBytes: 10 })
      expect(answer.status).toBe(409)
      expect(answer.body.error).toMatchObject({ code: 'missing-chunks', missing: [y, x] })
      expect(await backupState(server)).toEqual(before)
      expect((await alice.get('/api/snapshots')).body.snapshots).toEqual([])
    })

    it('answers a retried commit of the same snapshot with 200, and a different one under its id with 409', async () => {
      const chunkIds = await uploadChunks(alice, ['a'])
      const snapshot = { id: snapshotIdOf('1'), manifest: manifestOf('1'), chunkIds, sizeBytes: 10 }
      const first = await commitSnapshot(alice, snapshot)
      server.clock.now += 60_000
      const retry = await commitSnapshot(alice, snapshot)
      expect(retry.status).toBe(200)
      expect(retry.body).toEqual(first.body) // the first commit's time
      const before = await backupState(server)
      for (const other of [{ manifest: manifestOf('2') }, { sizeBytes: 11 }, { chunkIds: [...chunkIds, ...chunkIds] }]) {
        const answer = await commitSnapshot(alice, { ...snapshot, ...other })
        expect([answer.status, answer.body.error.code]).toEqual([409, 'snapshot-exists'])
      }
      expect(await backupState(server)).toEqual(before)
    })

    it('commits a snapshot that names no chunks (nothing to back up yet)', async () => {
      expect((await commitSnapshot(alice, { id: snapshotIdOf('empty'), manifest: manifestOf('e'), chunkIds: [], sizeBytes: 0 })).status).toBe(201)
    })

    it('refuses malformed commits and changes nothing', async () => {
      const chunkIds = await uploadChunks(alice, ['a'])
      const good = { id: snapshotIdOf('1'), manifest: Buffer.from(manifestOf('1')).toString('base64url'), chunkIds, sizeBytes: 10 }
      const before = await backupState(server)
      const cases: [string, unknown, string][] = [
        ['uppercase id', { ...good, id: good.id.toUpperCase() }, 'bad-snapshot-id'],
        ['short id', { ...good, id: good.id.slice(2) }, 'bad-snapshot-id'],
        ['a chunk id as snapshot id', { ...good, id: chunkIds[0] }, 'bad-snapshot-id'],
        ['bad chunk id', { ...good, chunkIds: [...chunkIds, 'zz'] }, 'bad-chunk-id'],
        ['no manifest', { ...good, manifest: '' }, 'bad-request'],
        ['padded manifest', { ...good, manifest: `${good.manifest}=` }, 'bad-request'],
        ['manifest over 4 MiB', { ...good, manifest: Buffer.alloc(4 * 1024 * 1024 + 1).toString('base64url') }, 'bad-request'],
        ['negative size', { ...good, sizeBytes: -1 }, 'bad-request'],
        ['fractional size', { ...good, sizeBytes: 1.5 }, 'bad-request'],
        ['chunk ids not a list', { ...good, chunkIds: chunkIds[0] }, 'bad-request'],
      ]
      for (const [what, body, code] of cases) {
        const answer = await alice.post('/api/snapshots', body)
        expect({ what, status: answer.status, code: answer.body.error?.code }).toEqual({ what, status: 400, code })
      }
      expect(await backupState(server)).toEqual(before)
      // A manifest of exactly 4 MiB fits.
      const largest = await alice.post('/api/snapshots', { ...good, manifest: Buffer.alloc(4 * 1024 * 1024, 7).toString('base64url') })
      expect(largest.status).toBe(201)
    })
  })

  describe('listing, reading, deleting and retention', () => {
    async function commitAt(seed: string, chunkIds: string[]) {
      server.clock.now += 1000
      const answer = await commitSnapshot(alice, { id: snapshotIdOf(seed), manifest: manifestOf(seed), chunkIds, sizeBytes: seed.length })
      expect(answer.status).toBe(201)
      return snapshotIdOf(seed)
    }

    it('lists snapshots newest first and keeps only the newest RETAIN_SNAPSHOTS', async () => {
      const chunkIds = await uploadChunks(alice, ['a', 'b'])
      const first = await commitAt('1', chunkIds)
      const second = await commitAt('22', chunkIds.slice(1))
      const third = await commitAt('333', chunkIds)
      const listed = (await alice.get('/api/snapshots')).body.snapshots
      expect(listed.map((s: { id: string }) => s.id)).toEqual([third, second, first])
      expect(listed[1]).toEqual({ id: second, createdAt: new Date(server.clock.now - 1000).toISOString(), sizeBytes: 2, chunkCount: 1 })

      const fourth = await commitAt('4444', chunkIds)
      const fifth = await commitAt('55555', chunkIds)
      expect((await alice.get('/api/snapshots')).body.snapshots.map((s: { id: string }) => s.id)).toEqual([fifth, fourth, third])
      for (const gone of [first, second]) expect((await alice.get(`/api/snapshots/${gone}`)).status).toBe(404)
      expect(server.logLines.filter((line) => line.msg === 'snapshots retired')).toHaveLength(2)
    })

    it('deletes a snapshot (204), then answers 404 for it', async () => {
      const chunkIds = await uploadChunks(alice, ['a'])
      const id = await commitAt('1', chunkIds)
      const kept = await commitAt('2', chunkIds)
      const deleted = await alice.delete(`/api/snapshots/${id}`)
      expect(deleted.status).toBe(204)
      expect(deleted.body).toBe('')
      expect((await alice.get(`/api/snapshots/${id}`)).status).toBe(404)
      expect((await alice.delete(`/api/snapshots/${id}`)).body.error.code).toBe('not-found')
      expect((await alice.get('/api/snapshots')).body.snapshots.map((s: { id: string }) => s.id)).toEqual([kept])
      // The chunks stay until garbage collection decides.
      expect((await alice.post('/api/chunks/missing', { ids: chunkIds })).body.missing).toEqual([])
    })

    it('refuses malformed snapshot ids in paths', async () => {
      for (const bad of [snapshotIdOf('1').toUpperCase(), snapshotIdOf('1').slice(1), '..%2Fmeta', chunkIdOf('a')]) {
        for (const answer of [await alice.get(`/api/snapshots/${bad}`), await alice.delete(`/api/snapshots/${bad}`)]) {
          expect([answer.status, answer.body.error.code]).toEqual([400, 'bad-snapshot-id'])
        }
      }
    })
  })
})
