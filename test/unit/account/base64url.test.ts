import { describe, expect, it } from 'vitest'
import { fromBase64url, toBase64url } from '../../../src/account/base64url'

describe('base64url', () => {
  it('matches Node’s encoder without padding, for every length around a block', () => {
    for (let length = 0; length <= 70; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 151 + length) & 0xff)
      const text = toBase64url(bytes)
      expect(text).toBe(Buffer.from(bytes).toString('base64url'))
      expect([...fromBase64url(text)]).toEqual([...bytes])
    }
  })

  it('encodes only the view it is given', () => {
    const buffer = Uint8Array.from([1, 2, 3, 4, 5, 6])
    expect(toBase64url(buffer.subarray(2, 4))).toBe(Buffer.from([3, 4]).toString('base64url'))
  })

  it('rejects text that is not base64url', () => {
    expect(() => fromBase64url('ab+/')).toThrow(TypeError)
    expect(() => fromBase64url('a b')).toThrow(TypeError)
  })
})
