import { isAppError } from '../errors'
import { accountApi } from './accountApi'
import { forgetAccount } from './keystore'

/**
 * Ends the session on the server, then removes the account and its keys from this device (chats stay).
 * Offline it fails with `offline` and changes nothing: a session left on the server would otherwise
 * stay usable from this browser's cookie.
 */
export async function signOut(): Promise<void> {
  try {
    await accountApi.logout()
  } catch (e) {
    if (!isAppError(e, 'signed-out')) throw e
  }
  await forgetAccount()
}
