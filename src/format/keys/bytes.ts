/** Byte strings backed by a plain ArrayBuffer: what WebCrypto accepts as `BufferSource`. */
export type Bytes = Uint8Array<ArrayBuffer>

/** `a || b || …` as the spec writes it. */
export function concatBytes(...parts: readonly Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/** UTF-8 bytes of a label or identifier. */
export function utf8(text: string): Bytes {
  return new TextEncoder().encode(text) as Bytes
}

/** A 16-bit big-endian length followed by the bytes themselves (KEYS.md §1, `len16(x) || x`). */
export function lengthPrefixed(value: Uint8Array): Bytes {
  if (value.length > 0xffff) throw new Error('format: internal error: length-prefixed value over 65535 bytes')
  return concatBytes(new Uint8Array([value.length >> 8, value.length & 0xff]), value)
}

/** A private copy, so later changes to the caller's buffer cannot reach a result. */
export function copyBytes(value: Uint8Array): Bytes {
  return new Uint8Array(value)
}
