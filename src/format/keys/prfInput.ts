/**
 * KEYS.md §3: the PRF evaluation input, `SHA-256("keepsake/v1/prf-input")`. Fixed and public: every
 * passkey of every account is evaluated on it, and the per-envelope randomness lives in the HKDF salt
 * instead (rationale in KEYS.md §3). Written out so it is available synchronously; a unit test checks
 * it against the hash of the label.
 */
const PRF_INPUT_V1_HEX = 'e81cb43a81a5379aa5b0298bac33518a3b48916dbd53bcb9cfc3953fb2224886'

/** A fresh copy each call: WebAuthn callers may hand it to code that keeps or transfers the buffer. */
export function prfInputV1(): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(PRF_INPUT_V1_HEX.match(/../g)!, (pair) => parseInt(pair, 16))
}
