import { type Socket, connect } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ApiClient } from './ApiClient'
import {
  backupState,
  chunkBytes,
  chunkFiles,
  chunkIdOf,
  contentDigestOf,
  getChunk,
  handled,
  putChunk,
  rawRequest,
  sha256,
  uploadHeaders,
} from './backupFlows'
import { signUp } from './passkeyFlows'
import { SoftAuthenticator } from './softAuthenticator'
import { backends } from './backends'
import { type TestServer, startTestServer } from './startTestServer'
describe.each(backends)('on $name', (backend) => {
  const MAX = 65_536
  let server: TestServer
  let alice: ApiClient
  let account: string

  async function start(env: Record<string, string> = {}) {
    server = await startTestServer({ MAX_CHUNK_BYTES: String(MAX), ...env }, { backend })
    alice = server.client()
    account = (await signUp(alice, new SoftAuthenticator(server.origin), 'Alice')).accountId
  }
  afterEach(async () => {
    await server.close()
  })

  describe('storing and reading chunks', () => {
    beforeEach(() => start())

    it('stores a chunk once (201), answers a repeat with 200 without rewriting it, and serves it with its digest', async () => {
      const id = chunkIdOf('a')
      const bytes = chunkBytes(40_000, 'a')
      const first = await putChunk(alice, id, bytes)
      expect(first.status).toBe(201)
      expect(first.body).toEqual({ stored: true })
      const [file] = await chunkFiles(server)
      expect(file).toMatch(new RegExp(`^chunks/${account}/${id}-[0-9a-f]{16}$`))
      const before = await server.storage.blobStamp(file!)

      const again = await putChunk(alice, id, bytes)
      expect(again.status).toBe(200)
      expect(again.body).toEqual({ stored: false })
      // Another sealing of the same plaintext (same id, other bytes) does not replace the first either.
      const other = chunkBytes(30_000, 'a, sealed again')
      expect((await putChunk(alice, id, other)).body).toEqual({ stored: false })
      expect(await chunkFiles(server)).toEqual([file])
      expect(await server.storage.blobStamp(file!)).toBe(before)

      const read = await getChunk(alice, id)
      expect(read.status).toBe(200)
      expect(Buffer.from(read.bytes).equals(Buffer.from(bytes))).toBe(true)
      expect(read.headers.get('content-type')).toBe('application/octet-stream')
      expect(read.headers.get('content-length')).toBe('40000')
      expect(read.headers.get('content-digest')).toBe(contentDigestOf(bytes))
      expect(read.headers.get('cache-control')).toBe('no-store')
    })

    it('answers HEAD with the size and digest only', async () => {
      const id = chunkIdOf('h')
      const bytes = chunkBytes(5000, 'h')
      await putChunk(alice, id, bytes)
      const head = await rawRequest(server, 'HEAD', `/api/chunks/${id}`, { cookie: `ks_session=${alice.cookie}` }, (req) => req.end())
      expect([head.status, head.headers['content-length'], head.headers['content-digest'], head.text]).toEqual([200, '5000', contentDigestOf(bytes), ''])
    })

    it('still reads and verifies the body of a chunk it already has', async () => {
      const id = chunkIdOf('b')
      const bytes = chunkBytes(1000, 'b')
      await putChunk(alice, id, bytes)
      const before = await backupState(server)
      const wrong = await putChunk(alice, id, bytes, { 'content-digest': contentDigestOf(chunkBytes(1000, 'x')) })
      expect([wrong.status, wrong.body.error.code]).toEqual([400, 'digest-mismatch'])
      expect(await backupState(server)).toEqual(before)
    })

    it('answers which chunks are missing, in the order asked', async () => {
      const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(chunkIdOf) as [string, string, string, string]
      await putChunk(alice, b, chunkBytes(100, 'b'))
      await putChunk(alice, d, chunkBytes(100, 'd'))
      const answer = await alice.post('/api/chunks/missing', { ids: [d, c, a, b] })
      expect(answer.status).toBe(200)
      expect(answer.body).toEqual({ missing: [c, a] })
      const all = Array.from({ length: 1000 }, (_, i) => chunkIdOf(`n${i}`))
      expect((await alice.post('/api/chunks/missing', { ids: all })).body.missing).toEqual(all)
    })

    it('refuses missing-checks of no ids, too many ids or malformed ids', async () => {
      const ids = Array.from({ length: 1001 }, (_, i) => chunkIdOf(`n${i}`))
      expect((await alice.post('/api/chunks/missing', { ids: [] })).body.error.code).toBe('bad-request')
      expect((await alice.post('/api/chunks/missing', { ids })).body.error.code).toBe('bad-request')
      const bad = await alice.post('/api/chunks/missing', { ids: [chunkIdOf('a'), chunkIdOf('b').toUpperCase()] })
      expect([bad.status, bad.body.error.code, bad.body.error.message]).toEqual([400, 'bad-chunk-id', 'ids[1] must be 64 lower-case hex characters'])
    })

    it('answers 404 for a chunk it does not have', async () => {
      const answer = await alice.get(`/api/chunks/${chunkIdOf('nothing')}`)
      expect([answer.status, answer.body.error.code]).toEqual([404, 'not-found'])
    })

    it('stores both of two identical uploads arriving at once as one object', async () => {
      const id = chunkIdOf('race')
      const bytes = chunkBytes(60_000, 'race')
      const answers = await Promise.all([putChunk(alice, id, bytes), putChunk(alice, id, bytes), putChunk(alice, id, bytes)])
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201])
      const state = await backupState(server)
      expect(state.blobs).toHaveLength(1)
      expect(state.rows.chunks).toHaveLength(1)
      expect(state.rows.pending_blobs).toEqual([])
      expect(state.temp).toEqual([])
      expect(Buffer.from((await getChunk(alice, id)).bytes).equals(Buffer.from(bytes))).toBe(true)
    })
  })

  describe('refused uploads store nothing', () => {
    beforeEach(() => start())

    async function expectRefused(what: string, attempt: () => Promise<{ status: number; code: string }>, status: number, code: string) {
      const before = await backupState(server)
      expect({ what, ...(await attempt()) }).toEqual({ what, status, code })
      expect(await backupState(server)).toEqual(before)
    }
    const api = (answer: { status: number; body: any }) => ({ status: answer.status, code: answer.body.error?.code })

    it('refuses a body whose digest differs, a missing or malformed digest, and a foreign content type', async () => {
      await putChunk(alice, chunkIdOf('kept'), chunkBytes(500, 'kept'))
      const id = chunkIdOf('a')
      const bytes = chunkBytes(5000, 'a')
      const flipped = Uint8Array.from(bytes)
      flipped[4000]! ^= 1
      await expectRefused('one bit flipped', async () => api(await putChunk(alice, id, flipped, { 'content-digest': contentDigestOf(bytes) })), 400, 'digest-mismatch')
      await expectRefused('no digest', async () => api(await putChunk(alice, id, bytes, { 'content-digest': '' })), 400, 'digest-missing')
      for (const digest of [
        `sha-512=:${sha256(bytes).toString('base64')}:`,
        `sha-256=${sha256(bytes).toString('hex')}`,
        `sha-256=:${sha256(bytes).subarray(0, 16).toString('base64')}:`,
        'sha-256=:not base64!:',
      ]) {
        await expectRefused(digest, async () => api(await putChunk(alice, id, bytes, { 'content-digest': digest })), 400, 'digest-missing')
      }
      await expectRefused('text', async () => api(await putChunk(alice, id, bytes, { 'content-type': 'text/plain' })), 415, 'unsupported-media-type')
      // Other algorithms beside sha-256 are allowed.
      const both = `sha-512=:${Buffer.alloc(64).toString('base64')}:, ${contentDigestOf(bytes)}`
      expect((await putChunk(alice, id, bytes, { 'content-digest': both })).status).toBe(201)
    })

    it('refuses ids that are not 64 lower-case hex characters, path tricks included', async () => {
      const bytes = chunkBytes(100, 'a')
      const id = chunkIdOf('a')
      for (const bad of [id.toUpperCase(), id.slice(1), `${id}0`, `${id.slice(1)}g`, `..%2F..%2Fmeta.sqlite`, `..%2F${id.slice(3)}`, `${id.slice(2)}%2F`, `${id.slice(0, 32)}%00${id.slice(33)}`]) {
        await expectRefused(`PUT ${bad}`, async () => api(await putChunk(alice, bad, bytes)), 400, 'bad-chunk-id')
        await expectRefused(`GET ${bad}`, async () => api(await alice.get(`/api/chunks/${bad}`)), 400, 'bad-chunk-id')
      }
      // Dot segments, also encoded, are resolved before routing: they never reach the chunk routes.
      await expectRefused('PUT %2E%2E', async () => api(await putChunk(alice, '%2E%2E', bytes)), 404, 'not-found')
      const dots = await rawRequest(server, 'GET', `/api/chunks/../../meta.sqlite`, { cookie: `ks_session=${alice.cookie}` }, (req) => req.end())
      expect(dots.status).toBe(404)
      expect(dots.text).not.toContain('SQLite')
    })

    it('refuses a chunk over MAX_CHUNK_BYTES from its Content-Length, before reading the body', async () => {
      const id = chunkIdOf('big')
      const before = await backupState(server)
      const answer = await rawRequest(server, 'PUT', `/api/chunks/${id}`, { ...uploadHeaders(server, alice, new Uint8Array()), 'content-length': MAX + 1 }, (req) => req.flushHeaders())
      expect(answer.status).toBe(413)
      expect(JSON.parse(answer.text).error).toMatchObject({ code: 'chunk-too-large', maxBytes: MAX })
      expect(await backupState(server)).toEqual(before)
    })

    it('refuses a chunked body as soon as it passes MAX_CHUNK_BYTES, while it is still arriving', async () => {
      const id = chunkIdOf('big')
      const bytes = chunkBytes(MAX + 1, 'big')
      const before = await backupState(server)
      // The request never ends: only a check made while streaming can answer it.
      const answer = await rawRequest(server, 'PUT', `/api/chunks/${id}`, uploadHeaders(server, alice, bytes), (req) => req.write(bytes))
      expect([answer.status, JSON.parse(answer.text).error.code]).toEqual([413, 'chunk-too-large'])
      expect(await backupState(server)).toEqual(before)
      // Exactly MAX_CHUNK_BYTES is accepted.
      expect((await putChunk(alice, id, bytes.subarray(0, MAX))).status).toBe(201)
    })

    for (const [how, cut] of [
      ['closes the connection (FIN)', (socket: Socket) => socket.end()],
      ['resets the connection (RST)', (socket: Socket) => socket.resetAndDestroy()],
    ] as const) {
      it(`stores nothing when the client declares more bytes than it sends, then ${how}`, async () => {
        const id = chunkIdOf('cut')
        const bytes = chunkBytes(50_000, 'cut')
        const before = await backupState(server)
        const { port } = new URL(server.url)
        const socket = connect(Number(port), '127.0.0.1')
        await new Promise((resolve) => socket.once('connect', resolve))
        socket.on('error', () => {})
        const headers = { host: `127.0.0.1:${port}`, ...uploadHeaders(server, alice, bytes), 'content-length': bytes.length }
        const head = [`PUT /api/chunks/${id} HTTP/1.1`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`), '', ''].join('\r\n')
        socket.write(head)
        socket.write(bytes.subarray(0, 20_000))
        await new Promise((resolve) => setTimeout(resolve, 100))
        cut(socket)
        expect(await handled(server, 'PUT', `/api/chunks/${id}`)).toMatchObject({ status: 400 })
        expect(await backupState(server)).toEqual(before)
        expect((await alice.post('/api/chunks/missing', { ids: [id] })).body.missing).toEqual([id])
      })
    }
  })

  describe('quota', () => {
    beforeEach(() => start({ QUOTA_BYTES: '10000' }))

    it('refuses a chunk that would pass QUOTA_BYTES with the usage, and still takes chunks it already has', async () => {
      const kept = chunkIdOf('kept')
      expect((await putChunk(alice, kept, chunkBytes(6000, 'kept'))).status).toBe(201)
      const before = await backupState(server)

      const over = await putChunk(alice, chunkIdOf('over'), chunkBytes(4001, 'over'))
      expect(over.status).toBe(403)
      expect(over.body.error).toMatchObject({ code: 'quota-exceeded', usedBytes: 6000, quotaBytes: 10000 })
      expect(await backupState(server)).toEqual(before)

      // A chunked body has no length up front: it is refused once it passes the quota.
      const bytes = chunkBytes(4001, 'chunked')
      const chunked = await rawRequest(server, 'PUT', `/api/chunks/${chunkIdOf('chunked')}`, uploadHeaders(server, alice, bytes), (req) => req.end(bytes))
      expect([chunked.status, JSON.parse(chunked.text).error.code]).toEqual([403, 'quota-exceeded'])
      expect(await backupState(server)).toEqual(before)

      expect((await putChunk(alice, kept, chunkBytes(6000, 'kept'))).status).toBe(200)
      expect((await putChunk(alice, chunkIdOf('fits'), chunkBytes(4000, 'fits'))).status).toBe(201)
    })

    it('counts each account on its own', async () => {
      await putChunk(alice, chunkIdOf('a'), chunkBytes(9000, 'a'))
      const bob = server.client()
      await signUp(bob, new SoftAuthenticator(server.origin), 'Bob')
      expect((await putChunk(bob, chunkIdOf('a'), chunkBytes(9000, 'a'))).status).toBe(201)
    })

    it('never lets concurrent uploads pass the quota together', async () => {
      const answers = await Promise.all(['p', 'q', 'r'].map((seed) => putChunk(alice, chunkIdOf(seed), chunkBytes(4000, seed))))
      expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 403])
      const state = await backupState(server)
      expect(state.rows.chunks).toHaveLength(2)
      expect(state.blobs).toHaveLength(2)
      expect(state.rows.pending_blobs).toEqual([])
    })
  })
})
