import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ChunkIdHex, SnapshotId } from '../../../src/db/BackupDB'
import { AppError, isAppError } from '../../../src/errors'
import { fetchTransport, isRetryable } from '../../../src/upload/transport'

const id = 'ab'.repeat(32) as ChunkIdHex
const snapshot = 'cd'.repeat(16) as SnapshotId
const requests: { url: string; init: RequestInit }[] = []

function answer(status: number, body?: unknown, headers: Record<string, string> = {}) {
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    requests.push({ url, init })
    return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
  })
}

async function failureOf(call: Promise<unknown>): Promise<AppError> {
  const e = await call.then(() => null, (error: unknown) => error)
  if (!isAppError(e)) throw new Error(`expected an AppError, got ${String(e)}`)
  return e
}

afterEach(() => {
  vi.unstubAllGlobals()
  requests.length = 0
})

describe('fetchTransport', () => {
  it('PUTs the bytes with their SHA-256 as Content-Digest (RFC 9530) and reads 201 / 200', async () => {
    const object = new Uint8Array([1, 2, 3, 4, 5])
    const sha256 = createHash('sha256').update(object).digest()
    answer(201, { stored: true })
    expect(await fetchTransport().putChunk(id, new Blob([object]), sha256)).toBe('created')
    const { url, init } = requests[0]!
    expect([url, init.method, init.credentials]).toEqual([`/api/chunks/${id}`, 'PUT', 'same-origin'])
    expect((init.headers as Record<string, string>)['content-digest']).toBe(`sha-256=:${sha256.toString('base64')}:`)
    expect(new Uint8Array(await (init.body as Blob).arrayBuffer())).toEqual(object)
    answer(200, { stored: false })
    expect(await fetchTransport().putChunk(id, new Blob([object]), sha256)).toBe('exists')
  })

  it('asks which ids are missing and accepts only ids it asked about', async () => {
    answer(200, { missing: [id] })
    expect(await fetchTransport().missing([id, 'ef'.repeat(32) as ChunkIdHex])).toEqual([id])
    expect(JSON.parse(requests[0]!.init.body as string)).toEqual({ ids: [id, 'ef'.repeat(32)] })
    answer(200, { missing: ['00'.repeat(32)] })
    expect((await failureOf(fetchTransport().missing([id]))).code).toBe('server-rejected')
  })

  it('commits with the manifest in base64url; 409 missing-chunks comes back as data, snapshot-exists as a refusal', async () => {
    const request = { id: snapshot, manifest: new Uint8Array([0xfb, 0xff]), chunkIds: [id], sizeBytes: 77 }
    answer(201, { id: snapshot, createdAt: '2026-11-24T20:55:14.805Z' })
    expect(await fetchTransport().commit(request)).toEqual({ ok: true, createdAt: Date.parse('2026-11-24T20:55:14.805Z') })
    expect(JSON.parse(requests[0]!.init.body as string)).toEqual({ id: snapshot, manifest: '-_8', chunkIds: [id], sizeBytes: 77 })
    answer(409, { error: { code: 'missing-chunks', message: '1 missing', missing: [id] } })
    expect(await fetchTransport().commit(request)).toEqual({ ok: false, missing: [id] })
    answer(409, { error: { code: 'snapshot-exists', message: 'taken' } })
    const conflict = await failureOf(fetchTransport().commit(request))
    expect([conflict.code, isRetryable(conflict)]).toEqual(['server-rejected', false])
  })

  const table: [number, string, Record<string, string>, string, boolean][] = [
    [401, 'signed-out', {}, 'signed-out', false],
    [403, 'quota-exceeded', {}, 'server-quota-exceeded', false],
    [403, 'bad-origin', {}, 'server-rejected', false],
    [400, 'digest-mismatch', {}, 'server-rejected', false],
    [413, 'chunk-too-large', {}, 'server-rejected', false],
    [408, 'timeout', {}, 'server-rejected', true],
    [429, 'rate-limited', { 'retry-after': '7' }, 'server-rejected', true],
    [500, 'internal', {}, 'server-rejected', true],
    [503, 'unavailable', { 'retry-after': '1' }, 'server-rejected', true],
  ]
  it.each(table)('a PUT answered %i %s → %s, retryable %s', async (status, serverCode, headers, code, retryable) => {
    answer(status, { error: { code: serverCode, message: 'no', ...(serverCode === 'quota-exceeded' ? { usedBytes: 10, quotaBytes: 12 } : {}) } }, headers)
    const e = await failureOf(fetchTransport().putChunk(id, new Blob([new Uint8Array([1])]), new Uint8Array(32)))
    expect([e.code, isRetryable(e), e.details.status, e.details.serverCode]).toEqual([code, retryable, status, serverCode])
    if (headers['retry-after']) expect(e.details.retryAfterMs).toBe(Number(headers['retry-after']) * 1000)
    if (serverCode === 'quota-exceeded') expect([e.details.usedBytes, e.details.quotaBytes]).toEqual([10, 12])
  })

  it('a network failure is offline and retryable; an abort rejects with the signal’s reason', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch')
    })
    const offline = await failureOf(fetchTransport().missing([id]))
    expect([offline.code, isRetryable(offline)]).toEqual(['offline', true])
    const controller = new AbortController()
    controller.abort(new DOMException('paused', 'AbortError'))
    const aborted = await fetchTransport().putChunk(id, new Blob([new Uint8Array([1])]), new Uint8Array(32), controller.signal).catch((e: unknown) => e)
    expect((aborted as DOMException).name).toBe('AbortError')
  })
})
