import pRetry, { AbortError } from 'p-retry'
import { AppError, type ErrorCode } from '../errors'

/** Statuses worth another try: the server or a proxy was busy or restarting. */
const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504])

/**
 * One GET of the backup storage API (docs/API.md), retried with jittered exponential backoff while
 * the network or the server fails for a moment. Failures become AppErrors here, once: no network →
 * `offline`, 401 → `signed-out`, 404 → `notFound`, anything else → `server-rejected`.
 */
export function backupStorageRequest(path: string, notFound: ErrorCode, retries = 4): Promise<Response> {
  return pRetry(
    async () => {
      let response: Response
      try {
        response = await fetch(path, { credentials: 'same-origin', cache: 'no-store' })
      } catch (cause) {
        throw new AppError('offline', `Cannot reach the server (GET ${path})`, { cause })
      }
      if (response.ok) return response
      const serverCode = ((await response.json().catch(() => null)) as { error?: { code?: string } } | null)?.error?.code ?? `http-${response.status}`
      const details = { status: response.status, serverCode }
      if (RETRYABLE.has(response.status)) throw new AppError('server-rejected', `GET ${path} answered ${response.status}`, { details })
      const code: ErrorCode = response.status === 401 ? 'signed-out' : response.status === 404 ? notFound : 'server-rejected'
      throw new AbortError(new AppError(code, `GET ${path} answered ${response.status} ${serverCode}`, { details }))
    },
    { retries, minTimeout: 250, factor: 3, randomize: true },
  )
}
