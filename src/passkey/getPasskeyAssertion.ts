import {
  startAuthentication,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser'
import { prfInputV1 } from '../format/keys/prfInput'
import { separatePrf, type PrfFree } from './separatePrf'
import { translatePasskeyError } from './translatePasskeyError'

export interface PasskeyAssertion {
  /** The authentication response to post (no PRF results in it). */
  response: PrfFree<AuthenticationResponseJSON>
  /** base64url id of the passkey the person chose. */
  credentialId: string
  /** The PRF output for the fixed input, or null when the authenticator gave none. */
  prfOutput: Uint8Array<ArrayBuffer> | null
}

/**
 * One `get()` with the PRF extension on the fixed input (docs/KEYS.md §3): with the server's
 * `allowCredentials` (empty = any discoverable passkey for this site), or narrowed to `onlyCredentialId`.
 */
export async function getPasskeyAssertion(
  optionsJSON: PublicKeyCredentialRequestOptionsJSON,
  onlyCredentialId?: string,
): Promise<PasskeyAssertion> {
  const allowCredentials = onlyCredentialId
    ? [{ id: onlyCredentialId, type: 'public-key' as const, transports: optionsJSON.allowCredentials?.find((c) => c.id === onlyCredentialId)?.transports }]
    : optionsJSON.allowCredentials
  let response: AuthenticationResponseJSON
  try {
    response = await startAuthentication({
      optionsJSON: {
        ...optionsJSON,
        allowCredentials,
        extensions: { ...optionsJSON.extensions, prf: { eval: { first: prfInputV1() } } },
      },
    })
  } catch (e) {
    throw translatePasskeyError(e, 'get')
  }
  const { postable, prf } = separatePrf(response)
  return { response: postable, credentialId: response.id, prfOutput: prf.first }
}
