import { blake2b } from '@noble/hashes/blake2.js'
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { deriveBackupKeys, importMasterKeyBytes } from '../../../src/format/backupKeys'
import { chunkObject, chunkObjectSize, isZero, openChunk, sealChunk } from '../../../src/format/chunk'
import { createChunkIdHasher } from '../../../src/format/chunkId'
import { ATTACHMENT_PART_SIZE, CHUNK_HEADER_SIZE, CHUNK_MAGIC } from '../../../src/format/constants'
import { concatBytes } from '../../../src/format/keys/bytes'
import { objectPrelude } from '../../../src/format/objectHeader'
import { paddedLength } from '../../../src/format/paddedLength'

const P = ATTACHMENT_PART_SIZE

describe('chunk ids', () => {
  it('are keyed BLAKE2b-256 (RFC 7693), equal to an independent implementation', async () => {
    const key = randomBytes(32)
    const idOf = await createChunkIdHasher(key)
    for (const size of [1, 127, 128, 129, 4096, P + 1]) {
      const content = randomBytes(size)
      expect(Buffer.from(idOf(content)).toString('hex'), `${size} bytes`).toBe(Buffer.from(blake2b(content, { key, dkLen: 32 })).toString('hex'))
    }
  })

  it('differ between accounts for the same content, so the server cannot match content across accounts', async () => {
    const content = new TextEncoder().encode('the same photo')
    const a = await createChunkIdHasher((await deriveBackupKeys(await importMasterKeyBytes(randomBytes(32)))).chunkIdKey)
    const b = await createChunkIdHasher((await deriveBackupKeys(await importMasterKeyBytes(randomBytes(32)))).chunkIdKey)
    expect(Buffer.from(a(content)).equals(Buffer.from(b(content)))).toBe(false)
  })
})

describe('padding (Padmé over 512 bytes)', () => {
  it.each([
    [1, 512], [512, 512], [513, 544], [4097, 4352], [100_000, 100_352], [P - 1, P], [P, P], [P + 1, P + 131_072], [2 * P + 500, 2 * P + 262_144],
  ])('%i bytes are stored as %i', (length, padded) => {
    expect(paddedLength(length)).toBe(padded)
  })

  it('never costs more than 12% above 512 bytes, and never shrinks', () => {
    for (let length = 513; length < 20 * 1024 * 1024; length = Math.ceil(length * 1.37)) {
      expect(paddedLength(length)).toBeGreaterThanOrEqual(length)
      expect(paddedLength(length) / length).toBeLessThanOrEqual(1.12)
    }
  })
})

describe('a sealed chunk', async () => {
  const keys = await deriveBackupKeys(await importMasterKeyBytes(randomBytes(32)))
  const idOf = await createChunkIdHasher(keys.chunkIdKey)
  // age's boundary table (internal/stream/stream_test.go), over our part size and padding minimum.
  for (const length of [1, 511, 512, 513, 1000, P - 1, P, P + 1, P + 100, 2 * P, 2 * P + 500]) {
    it(`of ${length} bytes opens to the same bytes, and its size is the padded size`, async () => {
      const content = randomBytes(length)
      const id = idOf(content)
      const object = chunkObject(await sealChunk(content, id, randomBytes(12), keys))
      expect(object.length).toBe(chunkObjectSize(length))
      expect(object.length).toBe(CHUNK_HEADER_SIZE + paddedLength(length) + 16)
      expect(Buffer.from(await openChunk(object, id, length, keys, idOf)).equals(content)).toBe(true)
    })
  }

  it('never repeats: the same content sealed twice gives different bytes (fresh nonce)', async () => {
    const content = randomBytes(1000)
    const id = idOf(content)
    const a = chunkObject(await sealChunk(content, id, randomBytes(12), keys))
    const b = chunkObject(await sealChunk(content, id, randomBytes(12), keys))
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false)
  })

  it('fails as chunk-corrupt when any single byte after the key id is flipped', async () => {
    const content = randomBytes(700)
    const id = idOf(content)
    const object = chunkObject(await sealChunk(content, id, randomBytes(12), keys))
    for (let offset = 21; offset < object.length; offset += 37) {
      const bad = new Uint8Array(object)
      bad[offset]! ^= 0x10
      await expect(openChunk(bad, id, 700, keys, idOf), `byte ${offset}`).rejects.toMatchObject({ code: 'chunk-corrupt' })
    }
  })

  // The AEAD and the id hold, only the padding is not zero: the padding check alone must catch it.
  const paddingBytes: [number, number][] = [[1, 1], [1, 511], [513, 543], [700, 700], [700, 701], [700, 703], [4097, 4351], [P + 1, P + 131_071], [P + 3, P + 4]]
  for (const [length, at] of paddingBytes) {
    it(`of ${length} bytes with padding byte ${at} set (and a valid tag) fails as chunk-corrupt`, async () => {
      const content = randomBytes(length)
      const id = idOf(content)
      const nonce = randomBytes(12)
      const header = concatBytes(objectPrelude(CHUNK_MAGIC), keys.keyId, nonce)
      const plaintext = new Uint8Array(paddedLength(length))
      plaintext.set(content)
      expect(at).toBeLessThan(plaintext.length)
      plaintext[at] = 0x01
      const body = await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: concatBytes(header, id) }, keys.chunkEncKey, plaintext)
      const object = concatBytes(header, new Uint8Array(body))
      await expect(openChunk(object, id, length, keys, idOf)).rejects.toMatchObject({ code: 'chunk-corrupt', message: 'chunk padding is not zero' })
    })
  }

  it('refuses to seal an empty chunk (an empty attachment has no parts)', async () => {
    await expect(sealChunk(new Uint8Array(0), new Uint8Array(32), randomBytes(12), keys)).rejects.toThrow(/internal error/)
  })
})

describe('the zero-padding check', () => {
  it('finds a single non-zero byte at any position, whatever the alignment and length', () => {
    const buffer = new ArrayBuffer(64)
    for (let offset = 0; offset < 9; offset++) {
      for (let length = 0; length <= 40; length++) {
        const bytes = new Uint8Array(buffer, offset, length)
        bytes.fill(0)
        expect(isZero(bytes), `offset ${offset}, length ${length}`).toBe(true)
        for (let at = 0; at < length; at++) {
          for (const value of [0x01, 0x80, 0xff]) {
            bytes[at] = value
            expect(isZero(bytes), `offset ${offset}, length ${length}, byte ${at} = ${value}`).toBe(false)
            bytes[at] = 0
          }
        }
      }
    }
  })

  it('looks only inside its view: non-zero bytes around it do not count', () => {
    const all = new Uint8Array(32).fill(0xff)
    all.fill(0, 5, 27)
    expect(isZero(all.subarray(5, 27))).toBe(true)
    expect(isZero(all.subarray(4, 27))).toBe(false)
    expect(isZero(all.subarray(5, 28))).toBe(false)
  })
})
