import { isAppError, type ErrorCode } from '../errors'

/** What the app tells a person for each error it knows: what happened, and what to do next. */
export const errorCopy: Record<ErrorCode, string> = {
  'passkey-cancelled': 'The passkey request was cancelled. Try again when you are ready.',
  'prf-unsupported':
    'This passkey can sign you in but cannot unlock backups (its provider does not support the PRF extension). Use your recovery key, or add a passkey from another provider.',
  'passkey-exists': 'This device already has a passkey for Keepsake. Sign in with it instead.',
  'passkey-unavailable': 'No passkey is available on this device or browser. Try another device, or use your recovery key.',
  'passkey-not-enrolled': 'That passkey is not registered with your Keepsake account. Choose another passkey or use your recovery key.',
  'envelope-corrupt': 'The stored key for this passkey is damaged and cannot unlock your backups. Use another passkey or your recovery key.',
  'recovery-key-malformed': 'That recovery key is not valid. Check each group of letters and digits against what you wrote down.',
  'signed-out': 'You are signed out. Sign in with your passkey to continue.',
  'last-credential': 'This is your only passkey, so it cannot be removed. Add another passkey first.',
  'last-unlock-method': 'This is the last way to unlock your backups, so it cannot be removed. Add another passkey or a recovery key first.',
  'header-invalid': 'This backup is not in a format Keepsake understands. It may be damaged or not a Keepsake backup.',
  'unknown-version': 'This backup was made by a newer version of Keepsake. Update the app and try again.',
  'wrong-key': 'This backup cannot be unlocked with that key. Check that you are using the right passkey or recovery key.',
  'chunk-corrupt': 'Part of the backup is damaged, so it was not restored. Nothing on this device was changed.',
  truncated: 'The backup is incomplete, so it was not restored. Nothing on this device was changed.',
  'manifest-corrupt': 'The list of what this backup holds is damaged, so it was not restored. Nothing on this device was changed.',
  'snapshot-mismatch': 'The server sent a different backup than the one asked for, so it was not restored. Nothing on this device was changed.',
  'chunk-missing': 'Part of the backup is missing on the server, so it could not be restored. Try an older backup.',
  'snapshot-missing': 'That backup is no longer on the server. Choose another backup.',
  'quota-exceeded':
    'Your device is out of storage space, so this was not saved. Nothing was lost. Free up space (for example by deleting large files or old chats) and try again.',
  'server-quota-exceeded':
    'Your backup storage on the server is full, so the backup could not be uploaded. Nothing on this device was lost. Ask the server’s operator for more space, then choose “Back up now”.',
  interrupted: 'The backup stopped before it finished (the app was closed or reloaded). It continues by itself; nothing was lost.',
  offline: 'You are offline. Keepsake will continue when the connection is back.',
  'server-rejected': 'The server refused the request. Try again later.',
  internal: 'Something went wrong inside Keepsake. Try again; if it keeps happening, reload the app.',
}

/** The copy for any thrown value: AppErrors by code, anything else as an internal error. */
export function describeError(e: unknown): string {
  return isAppError(e) ? errorCopy[e.code] : errorCopy.internal
}
