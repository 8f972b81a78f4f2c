import { describe, expect, it } from 'vitest'
import { formatBytes } from '../../../src/app/formatBytes'

describe('formatBytes', () => {
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [1023, '1023 bytes'],
    [1024, '1 KB'],
    [1536, '1.5 KB'],
    [300_000, '293 KB'],
    [10 * 1024 * 1024 - 1, '10 MB'],
    [4 * 1024 ** 3, '4 GB'],
    [12.3 * 1024 ** 4, '12 TB'],
    [-1, '—'],
    [Number.NaN, '—'],
  ])('%s → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })
})
