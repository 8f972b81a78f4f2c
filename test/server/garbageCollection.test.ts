import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { collectGarbage } from '../../src/server/backups/collectGarbage'
import { createLogger } from '../../src/server/createLogger'
import type { ApiClient } from './ApiClient'
import { backupState, chunkBytes, chunkFiles, chunkIdOf, commitSnapshot, getChunk, putChunk, rawRequest, snapshotIdOf, uploadChunks, uploadHeaders } from './backupFlows'
import { signUp } from './passkeyFlows'
import { SoftAuthenticator } from './softAuthenticator'
import { backends } from './backends'
import { type TestServer, startTestServer } from './startTestServer'

const HOUR = 3_600_000

describe.each(backends)('on $name', (backend) => {
  let server: TestServer
  let alice: ApiClient
  let account: string
  beforeEach(async () => {
    server = await startTestServer({ GC_GRACE_HOURS: '24', RETAIN_SNAPSHOTS: '2' }, { backend })
    alice = server.client()
    account = (await signUp(alice, new SoftAuthenticator(server.origin), 'Alice')).accountId
  })
  afterEach(async () => {
    await server.close()
  })

  async function missing(ids: string[]): Promise<string[]> {
    return (await alice.post('/api/chunks/missing', { ids })).body.missing
  }

  async function commit(seed: string, chunkIds: string[]) {
    server.clock.now += 1000
    const answer = await commitSnapshot(alice, { id: snapshotIdOf(seed), manifest: chunkBytes(300, seed), chunkIds, sizeBytes: 1 })
    expect(answer.status).toBe(201)
  }

  describe('garbage collection', () => {
    it('deletes unreferenced chunks once their grace period has passed, and never a referenced one', async () => {
      const [a, b, c] = await uploadChunks(alice, ['a', 'b', 'c']) as [string, string, string]
      await commit('1', [a])

      server.clock.now += 23 * HOUR
      expect(await server.collectGarbage()).toEqual({ chunksReleased: 0, blobsDeleted: 0, failures: 0 })
      expect(await chunkFiles(server)).toHaveLength(3)
      expect(await missing([c])).toEqual([]) // a backup about to name c confirms it: c gets a new grace period

      server.clock.now += 2 * HOUR
      expect(await server.collectGarbage()).toEqual({ chunksReleased: 1, blobsDeleted: 1, failures: 0 })
      expect(await missing([a, b, c])).toEqual([b])
      expect((await getChunk(alice, b)).status).toBe(404)
      expect((await chunkFiles(server)).map((file) => file.slice(-81, -17))).toEqual([a, c].sort())

      server.clock.now += 25 * HOUR // the missing-check just now touched c once more
      expect((await server.collectGarbage()).chunksReleased).toBe(1)
      expect(await missing([a, c])).toEqual([c])

      server.clock.now += 500 * HOUR
      expect((await server.collectGarbage()).chunksReleased).toBe(0)
      expect((await getChunk(alice, a)).bytes).toEqual(chunkBytes(2000, 'a'))

      // Once no snapshot names it, a long-untouched chunk goes at the next run.
      expect((await alice.delete(`/api/snapshots/${snapshotIdOf('1')}`)).status).toBe(204)
      expect(await server.collectGarbage()).toEqual({ chunksReleased: 1, blobsDeleted: 1, failures: 0 })
      const state = await backupState(server)
      expect([state.rows.chunks, state.rows.pending_blobs, state.blobs]).toEqual([[], [], []])
    })

    it("keeps the chunks of retained snapshots and collects those only retired snapshots named", async () => {
      const [a, b, c, d] = await uploadChunks(alice, ['a', 'b', 'c', 'd']) as [string, string, string, string]
      await commit('1', [a, b])
      await commit('2', [b, c])
      await commit('3', [c, d]) // RETAIN_SNAPSHOTS=2: snapshot 1 is retired
      server.clock.now += 25 * HOUR
      expect((await server.collectGarbage()).chunksReleased).toBe(1)
      expect(await missing([a, b, c, d])).toEqual([a])
    })

    it('gives a chunk uploaded again a new grace period', async () => {
      const [a] = await uploadChunks(alice, ['a'])
      server.clock.now += 23 * HOUR
      expect((await putChunk(alice, a!, chunkBytes(2000, 'a'))).status).toBe(200)
      server.clock.now += 2 * HOUR
      expect((await server.collectGarbage()).chunksReleased).toBe(0)
      expect(await missing([a!])).toEqual([])
    })

    it('removes the blob of an upload that never finished once its lease runs out', async () => {
      // What a server that died between writing a blob and recording it leaves behind.
      const key = `chunks/${account}/${chunkIdOf('orphan')}-00000000000000aa`
      await server.meta.reserveBlob(key, server.clock.now + 24 * HOUR)
      await server.blobs.put(key, chunkBytes(100, 'orphan'))
      server.clock.now += 23 * HOUR
      expect((await server.collectGarbage()).blobsDeleted).toBe(0)
      expect(await server.blobs.has(key)).toBe(true)
      server.clock.now += 2 * HOUR
      expect(await server.collectGarbage()).toEqual({ chunksReleased: 0, blobsDeleted: 1, failures: 0 })
      expect(await server.blobs.has(key)).toBe(false)
      expect((await backupState(server)).rows.pending_blobs).toEqual([])
    })

    it('fences an upload slower than the grace period: it is refused with 503 and leaves nothing', async () => {
      const id = chunkIdOf('slow')
      const bytes = chunkBytes(40_000, 'slow')
      let finish!: () => void
      const answer = rawRequest(server, 'PUT', `/api/chunks/${id}`, uploadHeaders(server, alice, bytes), (req) => {
        req.write(bytes.subarray(0, 20_000))
        finish = () => req.end(bytes.subarray(20_000))
      })
      while ((await backupState(server)).rows.pending_blobs.length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
      server.clock.now += 25 * HOUR
      expect((await server.collectGarbage()).blobsDeleted).toBe(1) // its lease, claimed and released
      finish()
      const refused = await answer
      expect([refused.status, JSON.parse(refused.text).error.code, refused.headers['retry-after']]).toEqual([503, 'unavailable', '1'])
      const state = await backupState(server)
      expect([state.rows.chunks, state.rows.pending_blobs, state.blobs, state.temp]).toEqual([[], [], [], []])
    })

    it('deletes each blob once when several server processes collect at the same time', async () => {
      const ids = await uploadChunks(alice, Array.from({ length: 30 }, (_, i) => `c${i}`), 200)
      server.clock.now += 25 * HOUR
      const { meta, blobs } = await server.storage.open() // a second server process on the same stores
      const log = createLogger('silent')
      const clock = () => server.clock.now
      const reports = await Promise.all([
        server.collectGarbage(),
        collectGarbage({ config: server.config, meta, blobs, log, clock }),
        collectGarbage({ config: server.config, meta, blobs, log, clock }),
      ])
      await meta.close()
      await blobs.close()
      expect(reports.reduce((sum, r) => sum + r.chunksReleased, 0)).toBe(30)
      expect(reports.reduce((sum, r) => sum + r.blobsDeleted, 0)).toBe(30)
      expect(reports.every((r) => r.failures === 0)).toBe(true)
      expect(await missing(ids)).toEqual(ids)
      const state = await backupState(server)
      expect([state.rows.chunks, state.rows.pending_blobs, state.blobs]).toEqual([[], [], []])
    })
  })
})
