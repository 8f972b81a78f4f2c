import { inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { SampleRandom } from '../../../src/db/SampleRandom'
import { crc32, encodePng, pngSize, samplePhoto } from '../../../src/db/samplePng'

function chunks(png: Uint8Array) {
  const view = new DataView(png.buffer, png.byteOffset)
  const out: { type: string; data: Uint8Array; crcOk: boolean }[] = []
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at)
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8))
    const data = png.subarray(at + 8, at + 8 + length)
    out.push({ type, data, crcOk: view.getUint32(at + 8 + length) === crc32(png.subarray(at + 4, at + 8 + length)) })
    at += 12 + length
  }
  return out
}

describe('sample PNG images', () => {
  it('are valid PNG files whose image data inflates back to the rows drawn', () => {
    // 200 × 120 RGB is 72,120 bytes of rows: more than one 65,535-byte stored block.
    const raw = new SampleRandom(7).fill(new Uint8Array((200 * 3 + 1) * 120))
    for (let y = 0; y < 120; y++) raw[y * 601] = 0
    const png = encodePng(200, 120, raw)
    expect(png.length).toBe(pngSize(200, 120))
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    const parts = chunks(png)
    expect(parts.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND'])
    expect(parts.every((c) => c.crcOk)).toBe(true)
    expect(new Uint8Array(inflateSync(parts[1]!.data))).toEqual(raw)
  })

  it('draw the same picture for the same seed, and another for another seed', () => {
    const a = samplePhoto(new SampleRandom(1), 64, 48)
    expect(samplePhoto(new SampleRandom(1), 64, 48)).toEqual(a)
    expect(samplePhoto(new SampleRandom(2), 64, 48)).not.toEqual(a)
    expect(a.length).toBe(pngSize(64, 48))
  })

  it('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926)
  })
})
