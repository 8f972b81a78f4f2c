import { AppError } from '../../errors'
import { RECOVERY_KEY_SIZE } from '../constants'
import type { Bytes } from './bytes'

/**
 * The recovery key as people write it down, KEYS.md §5: 256 bits in Crockford base32, 13 groups of
 * four data symbols plus one check symbol each (65 symbols). The check symbol of group g (0-based) is
 *
 *   c = g ⊕ α·d0 ⊕ α²·d1 ⊕ α³·d2 ⊕ α⁴·d3   in GF(32), α a root of x⁵ + x² + 1,
 *
 * so every symbol has its own non-zero weight (the check's weight is 1): any single wrong symbol and
 * any two swapped symbols of a group change the sum, and the group number catches swapped groups.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
export const RECOVERY_KEY_GROUPS = 13
const DATA_PER_GROUP = 4
const GROUP_SIZE = DATA_PER_GROUP + 1
const SYMBOLS = RECOVERY_KEY_GROUPS * GROUP_SIZE
const DATA_SYMBOLS = RECOVERY_KEY_GROUPS * DATA_PER_GROUP // 52 symbols = 260 bits: the key, then 4 zero bits
const PADDING_BITS = DATA_SYMBOLS * 5 - RECOVERY_KEY_SIZE * 8
/** Crockford's reading aid: I and L are read as 1, O as 0; U is not a symbol. */
const ALIASES: Record<string, string> = { I: '1', L: '1', O: '0' }

/** Multiplication in GF(2⁵) modulo x⁵ + x² + 1. */
function gfMul(a: number, b: number): number {
  let product = 0
  for (let i = 0; i < 5; i++) {
    if (b & (1 << i)) product ^= a
    a <<= 1
    if (a & 0x20) a ^= 0x25
  }
  return product
}

const ALPHA = 0b00010
const WEIGHTS = [ALPHA, gfMul(ALPHA, ALPHA), gfMul(ALPHA, gfMul(ALPHA, ALPHA)), gfMul(gfMul(ALPHA, ALPHA), gfMul(ALPHA, ALPHA))]

function checkSymbol(group: number, data: readonly number[]): number {
  return data.reduce((sum, d, i) => sum ^ gfMul(WEIGHTS[i]!, d), group)
}

/** The 65-symbol text of a 32-byte recovery key: groups of five separated by single spaces. */
export function formatRecoveryKey(recoveryKey: Uint8Array): string {
  if (recoveryKey.length !== RECOVERY_KEY_SIZE) throw new Error('format: internal error: recovery key must be 32 bytes')
  const data: number[] = []
  let acc = 0
  let bits = 0
  for (const byte of recoveryKey) {
    acc = (acc << 8) | byte
    bits += 8
    while (bits >= 5) {
      bits -= 5
      data.push((acc >> bits) & 31)
    }
    acc &= (1 << bits) - 1
  }
  data.push((acc << (5 - bits)) & 31) // the last key bit, then the zero padding
  const groups: string[] = []
  for (let g = 0; g < RECOVERY_KEY_GROUPS; g++) {
    const part = data.slice(g * DATA_PER_GROUP, (g + 1) * DATA_PER_GROUP)
    groups.push([...part, checkSymbol(g, part)].map((v) => ALPHABET[v]).join(''))
  }
  return groups.join(' ')
}

function malformed(message: string, group?: number): AppError {
  return new AppError('recovery-key-malformed', message, group === undefined ? {} : { details: { group } })
}

/**
 * Reads a recovery key as typed: spaces, dashes, line breaks and case are ignored, I/L/O read as 1/1/0.
 * Errors are `recovery-key-malformed`, with `details.group` (1-based) when one group is to blame.
 */
export function parseRecoveryKey(text: string): Bytes {
  const symbols = text.toUpperCase().replace(/[\s\-–—_.]/g, '')
  for (let i = 0; i < symbols.length; i++) {
    const ch = ALIASES[symbols[i]!] ?? symbols[i]!
    if (!ALPHABET.includes(ch)) {
      const group = i < SYMBOLS ? Math.floor(i / GROUP_SIZE) + 1 : undefined
      throw malformed(`"${symbols[i]}" is not a recovery key character`, group)
    }
  }
  if (symbols.length !== SYMBOLS) {
    throw malformed(`A recovery key has ${SYMBOLS} characters in ${RECOVERY_KEY_GROUPS} groups; this has ${symbols.length}`)
  }
  const values = [...symbols].map((ch) => ALPHABET.indexOf(ALIASES[ch] ?? ch))
  const data: number[] = []
  for (let g = 0; g < RECOVERY_KEY_GROUPS; g++) {
    const group = values.slice(g * GROUP_SIZE, (g + 1) * GROUP_SIZE)
    const part = group.slice(0, DATA_PER_GROUP)
    if (checkSymbol(g, part) !== group[DATA_PER_GROUP]) throw malformed(`Group ${g + 1} of the recovery key has a typo`, g + 1)
    data.push(...part)
  }
  if ((data[DATA_SYMBOLS - 1]! & ((1 << PADDING_BITS) - 1)) !== 0) {
    throw malformed(`Group ${RECOVERY_KEY_GROUPS} of the recovery key has a typo`, RECOVERY_KEY_GROUPS)
  }
  const recoveryKey = new Uint8Array(RECOVERY_KEY_SIZE)
  let acc = 0
  let bits = 0
  let out = 0
  for (const value of data) {
    acc = (acc << 5) | value
    bits += 5
    if (bits >= 8 && out < RECOVERY_KEY_SIZE) {
      bits -= 8
      recoveryKey[out++] = (acc >> bits) & 0xff
    }
    acc &= (1 << bits) - 1
  }
  return recoveryKey
}
