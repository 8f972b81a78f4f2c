import type { Bytes } from './keys/bytes'

/** Lower-case hexadecimal, as chunk and snapshot ids are written in manifests and file names. */
export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0')
  return out
}

/** The bytes of a lower-case hex string of exactly `size` bytes, or null for anything else. */
export function fromHex(hex: string, size: number): Bytes | null {
  if (hex.length !== size * 2 || !/^[0-9a-f]*$/.test(hex)) return null
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}
