import { describe, expect, it } from 'vitest'
import { BASE_DELAY_MS, backoffDelay, isRetryableStatus, MAX_DELAY_MS, MAX_RETRY_AFTER_MS, nextAttemptAt, retryAfterMs } from '../../../src/upload/retryPolicy'

describe('retry rule', () => {
  const table: [number, boolean][] = [
    [400, false], [401, false], [403, false], [404, false], [405, false], [408, true], [409, true], [410, false], [413, false],
    [415, false], [422, false], [423, true], [425, false], [429, true], [500, true], [501, true], [502, true], [503, true], [504, true], [599, true],
  ]
  it.each(table)('status %i → retryable %s', (status, retryable) => {
    expect(isRetryableStatus(status)).toBe(retryable)
  })
})

describe('backoff with full jitter', () => {
  it('waits between 0 and BASE·2^(n−1), doubling per attempt', () => {
    for (const attempt of [1, 2, 3, 4, 5]) {
      const ceiling = BASE_DELAY_MS * 2 ** (attempt - 1)
      expect(backoffDelay(attempt, () => 0)).toBe(0)
      expect(backoffDelay(attempt, () => 0.5)).toBe(ceiling / 2)
      expect(backoffDelay(attempt, () => 0.999999)).toBeLessThan(ceiling)
      expect(backoffDelay(attempt, () => 0.999999)).toBeGreaterThanOrEqual(ceiling - 1)
    }
  })

  it('never waits longer than MAX_DELAY_MS, however many attempts failed', () => {
    for (const attempt of [9, 10, 20, 60, 1000]) expect(backoffDelay(attempt, () => 0.999999)).toBeLessThan(MAX_DELAY_MS)
    expect(backoffDelay(1000, () => 0.5)).toBe(MAX_DELAY_MS / 2)
  })

  it('spreads retries of the same attempt (jitter), staying in bounds', () => {
    const delays = Array.from({ length: 200 }, () => backoffDelay(4))
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...delays)).toBeLessThan(8 * BASE_DELAY_MS)
    expect(new Set(delays).size).toBeGreaterThan(50)
  })

  it('refuses an attempt number below 1 (a bug in the caller)', () => {
    expect(() => backoffDelay(0)).toThrow(/internal error/)
    expect(() => backoffDelay(1.5)).toThrow(/internal error/)
  })
})

describe('Retry-After', () => {
  const now = Date.parse('2026-11-24T20:00:00Z')
  it('reads delay-seconds and HTTP-dates', () => {
    expect(retryAfterMs('30', now)).toBe(30_000)
    expect(retryAfterMs(' 0 ', now)).toBe(0)
    expect(retryAfterMs('Tue, 24 Nov 2026 20:00:45 GMT', now)).toBe(45_000)
  })
  it('is null when absent or unreadable, 0 for a date in the past, capped when absurd', () => {
    expect(retryAfterMs(null, now)).toBeNull()
    expect(retryAfterMs('soon', now)).toBeNull()
    expect(retryAfterMs('-5', now)).toBeNull()
    expect(retryAfterMs('Tue, 24 Nov 2026 19:00:00 GMT', now)).toBe(0)
    expect(retryAfterMs('999999999', now)).toBe(MAX_RETRY_AFTER_MS)
  })
  it('is a floor under the backoff: the next attempt is never due before it', () => {
    expect(nextAttemptAt(1, now, 30_000, () => 0.5)).toBe(now + 30_000)
    expect(nextAttemptAt(8, now, 1_000, () => 0.5)).toBe(now + (BASE_DELAY_MS * 2 ** 7) / 2)
    expect(nextAttemptAt(3, now, null, () => 0)).toBe(now)
  })
})
