import { describe, expect, it } from 'vitest'
import { DAILY_MS, nextAutomaticBackup, QUIET_MS, type ScheduleFacts } from '../../../src/app/backup/backupSchedule'

const base: ScheduleFacts = { automatic: 'daily', since: 1_000, lastRunAt: null, lastChangeAt: null, online: true, now: 5_000 }

describe('automatic backups', () => {
  it('off, or offline: none is due', () => {
    expect(nextAutomaticBackup({ ...base, automatic: 'off', lastChangeAt: 4_000 })).toBeNull()
    expect(nextAutomaticBackup({ ...base, online: false })).toBeNull()
    expect(nextAutomaticBackup({ ...base, automatic: 'after-changes', lastChangeAt: 4_000, online: false })).toBeNull()
  })

  it('daily: a day after the last run, or after the schedule was set up when there was none', () => {
    expect(nextAutomaticBackup(base)).toBe(1_000 + DAILY_MS)
    expect(nextAutomaticBackup({ ...base, lastRunAt: 3_000 })).toBe(3_000 + DAILY_MS)
  })

  it('soon after changes: once the chats were quiet for a while after a change the last run did not see', () => {
    expect(nextAutomaticBackup({ ...base, automatic: 'after-changes' })).toBeNull()
    expect(nextAutomaticBackup({ ...base, automatic: 'after-changes', lastRunAt: 3_000, lastChangeAt: 2_000 })).toBeNull()
    expect(nextAutomaticBackup({ ...base, automatic: 'after-changes', lastRunAt: 3_000, lastChangeAt: 4_000 })).toBe(4_000 + QUIET_MS)
    expect(nextAutomaticBackup({ ...base, automatic: 'after-changes', lastChangeAt: 4_000 })).toBe(4_000 + QUIET_MS)
  })
})
