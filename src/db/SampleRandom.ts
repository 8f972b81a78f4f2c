/**
 * A seeded pseudo-random generator (sfc32, seeded through splitmix32) for sample data: the same seed
 * gives the same chats and the same attachment bytes on every engine. Not for anything secret.
 */
export class SampleRandom {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: number) {
    let s = seed >>> 0
    const splitmix = () => {
      s = (s + 0x9e3779b9) >>> 0
      let z = s
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
      return (z ^ (z >>> 16)) >>> 0
    }
    this.a = splitmix()
    this.b = splitmix()
    this.c = splitmix()
    this.d = splitmix()
    for (let i = 0; i < 12; i++) this.uint32()
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('SampleRandom: internal error: pick from nothing')
    return items[Math.floor(this.next() * items.length)]!
  }

  /** A size between min and max, spread evenly on a log scale (many small files, a few big ones). */
  logUniform(min: number, max: number): number {
    return Math.round(Math.exp(Math.log(min) + this.next() * (Math.log(max) - Math.log(min))))
  }

  hex16(): string {
    return this.uint32().toString(16).padStart(8, '0') + this.uint32().toString(16).padStart(8, '0')
  }

  /** Fills `out` with pseudo-random bytes, four at a time (byte order is little-endian on every engine). */
  fill<T extends Uint8Array>(out: T): T {
    const whole = out.length >>> 2
    if (LITTLE_ENDIAN && out.byteOffset % 4 === 0) {
      // The generator inlined on locals: about 5× faster than a call per word.
      const words = new Uint32Array(out.buffer, out.byteOffset, whole)
      let { a, b, c, d } = this
      for (let i = 0; i < whole; i++) {
        const t = (((a + b) | 0) + d) | 0
        d = (d + 1) | 0
        a = b ^ (b >>> 9)
        b = (c + (c << 3)) | 0
        c = (c << 21) | (c >>> 11)
        c = (c + t) | 0
        words[i] = t
      }
      Object.assign(this, { a, b, c, d })
    } else {
      const view = new DataView(out.buffer, out.byteOffset, out.byteLength)
      for (let i = 0; i < whole; i++) view.setUint32(i * 4, this.uint32(), true)
    }
    for (let i = whole * 4; i < out.length; i++) out[i] = this.uint32() & 0xff
    return out
  }

}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1
