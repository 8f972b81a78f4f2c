import { AppError } from '../errors'
import type { CreatedPasskey } from '../passkey/createPasskey'
import { getPasskeyAssertion } from '../passkey/getPasskeyAssertion'
import { accountApi } from './accountApi'

/**
 * The PRF output of a passkey just created: from create() when the authenticator gave it, else — when
 * it said `prf.enabled` (security keys often evaluate PRF only on get()) — from a second ceremony
 * limited to that passkey. Null when the passkey has no PRF at all. The assertion is not posted: only
 * its PRF output is wanted, and that never leaves the device.
 */
export async function newPasskeyPrfOutput(created: CreatedPasskey): Promise<Uint8Array<ArrayBuffer> | null> {
  if (created.prf.first) return created.prf.first
  if (created.prf.enabled !== true) return null
  const { options } = await accountApi.loginOptions('account')
  const assertion = await getPasskeyAssertion(options, created.credentialId)
  if (assertion.credentialId !== created.credentialId) {
    throw new AppError('passkey-unavailable', 'The authenticator answered with another passkey than the one just created')
  }
  return assertion.prfOutput
}
