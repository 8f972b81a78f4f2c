import { isAppError } from '../../errors'
import type { AccountAction } from '../../state/createAccount'
import { describeError } from '../errorCopy'

/**
 * What the account section says when an action fails: the app-wide copy, made precise where the
 * action tells more (which group of a recovery key has the typo, which key did not fit).
 */
export function accountErrorMessage(action: AccountAction, error: unknown): string {
  if (!isAppError(error)) return describeError(error)
  switch (error.code) {
    case 'recovery-key-malformed':
      return error.details.group === undefined
        ? "This doesn't look like a recovery key: it has 13 groups of 5 letters and digits."
        : `This doesn't look like a recovery key: check group ${error.details.group}.`
    case 'wrong-key':
      return action === 'recovery-unlock'
        ? "This key doesn't open this account. Check that it is the newest recovery key you saved for it."
        : "This passkey's key doesn't open this account's backups. Use another passkey or your recovery key."
    case 'passkey-exists':
      return 'This authenticator already holds a passkey for your account. Use another device or password manager to add one.'
    case 'offline':
      return "You're offline. Connect to the internet and try again: this step needs the server."
    case 'server-rejected':
      return error.details.status === 429
        ? 'Too many attempts. Wait a minute and try again.'
        : `The server refused the request (${error.message}). Try again later.`
    default:
      return describeError(error)
  }
}
