import {
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/browser'
import { prfInputV1 } from '../format/keys/prfInput'
import { separatePrf, type PrfFree, type PrfResult } from './separatePrf'
import { translatePasskeyError } from './translatePasskeyError'

export interface CreatedPasskey {
  /** The registration response to post (no PRF results in it). */
  response: PrfFree<RegistrationResponseJSON>
  /** base64url, as the server names it. */
  credentialId: string
  prf: PrfResult
}

/**
 * Creates a passkey from the server's options, asking for the PRF extension on the fixed input
 * (docs/KEYS.md §3). A missing PRF output is not an error here: the caller decides (a second ceremony
 * when `prf.enabled`, "can't unlock backups" otherwise).
 */
export async function createPasskey(optionsJSON: PublicKeyCredentialCreationOptionsJSON): Promise<CreatedPasskey> {
  let response: RegistrationResponseJSON
  try {
    response = await startRegistration({
      optionsJSON: { ...optionsJSON, extensions: { ...optionsJSON.extensions, prf: { eval: { first: prfInputV1() } } } },
    })
  } catch (e) {
    throw translatePasskeyError(e, 'create')
  }
  const { postable, prf } = separatePrf(response)
  return { response: postable, credentialId: response.id, prf }
}
