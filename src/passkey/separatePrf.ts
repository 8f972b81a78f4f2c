import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/browser'

/** A ceremony response with every PRF result removed: the only form the account API accepts. */
export type PrfFree<T extends RegistrationResponseJSON | AuthenticationResponseJSON> = T & { readonly __prfRemoved: true }

/** What the PRF extension reported, kept on the device. */
export interface PrfResult {
  /** `prf.enabled` from create(); undefined on get() or when the browser did not answer it. */
  enabled: boolean | undefined
  /** `prf.results.first`: 32 bytes, or null when the authenticator gave none. */
  first: Uint8Array<ArrayBuffer> | null
}

/** WebAuthn PRF outputs are HMAC-SHA-256 values; anything else is treated as no output at all. */
const PRF_OUTPUT_SIZE = 32

function toBytes(value: unknown): Uint8Array<ArrayBuffer> | null {
  let bytes: Uint8Array<ArrayBuffer> | null = null
  if (value instanceof ArrayBuffer) bytes = new Uint8Array(value.slice(0))
  else if (ArrayBuffer.isView(value)) {
    bytes = new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) as ArrayBuffer)
  }
  return bytes?.length === PRF_OUTPUT_SIZE ? bytes : null
}

/**
 * Splits a response from @simplewebauthn/browser into what may be posted (the response without
 * `clientExtensionResults.prf`, which would carry the PRF output) and the PRF result, which must never
 * leave the device (docs/KEYS.md §3). Everything else in `clientExtensionResults` is kept.
 */
export function separatePrf<T extends RegistrationResponseJSON | AuthenticationResponseJSON>(
  response: T,
): { postable: PrfFree<T>; prf: PrfResult } {
  const { prf, ...otherExtensions } = (response.clientExtensionResults ?? {}) as T['clientExtensionResults']
  const postable = { ...response, clientExtensionResults: otherExtensions } as PrfFree<T>
  return {
    postable,
    prf: { enabled: typeof prf?.enabled === 'boolean' ? prf.enabled : undefined, first: toBytes(prf?.results?.first) },
  }
}
