import { createHash } from 'node:crypto'
import { request } from 'node:http'
import { expect } from 'vitest'
import type { ApiAnswer, ApiClient } from './ApiClient'
import type { TestServer } from './startTestServer'

/** A chunk id as the format makes them: 32 bytes of keyed hash, in lower-case hex. */
export function chunkIdOf(seed: string): string {
  return createHash('sha256').update(`chunk ${seed}`).digest('hex')
}

/** A snapshot id: 16 bytes in lower-case hex. */
export function snapshotIdOf(seed: string): string {
  return createHash('sha256').update(`snapshot ${seed}`).digest('hex').slice(0, 32)
}

/** `n` bytes that depend on `seed`, like a sealed chunk (incompressible enough, deterministic). */
export function chunkBytes(n: number, seed: string): Uint8Array {
  const out = new Uint8Array(n)
  let block = createHash('sha256').update(seed).digest()
  for (let i = 0; i < n; i += 32) {
    out.set(block.subarray(0, Math.min(32, n - i)), i)
    block = createHash('sha256').update(block).digest()
  }
  return out
}

export function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest()
}

/** RFC 9530: `sha-256=:<base64>:`. */
export function contentDigestOf(bytes: Uint8Array): string {
  return `sha-256=:${sha256(bytes).toString('base64')}:`
}

/** PUT /api/chunks/:id with the bytes, their digest and `application/octet-stream` (each overridable). */
export function putChunk(client: ApiClient, id: string, bytes: Uint8Array, headers: Record<string, string> = {}): Promise<ApiAnswer> {
  return client.put(`/api/chunks/${id}`, undefined, {
    raw: bytes,
    headers: { 'content-type': 'application/octet-stream', 'content-digest': contentDigestOf(bytes), ...headers },
  })
}

/** GET /api/chunks/:id as bytes. */
export async function getChunk(client: ApiClient, id: string): Promise<{ status: number; headers: Headers; bytes: Uint8Array }> {
  const response = await fetch(`${client.baseUrl}/api/chunks/${id}`, { headers: client.cookie ? { cookie: `ks_session=${client.cookie}` } : {} })
  return { status: response.status, headers: response.headers, bytes: new Uint8Array(await response.arrayBuffer()) }
}

export interface SnapshotInput {
  id: string
  manifest: Uint8Array
  chunkIds: string[]
  sizeBytes: number
}

export function commitSnapshot(client: ApiClient, s: SnapshotInput): Promise<ApiAnswer> {
  return client.post('/api/snapshots', { id: s.id, manifest: Buffer.from(s.manifest).toString('base64url'), chunkIds: s.chunkIds, sizeBytes: s.sizeBytes })
}

/** Uploads each chunk (expecting 201) and returns their ids. */
export async function uploadChunks(client: ApiClient, seeds: string[], size = 2000): Promise<string[]> {
  const ids: string[] = []
  for (const seed of seeds) {
    const id = chunkIdOf(seed)
    const answer = await putChunk(client, id, chunkBytes(size, seed))
    expect(answer.status, `PUT ${seed}: ${JSON.stringify(answer.body)}`).toBe(201)
    ids.push(id)
  }
  return ids
}

/** The blobs of chunks (`chunks/<account>/<id>-<upload>`), in byte order. */
export function chunkFiles(server: TestServer): Promise<string[]> {
  return server.storage.blobKeys('chunks/')
}

/**
 * Everything backup storage holds: the MetaStore's chunk, snapshot and pending-blob rows (read over
 * a connection of its own), every blob and anything else a write may leave in the blob store.
 * A refusal must leave it exactly as it was.
 */
export async function backupState(server: TestServer) {
  const rows = await server.storage.rows(['chunks', 'snapshots', 'snapshot_chunks', 'pending_blobs'])
  return { rows, blobs: await server.storage.blobKeys(''), temp: await server.storage.leftovers() }
}

export interface RawAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

/**
 * A request through node:http, which sends exactly the headers given: for bodies fetch cannot
 * send (chunked without end, a Content-Length it does not keep). `write` gets the request to feed.
 */
export function rawRequest(
  server: TestServer,
  method: string,
  path: string,
  headers: Record<string, string | number>,
  write: (req: ReturnType<typeof request>) => void,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(server.url + path, { method, headers }, (response) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (part: string) => (text += part))
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, text }))
    })
    req.on('error', reject)
    write(req)
  })
}

/** Waits for the server's request log line of `method path`: the request has been fully handled. */
export async function handled(server: TestServer, method: string, path: string, timeoutMs = 5000): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const line = server.logLines.find((l) => l.msg === 'request' && l.method === method && l.path === path)
    if (line) return line
    if (Date.now() > until) throw new Error(`no log line for ${method} ${path}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Headers a signed-in browser sends with a chunk upload. */
export function uploadHeaders(server: TestServer, client: ApiClient, bytes: Uint8Array): Record<string, string> {
  return {
    origin: server.origin,
    cookie: `ks_session=${client.cookie}`,
    'content-type': 'application/octet-stream',
    'content-digest': contentDigestOf(bytes),
  }
}
