import { AppError } from '../errors'
import { BACKUP_FORMAT_VERSION, KEY_ID_SIZE } from './constants'
import { utf8 } from './keys/bytes'

/**
 * FORMAT.md §3.1, the checks every v1 object starts with, in this order: a too-short object whose
 * bytes are a prefix of the magic is `truncated`, another magic is `header-invalid`, another version
 * is `unknown-version`, another key id is `wrong-key`.
 */
export function checkObjectHeader(object: Uint8Array, magic: string, headerSize: number, keyId: Uint8Array): void {
  const magicBytes = utf8(magic)
  const seen = object.subarray(0, magicBytes.length)
  if (!seen.every((byte, i) => byte === magicBytes[i])) {
    throw new AppError('header-invalid', `not a Keepsake ${magic} object`)
  }
  if (object.length <= magicBytes.length) throw new AppError('truncated', `${magic} object ends inside its header`)
  if (object[magicBytes.length] !== BACKUP_FORMAT_VERSION) {
    throw new AppError('unknown-version', `${magic} object has version ${object[magicBytes.length]}`, {
      details: { version: object[magicBytes.length]! },
    })
  }
  if (object.length < headerSize) throw new AppError('truncated', `${magic} object ends inside its header`)
  const seenKeyId = object.subarray(magicBytes.length + 1, magicBytes.length + 1 + KEY_ID_SIZE)
  if (!equalBytes(seenKeyId, keyId)) throw new AppError('wrong-key', `${magic} object was made with another key`)
}

/** `magic || version`, the start of every v1 object. */
export function objectPrelude(magic: string): Uint8Array {
  const magicBytes = utf8(magic)
  const prelude = new Uint8Array(magicBytes.length + 1)
  prelude.set(magicBytes)
  prelude[magicBytes.length] = BACKUP_FORMAT_VERSION
  return prelude
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i])
}
