import { describe, expect, it } from 'vitest'
import { formatListTime } from '../../../src/app/formatTime'

describe('formatListTime', () => {
  const now = new Date(2026, 10, 24, 15, 30).getTime() // a Tuesday
  it('shows the time of day for today, then Yesterday, the weekday, the date, and the year for other years', () => {
    expect(formatListTime(new Date(2026, 10, 24, 9, 5).getTime(), now, 'en-GB')).toBe('9:05')
    expect(formatListTime(new Date(2026, 10, 23, 23, 59).getTime(), now, 'en-GB')).toBe('Yesterday')
    expect(formatListTime(new Date(2026, 10, 19, 12).getTime(), now, 'en-GB')).toBe('Thursday')
    expect(formatListTime(new Date(2026, 10, 18, 12).getTime(), now, 'en-GB')).toBe('Wednesday')
    expect(formatListTime(new Date(2026, 10, 17, 23).getTime(), now, 'en-GB')).toBe('17 Nov')
    expect(formatListTime(new Date(2025, 0, 2, 12).getTime(), now, 'en-GB')).toBe('2 Jan 2025')
  })
})
