import type { AutomaticBackup } from '../../db/BackupDB'

/** "Daily": a backup when the last one started this long ago (ms). */
export const DAILY_MS = 24 * 60 * 60_000
/** "Soon after changes": a backup once the chats have been quiet this long after a change (ms). */
export const QUIET_MS = 30_000

export interface ScheduleFacts {
  automatic: AutomaticBackup
  /** When automatic backups were set up on this device. */
  since: number
  /** When the last backup run started (any outcome), or null. */
  lastRunAt: number | null
  /** When the chats last changed, or null. */
  lastChangeAt: number | null
  online: boolean
  now: number
}

/**
 * When the next automatic backup is due (ms since epoch), or null when none is: daily counts from the
 * last run (or from when the schedule was set up); after changes waits until the chats have been
 * quiet for QUIET_MS since a change the last run did not see. Nothing is due while offline: the
 * upload would only wait, and a backup of the newest chats is better made when it can go up.
 */
export function nextAutomaticBackup(facts: ScheduleFacts): number | null {
  if (facts.automatic === 'off' || !facts.online) return null
  if (facts.automatic === 'daily') return (facts.lastRunAt ?? facts.since) + DAILY_MS
  const { lastChangeAt, lastRunAt } = facts
  if (lastChangeAt === null || (lastRunAt !== null && lastChangeAt < lastRunAt)) return null
  return lastChangeAt + QUIET_MS
}
