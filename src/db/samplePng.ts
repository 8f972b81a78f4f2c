import type { SampleRandom } from './SampleRandom'

/**
 * Real PNG images for sample data, made without a canvas so the generator runs the same in a worker,
 * in a page and in Node. The image data is stored uncompressed (deflate "stored" blocks, RFC 1951
 * §3.2.4): any PNG decoder reads it, the size is known in advance, and the bytes depend only on the seed.
 */

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
const MAX_STORED_BLOCK = 65_535

/** The encoded size of a width × height RGB image, before it is drawn. */
export function pngSize(width: number, height: number): number {
  const raw = (width * 3 + 1) * height
  const blocks = Math.max(1, Math.ceil(raw / MAX_STORED_BLOCK))
  const zlib = 2 + raw + blocks * 5 + 4
  return SIGNATURE.length + (12 + 13) + (12 + zlib) + 12
}

/** Draws a landscape-like picture (sky, sun, hills, grain) and encodes it as a PNG. */
export function samplePhoto(random: SampleRandom, width: number, height: number): Uint8Array<ArrayBuffer> {
  const sky = [random.int(40, 120), random.int(110, 190), random.int(170, 250)] as const
  const horizon = [random.int(200, 255), random.int(150, 220), random.int(110, 190)] as const
  const ground = [random.int(30, 90), random.int(80, 150), random.int(30, 90)] as const
  const sunX = random.next() * width
  const sunY = random.next() * height * 0.4
  const sunR = (0.05 + random.next() * 0.08) * width
  const [frequency, phase, amplitude] = [random.next() * 6 + 2, random.next() * 6.3, random.next() * 0.08 + 0.04]
  const hills = new Float64Array(width)
  for (let x = 0; x < width; x++) hills[x] = height * (0.55 + amplitude * Math.sin((x / width) * frequency + phase))
  const grain = random.fill(new Uint8Array(width * height))
  const stride = width * 3 + 1
  const raw = new Uint8Array(stride * height)
  for (let y = 0; y < height; y++) {
    raw[y * stride] = 0 // filter type: None
    const t = Math.min(1, (y / height) * 1.4)
    const skyR = sky[0] + (horizon[0] - sky[0]) * t
    const skyG = sky[1] + (horizon[1] - sky[1]) * t
    const skyB = sky[2] + (horizon[2] - sky[2]) * t
    for (let x = 0; x < width; x++) {
      const hill = hills[x]!
      let r: number, g: number, b: number
      if (y > hill) {
        const shade = 1 - ((y - hill) / (height - hill + 1)) * 0.5
        r = ground[0] * shade
        g = ground[1] * shade
        b = ground[2] * shade
      } else {
        const dx = x - sunX
        const dy = y - sunY
        const d = Math.sqrt(dx * dx + dy * dy)
        if (d < sunR) {
          r = 255
          g = 236
          b = 170
        } else if (d < sunR * 2.2) {
          const glow = (1 - (d - sunR) / (sunR * 1.2)) * 0.5
          r = skyR + (255 - skyR) * glow
          g = skyG + (255 - skyG) * glow
          b = skyB + (255 - skyB) * glow
        } else {
          r = skyR
          g = skyG
          b = skyB
        }
      }
      const n = (grain[y * width + x]! & 15) - 8
      const p = y * stride + 1 + x * 3
      raw[p] = clamp(r + n)
      raw[p + 1] = clamp(g + n)
      raw[p + 2] = clamp(b + n)
    }
  }
  return encodePng(width, height, raw)
}

/** Encodes filtered RGB rows (each row: filter byte, then width × 3 bytes) as a PNG file. */
export function encodePng(width: number, height: number, raw: Uint8Array): Uint8Array<ArrayBuffer> {
  if (raw.length !== (width * 3 + 1) * height) throw new Error('encodePng: internal error: raw size')
  const out = new Uint8Array(pngSize(width, height))
  const view = new DataView(out.buffer)
  out.set(SIGNATURE, 0)
  let at = SIGNATURE.length

  const ihdr = new Uint8Array(13)
  const ih = new DataView(ihdr.buffer)
  ih.setUint32(0, width)
  ih.setUint32(4, height)
  ihdr.set([8, 2, 0, 0, 0], 8) // 8-bit depth, colour type 2 (RGB), deflate, adaptive filtering, no interlace
  at = writeChunk(out, view, at, 'IHDR', ihdr)

  const blocks = Math.max(1, Math.ceil(raw.length / MAX_STORED_BLOCK))
  const zlib = new Uint8Array(2 + raw.length + blocks * 5 + 4)
  const zv = new DataView(zlib.buffer)
  zlib[0] = 0x78 // deflate, 32 KiB window
  zlib[1] = 0x01 // check bits: (0x78 << 8 | 0x01) % 31 === 0, no dictionary, fastest
  let z = 2
  for (let i = 0; i < blocks; i++) {
    const part = raw.subarray(i * MAX_STORED_BLOCK, (i + 1) * MAX_STORED_BLOCK)
    zlib[z] = i === blocks - 1 ? 1 : 0 // BFINAL, BTYPE = 00 (stored)
    zv.setUint16(z + 1, part.length, true)
    zv.setUint16(z + 3, ~part.length & 0xffff, true)
    zlib.set(part, z + 5)
    z += 5 + part.length
  }
  zv.setUint32(z, adler32(raw))
  at = writeChunk(out, view, at, 'IDAT', zlib)
  writeChunk(out, view, at, 'IEND', new Uint8Array(0))
  return out
}

function writeChunk(out: Uint8Array, view: DataView, at: number, type: string, data: Uint8Array): number {
  view.setUint32(at, data.length)
  for (let i = 0; i < 4; i++) out[at + 4 + i] = type.charCodeAt(i)
  out.set(data, at + 8)
  view.setUint32(at + 8 + data.length, crc32(out.subarray(at + 4, at + 8 + data.length)))
  return at + 12 + data.length
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function adler32(bytes: Uint8Array): number {
  let a = 1
  let b = 0
  for (let i = 0; i < bytes.length; ) {
    const end = Math.min(i + 5552, bytes.length) // the most bytes before the sums can overflow 2^32
    for (; i < end; i++) {
      a += bytes[i]!
      b += a
    }
    a %= 65521
    b %= 65521
  }
  return ((b << 16) | a) >>> 0
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v | 0
}
