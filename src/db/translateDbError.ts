import { AppError } from '../errors'

/**
 * Translates storage failures into the errors the UI branches on, once, at the edge of the database
 * layer. A full disk surfaces from IndexedDB as a `QuotaExceededError` DOMException, which Dexie may wrap
 * (`AbortError` with `inner`, `BulkError` with `failures`), so the whole chain is searched by name (a
 * name survives structured cloning; `instanceof` does not).
 */
export function translateDbError(e: unknown): unknown {
  if (isQuotaExceeded(e, 0)) {
    return new AppError('quota-exceeded', 'The device has no storage space left for this change', { cause: e })
  }
  return e
}

/** Runs a database operation and rethrows its failure translated by `translateDbError`. */
export async function withDbErrors<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation()
  } catch (e) {
    throw translateDbError(e)
  }
}

function isQuotaExceeded(e: unknown, depth: number): boolean {
  if (typeof e !== 'object' || e === null || depth > 5) return false
  const { name, inner, cause, failures } = e as { name?: unknown; inner?: unknown; cause?: unknown; failures?: unknown }
  if (name === 'QuotaExceededError') return true
  if (isQuotaExceeded(inner, depth + 1) || isQuotaExceeded(cause, depth + 1)) return true
  return Array.isArray(failures) && failures.some((f) => isQuotaExceeded(f, depth + 1))
}
