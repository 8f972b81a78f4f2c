/**
 * When a failed upload is tried again (DESIGN §5). The schedule is data — an attempt count and a
 * due time kept in Dexie per chunk and per commit — so it survives reloads and is shared by every
 * context that drains the outbox; these functions only compute it. (p-retry and its kin run the
 * retry loop themselves and keep the schedule in memory, which a reload would lose.)
 */

/**
 * 4xx answers that can pass by themselves: timeout, conflict (a concurrent request), locked, too
 * many requests. Any other 4xx would fail the same way again (tus-js-client's rule).
 */
const RETRYABLE_4XX = new Set([408, 409, 423, 429])

/** First retry waits up to this long (ms); each attempt doubles it. */
export const BASE_DELAY_MS = 1_000
/** Longest wait between two attempts (ms), however many failed. */
export const MAX_DELAY_MS = 5 * 60_000
/** A `Retry-After` longer than this is capped: a misconfigured proxy must not stall backups for days. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000

/** Whether an HTTP status is worth another try: the retryable 4xx and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_4XX.has(status) || (status >= 500 && status <= 599)
}

/**
 * Exponential backoff with full jitter ("Exponential Backoff and Jitter", AWS Architecture Blog):
 * a uniformly random wait in [0, min(MAX, BASE·2^(attempt−1))). `attempt` counts failures so far (≥ 1).
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new Error('retryPolicy: internal error: attempt must be ≥ 1')
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(attempt - 1, 30))
  return Math.floor(random() * ceiling)
}

/**
 * A `Retry-After` header (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) as milliseconds from
 * `now`; null when absent or unreadable. Capped at MAX_RETRY_AFTER_MS.
 */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (header === null) return null
  const value = header.trim()
  let ms: number
  if (/^\d+$/.test(value)) ms = Number(value) * 1000
  else {
    // An HTTP-date names its day and month (IMF-fixdate and the obsolete forms); bare numbers that
    // are not delay-seconds ("-5", "1.5") are refused rather than read as a year.
    const at = /[a-z]{3}/i.test(value) ? Date.parse(value) : Number.NaN
    if (Number.isNaN(at)) return null
    ms = at - now
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms))
}

/** When attempt `attempt + 1` is due: the backoff, but never before the server's `Retry-After`. */
export function nextAttemptAt(attempt: number, now: number, retryAfter: number | null, random: () => number = Math.random): number {
  return now + Math.max(backoffDelay(attempt, random), retryAfter ?? 0)
}
