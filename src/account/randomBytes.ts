/**
 * The app's one source of key material and envelope randomness (master key, recovery key, HKDF salts,
 * AES-GCM nonces): the browser's CSPRNG. The format code takes these bytes as arguments, so its test
 * vectors stay deterministic.
 */
export function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(size))
}
