import { serializeDictionary } from 'structured-headers'
import { toBase64url } from '../account/base64url'
import type { ChunkIdHex, SnapshotId } from '../db/BackupDB'
import { AppError, isAppError, type ErrorCode } from '../errors'
import { isRetryableStatus, retryAfterMs } from './retryPolicy'

/** A snapshot as `POST /api/snapshots` takes it (docs/API.md). */
export interface CommitRequest {
  id: SnapshotId
  manifest: Uint8Array
  chunkIds: readonly ChunkIdHex[]
  sizeBytes: number
}

/** The server's answer to a commit: recorded (now or by an earlier try), or which chunks it lacks. */
export type CommitAnswer = { ok: true; createdAt: number } | { ok: false; missing: ChunkIdHex[] }

/**
 * The backup storage API as the upload queue uses it (a port, as tus's HttpStack: tests script it).
 * Failures are AppErrors with `details.retryable` (1 or 0), `details.status` and, when the server
 * sent one, `details.retryAfterMs`; an aborted call rejects with the signal's reason.
 */
export interface UploadTransport {
  /** The ids of `ids` the account does not hold yet, in their order. At most MISSING_BATCH ids. */
  missing(ids: readonly ChunkIdHex[], signal?: AbortSignal): Promise<ChunkIdHex[]>
  /**
   * Uploads one sealed chunk object whose SHA-256 is `sha256`: `created`, or `exists` when the
   * account already had it. A body that does not match fails with `details.serverCode` `digest-mismatch`.
   */
  putChunk(id: ChunkIdHex, body: Blob, sha256: Uint8Array, signal?: AbortSignal): Promise<'created' | 'exists'>
  commit(snapshot: CommitRequest, signal?: AbortSignal): Promise<CommitAnswer>
}

/** Most ids one missing-check may carry (docs/API.md). */
export const MISSING_BATCH = 1000

/** Server error codes that mean something the queue branches on, by the code the app knows them as. */
const SERVER_CODES: Partial<Record<string, ErrorCode>> = {
  'signed-out': 'signed-out',
  'quota-exceeded': 'server-quota-exceeded',
}

/** Whether a failure of the transport can pass by itself (offline, a busy or restarting server). */
export function isRetryable(e: unknown): boolean {
  return isAppError(e) && (e.code === 'offline' || e.details.retryable === 1)
}

/** The transport over `fetch`, relative to the page's or worker's origin (same-origin cookie and Origin header). */
export function fetchTransport(base = ''): UploadTransport {
  async function send(method: string, path: string, init: RequestInit, signal?: AbortSignal): Promise<Response> {
    let response: Response
    try {
      response = await fetch(base + path, { ...init, method, credentials: 'same-origin', cache: 'no-store', signal })
    } catch (cause) {
      if (signal?.aborted) throw signal.reason
      throw new AppError('offline', `Cannot reach the server (${method} ${path})`, { cause, details: { retryable: 1 } })
    }
    if (response.ok || (response.status === 409 && path === '/api/snapshots')) return response
    throw await failure(method, path, response)
  }

  return {
    async missing(ids, signal) {
      if (ids.length === 0 || ids.length > MISSING_BATCH) throw new Error('transport: internal error: missing-check size')
      const response = await send('POST', '/api/chunks/missing', json({ ids }), signal)
      const body = (await readJson(response, 'POST /api/chunks/missing')) as { missing?: unknown }
      if (!Array.isArray(body.missing) || body.missing.some((id) => typeof id !== 'string' || !ids.includes(id as ChunkIdHex))) {
        throw new AppError('server-rejected', 'POST /api/chunks/missing answered with ids that were not asked for', { details: { retryable: 0 } })
      }
      return body.missing as ChunkIdHex[]
    },

    async putChunk(id, body, sha256, signal) {
      const response = await send('PUT', `/api/chunks/${id}`, {
        headers: { 'content-type': 'application/octet-stream', 'content-digest': serializeDictionary({ 'sha-256': new Uint8Array(sha256).buffer }) },
        // A Blob (the staged file itself): Chromium sends Blob bodies several times faster than
        // the same bytes as an ArrayBuffer view (measured, docs/BENCHMARKS.md).
        body,
      }, signal)
      // The answer is tiny; reading it lets the connection be reused.
      await response.arrayBuffer().catch(() => undefined)
      return response.status === 201 ? 'created' : 'exists'
    },

    async commit(snapshot, signal) {
      const body = { id: snapshot.id, manifest: toBase64url(snapshot.manifest), chunkIds: snapshot.chunkIds, sizeBytes: snapshot.sizeBytes }
      const response = await send('POST', '/api/snapshots', json(body), signal)
      const answer = (await readJson(response, 'POST /api/snapshots')) as { createdAt?: unknown; error?: { code?: unknown; missing?: unknown } }
      if (response.status === 409) {
        const error = answer.error
        if (error?.code === 'missing-chunks' && Array.isArray(error.missing)) return { ok: false, missing: error.missing as ChunkIdHex[] }
        throw new AppError('server-rejected', `POST /api/snapshots answered 409 ${String(error?.code)}`, { details: { status: 409, retryable: 0 } })
      }
      const createdAt = typeof answer.createdAt === 'string' ? Date.parse(answer.createdAt) : Number.NaN
      return { ok: true, createdAt: Number.isNaN(createdAt) ? Date.now() : createdAt }
    },
  }
}

function json(body: unknown): RequestInit {
  return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
}

async function readJson(response: Response, what: string): Promise<unknown> {
  try {
    return await response.json()
  } catch (cause) {
    // The body broke off (a dropped connection) or is not JSON: worth another try.
    throw new AppError('server-rejected', `${what} answered ${response.status} without a readable body`, { cause, details: { status: response.status, retryable: 1 } })
  }
}

/** HTTP status and the server's `{ error: { code } }` → an AppError, once (tus's retry rule, docs/API.md). */
async function failure(method: string, path: string, response: Response): Promise<AppError> {
  const error = ((await response.json().catch(() => null)) as { error?: Record<string, unknown> } | null)?.error
  const serverCode = typeof error?.code === 'string' ? error.code : `http-${response.status}`
  const details: Record<string, number | string> = { status: response.status, serverCode, retryable: isRetryableStatus(response.status) ? 1 : 0 }
  const retryAfter = retryAfterMs(response.headers.get('retry-after'), Date.now())
  if (retryAfter !== null) details.retryAfterMs = retryAfter
  for (const field of ['usedBytes', 'quotaBytes'] as const) if (typeof error?.[field] === 'number') details[field] = error[field]
  const code = SERVER_CODES[serverCode] ?? (response.status === 401 ? 'signed-out' : 'server-rejected')
  return new AppError(code, `${method} ${path} answered ${response.status} ${serverCode}`, { details })
}
