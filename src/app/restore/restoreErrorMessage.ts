import type { ErrorCode } from '../../errors'
import { errorCopy } from '../errorCopy'

/** Failures that mean the backup on the server is damaged (FORMAT.md §7): another snapshot may still be whole. */
const DAMAGE: Partial<Record<ErrorCode, string>> = {
  'chunk-corrupt': 'failed its integrity check',
  truncated: 'is cut short',
  'chunk-missing': 'is missing',
  'manifest-corrupt': 'does not match its list of contents',
  'snapshot-mismatch': 'was swapped for another backup',
  'header-invalid': 'is not a Keepsake backup part',
}

export function isDamage(code: ErrorCode | null): boolean {
  return code !== null && code in DAMAGE
}

/** What the Restore section says about a failed or paused restore: what happened, and what to do next. */
export function restoreErrorMessage(code: ErrorCode, part: string | null | undefined): string {
  const damage = DAMAGE[code]
  if (damage) {
    const what = part ? `${part} ${damage}` : `part of it ${damage}`
    return `The backup on the server is damaged: ${what}. Nothing damaged was restored, and what is not here yet is not shown as complete. Try an older backup.`
  }
  switch (code) {
    case 'wrong-key':
      return 'This backup was made with another key than your account’s, so it cannot be restored. Try another backup.'
    case 'offline':
      return 'Paused — offline. The restore continues when the connection is back.'
    case 'signed-out':
      return 'Paused: you are signed out. Sign in with your passkey or unlock with your recovery key, then resume.'
    case 'server-rejected':
      return 'Paused: the server did not answer. The restore continues when it does, or choose Resume.'
    case 'interrupted':
      return 'Paused: this device’s storage stopped answering for a moment. The restore continues by itself; nothing restored so far is lost.'
    case 'quota-exceeded':
      return 'Paused: this device is out of storage space. Free up space, then resume: nothing restored so far is lost.'
    default:
      return errorCopy[code]
  }
}
