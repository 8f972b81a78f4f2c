import { describe, expect, it } from 'vitest'
import { isAppError } from '../../../src/errors'
import { deriveRecoveryCredentials } from '../../../src/format/keys/recoveryCredentials'
import { formatRecoveryKey, parseRecoveryKey } from '../../../src/format/keys/recoveryKey'

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n))
const keys = Array.from({ length: 20 }, () => random(32))
keys.push(new Uint8Array(32), new Uint8Array(32).fill(0xff))

function parseError(text: string): { group: unknown } | null {
  try {
    parseRecoveryKey(text)
    return null
  } catch (e) {
    if (!isAppError(e, 'recovery-key-malformed')) throw e
    return { group: e.details.group }
  }
}

describe('recovery key text (KEYS.md §5)', () => {
  it('is 13 groups of 5 Crockford symbols and round-trips', () => {
    for (const key of keys) {
      const text = formatRecoveryKey(key)
      expect(text).toMatch(/^([0-9A-HJKMNP-TV-Z]{5} ){12}[0-9A-HJKMNP-TV-Z]{5}$/)
      expect([...parseRecoveryKey(text)]).toEqual([...key])
    }
  })

  it('tolerates case, spaces, dashes, line breaks and the I/L/O aliases', () => {
    const key = keys[0]!
    const text = formatRecoveryKey(key)
    const variants = [
      text.toLowerCase(),
      text.replace(/ /g, '-'),
      text.replace(/ /g, ''),
      ` ${text.replace(/ /g, ' \n ')} `,
      text.replace(/1/g, 'I').replace(/0/g, 'o'),
      text.replace(/1/g, 'l'),
    ]
    for (const variant of variants) expect([...parseRecoveryKey(variant)], variant).toEqual([...key])
  })

  it('catches every single mistyped symbol and names its group', () => {
    for (const key of keys.slice(0, 6)) {
      const symbols = formatRecoveryKey(key).replace(/ /g, '')
      for (let i = 0; i < symbols.length; i++) {
        for (const ch of ALPHABET) {
          if (ch === symbols[i]) continue
          const typo = symbols.slice(0, i) + ch + symbols.slice(i + 1)
          expect(parseError(typo), `${ch} at ${i}`).toEqual({ group: Math.floor(i / 5) + 1 })
        }
      }
    }
  })

  it('catches every swap of two neighbouring symbols', () => {
    let swaps = 0
    for (const key of keys) {
      const symbols = formatRecoveryKey(key).replace(/ /g, '')
      for (let i = 0; i + 1 < symbols.length; i++) {
        if (symbols[i] === symbols[i + 1]) continue
        const swapped = symbols.slice(0, i) + symbols[i + 1] + symbols[i] + symbols.slice(i + 2)
        expect(parseError(swapped), `swap at ${i}`).not.toBeNull()
        swaps++
      }
    }
    expect(swaps).toBeGreaterThan(1000)
  })

  it('catches swapped groups', () => {
    const groups = formatRecoveryKey(keys[1]!).split(' ')
    for (let g = 0; g + 1 < groups.length; g++) {
      if (groups[g] === groups[g + 1]) continue
      const swapped = [...groups]
      ;[swapped[g], swapped[g + 1]] = [groups[g + 1]!, groups[g]!]
      expect(parseError(swapped.join(' ')), `groups ${g + 1}/${g + 2}`).toEqual({ group: g + 1 })
    }
  })

  it('names missing, extra and foreign characters', () => {
    const text = formatRecoveryKey(keys[2]!)
    expect(parseError(text.slice(0, -1))).toEqual({ group: undefined })
    expect(parseError(`${text}0`)).toEqual({ group: undefined })
    expect(parseError('')).toEqual({ group: undefined })
    expect(parseError(`${text.slice(0, 12)}U${text.slice(13)}`)).toEqual({ group: 3 })
    expect(parseError(`${text.slice(0, 6)}!${text.slice(7)}`)).toEqual({ group: 2 })
  })

  it('rejects the 4 padding bits when they are not zero, even with a matching check symbol', () => {
    const symbols = formatRecoveryKey(keys[3]!).replace(/ /g, '')
    const last = ALPHABET.indexOf(symbols[63]!)
    let rejected = 0
    // Keep the key bit, set padding bits, and try every check symbol: none may make it parse.
    for (let padding = 1; padding < 16; padding++) {
      for (const check of ALPHABET) {
        const text = symbols.slice(0, 63) + ALPHABET[(last & 0x10) | padding] + check
        expect(parseError(text), `padding ${padding} check ${check}`).toEqual({ group: 13 })
        rejected++
      }
    }
    expect(rejected).toBe(15 * 32)
  })
})

describe('recovery id and auth (KEYS.md §6)', () => {
  it('are 16 and 32 bytes, deterministic, and independent of each other', async () => {
    const a = await deriveRecoveryCredentials(keys[0]!)
    const b = await deriveRecoveryCredentials(keys[0]!)
    const c = await deriveRecoveryCredentials(keys[1]!)
    expect(a.recoveryId.length).toBe(16)
    expect(a.recoveryAuth.length).toBe(32)
    expect([...a.recoveryId]).toEqual([...b.recoveryId])
    expect([...a.recoveryAuth]).toEqual([...b.recoveryAuth])
    expect([...a.recoveryId]).not.toEqual([...c.recoveryId])
    expect([...a.recoveryAuth.subarray(0, 16)]).not.toEqual([...a.recoveryId])
  })
})
