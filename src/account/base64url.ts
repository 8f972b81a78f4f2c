import { base64 } from '@hexagon/base64'

/** Bytes as the account API writes them: base64url without padding. */
export function toBase64url(bytes: Uint8Array): string {
  return base64.fromArrayBuffer(new Uint8Array(bytes).buffer, true)
}

/** Throws `TypeError` for text that is not base64url. */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  if (!base64.validate(text, true)) throw new TypeError('not base64url')
  return new Uint8Array(base64.toArrayBuffer(text, true))
}
