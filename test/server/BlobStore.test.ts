import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type BlobStore, BlobDigestError, BlobKeyError, BlobTooLargeError, isBlobKey } from '../../src/server/stores/BlobStore'
import type { MetaStore } from '../../src/server/stores/MetaStore'
import { type TestStorage, blobBackends, provisionStorage } from './backends'
import { bytesOf } from './passkeyFlows'

async function* parts(...chunks: Uint8Array[]): AsyncIterable<Uint8Array> {
  for (const chunk of chunks) {
    await new Promise((resolve) => setTimeout(resolve, 1))
    yield chunk
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest()

/** The BlobStore contract (stores/BlobStore.ts), on every backend that runs. */
describe.each(blobBackends)('BlobStore on $name', (backend) => {
  let storage: TestStorage
  let store: BlobStore
  let meta: MetaStore
  beforeEach(async () => {
    storage = await provisionStorage(backend)
    ;({ blobs: store, meta } = await storage.open())
  })
  afterEach(async () => {
    await Promise.all([store.close(), meta.close()])
    await storage.dispose()
  })

  async function read(key: string): Promise<Uint8Array | null> {
    const blob = await store.get(key)
    if (!blob) return null
    return new Uint8Array(await new Response(blob.stream).arrayBuffer())
  }

  const list = async (prefix: string) => {
    const keys: string[] = []
    for await (const key of store.list(prefix)) keys.push(key)
    return keys
  }

  it('stores, reads back, lists by prefix and deletes', async () => {
    const body = bytesOf(300_000, 3)
    expect(await store.put('acct1/chunks/aa', body)).toBe('created')
    expect(await store.put('acct1/chunks/ab', parts(bytesOf(10, 1), bytesOf(20, 2)))).toBe('created')
    expect(await store.put('acct1/chunks/ac', parts(bytesOf(10, 1), bytesOf(20, 2)), { length: 30 })).toBe('created')
    expect(await store.put('acct1/manifests/m1', bytesOf(5, 1))).toBe('created')
    expect(await store.put('acct2/chunks/aa', bytesOf(5, 1))).toBe('created')
    expect(Buffer.from((await read('acct1/chunks/aa'))!).equals(body)).toBe(true) // toEqual walks 300 000 elements one by one
    expect((await store.get('acct1/chunks/ab'))!.size).toBe(30)
    expect(await read('acct1/chunks/ac')).toEqual(new Uint8Array([...bytesOf(10, 1), ...bytesOf(20, 2)]))
    expect(await store.has('acct1/chunks/aa')).toBe(true)
    expect(await store.has('acct1/chunks/zz')).toBe(false)
    expect(await read('acct1/chunks/zz')).toBeNull()

    expect(await list('acct1/chunks/')).toEqual(['acct1/chunks/aa', 'acct1/chunks/ab', 'acct1/chunks/ac'])
    expect(await list('acct1/chunks/a')).toEqual(['acct1/chunks/aa', 'acct1/chunks/ab', 'acct1/chunks/ac'])
    expect(await list('acct1/')).toEqual(['acct1/chunks/aa', 'acct1/chunks/ab', 'acct1/chunks/ac', 'acct1/manifests/m1'])
    expect(await list('acct')).toEqual(['acct1/chunks/aa', 'acct1/chunks/ab', 'acct1/chunks/ac', 'acct1/manifests/m1', 'acct2/chunks/aa'])
    expect(await list('nobody/')).toEqual([])

    expect(await store.delete('acct1/chunks/aa')).toBe(true)
    expect(await store.delete('acct1/chunks/aa')).toBe(false)
    expect(await store.has('acct1/chunks/aa')).toBe(false)
    expect(await storage.leftovers()).toEqual([])
  })

  it('lists more keys than one page of an S3 listing (1000) in byte order', async () => {
    const keys = Array.from({ length: 1003 }, (_, i) => `many/k${String(i).padStart(4, '0')}`)
    for (let i = 0; i < keys.length; i += 100) await Promise.all(keys.slice(i, i + 100).map((key) => store.put(key, bytesOf(1, 1))))
    await store.put('many-after', bytesOf(1, 1))
    await store.put('many/K-upper', bytesOf(1, 1)) // 'K' sorts before 'k' in byte order
    expect(await list('many/')).toEqual(['many/K-upper', ...keys])
  })

  it('is create-only: a second put leaves the first bytes', async () => {
    expect(await store.put('k', bytesOf(10, 1))).toBe('created')
    expect(await store.put('k', bytesOf(10, 2))).toBe('exists')
    expect(await store.put('k', parts(bytesOf(10, 3)), { length: 10 })).toBe('exists')
    expect(await read('k')).toEqual(bytesOf(10, 1))
    expect(await storage.leftovers()).toEqual([])
  })

  it('lets exactly one of many concurrent puts of a key win, with complete bytes', async () => {
    const bodies = Array.from({ length: 8 }, (_, i) => bytesOf(200_000, i))
    const results = await Promise.all(bodies.map((body) => store.put('race', parts(body.subarray(0, 100_000), body.subarray(100_000)), { length: 200_000 })))
    expect(results.filter((r) => r === 'created')).toHaveLength(1)
    const stored = await read('race')
    expect(bodies.some((body) => Buffer.from(body).equals(Buffer.from(stored!)))).toBe(true)
    expect(await storage.leftovers()).toEqual([])
  })

  it('leaves no object behind when a put fails, is aborted, is too large, is short or does not match its digest', async () => {
    const big = bytesOf(1_000_000, 7)
    async function* failing(): AsyncIterable<Uint8Array> {
      yield big.subarray(0, 500_000)
      throw new Error('connection reset')
    }
    await expect(store.put('failed', failing(), { length: big.byteLength })).rejects.toThrow('connection reset')
    await expect(store.put('failed-chunked', failing())).rejects.toThrow('connection reset')

    const controller = new AbortController()
    async function* slow(): AsyncIterable<Uint8Array> {
      yield bytesOf(1000, 1)
      controller.abort(new Error('client went away'))
      yield bytesOf(1000, 2)
    }
    await expect(store.put('aborted', slow(), { signal: controller.signal, length: 2000 })).rejects.toThrow('client went away')

    await expect(store.put('big', parts(bytesOf(600, 1), bytesOf(600, 2)), { maxBytes: 1000 })).rejects.toBeInstanceOf(BlobTooLargeError)
    await expect(store.put('big-announced', parts(bytesOf(600, 1), bytesOf(600, 2)), { maxBytes: 1000, length: 1200 })).rejects.toBeInstanceOf(BlobTooLargeError)
    await expect(store.put('short', parts(bytesOf(600, 1)), { length: 1200 })).rejects.toThrow(/fewer bytes|not its announced/)

    const wrongDigest = sha256(bytesOf(5, 5))
    await expect(store.put('digest', bytesOf(100, 5), { expectedSha256: wrongDigest })).rejects.toBeInstanceOf(BlobDigestError)
    // Streamed: every byte but the last part went out before the digest could be known.
    const streamed = parts(big.subarray(0, 400_000), big.subarray(400_000, 999_999), big.subarray(999_999))
    await expect(store.put('digest-streamed', streamed, { expectedSha256: wrongDigest, length: big.byteLength })).rejects.toBeInstanceOf(BlobDigestError)

    for (const key of ['failed', 'failed-chunked', 'aborted', 'big', 'big-announced', 'short', 'digest', 'digest-streamed']) expect(await store.has(key), key).toBe(false)
    expect(await list('')).toEqual([])
    expect(await storage.leftovers()).toEqual([])

    // The right digest and a size within bounds are accepted.
    expect(await store.put('digest', bytesOf(100, 5), { expectedSha256: sha256(bytesOf(100, 5)), maxBytes: 100 })).toBe('created')
    const body = parts(big.subarray(0, 400_000), big.subarray(400_000))
    expect(await store.put('digest-streamed', body, { expectedSha256: sha256(big), maxBytes: big.byteLength, length: big.byteLength })).toBe('created')
    expect(Buffer.from((await read('digest-streamed'))!).equals(big)).toBe(true)
  })

  it('refuses keys that could escape the store or collide, before touching storage', async () => {
    const bad = ['', '/abs', 'a/', 'a//b', '../etc/passwd', 'a/../b', '.tmp/x', 'a/.hidden', 'a\\b', 'a b', 'é', 'x'.repeat(129), 'a/b/c/d/e/f/g/h/i', 'a%2fb']
    for (const key of bad) {
      expect(isBlobKey(key)).toBe(false)
      await expect(store.put(key, bytesOf(1, 1))).rejects.toBeInstanceOf(BlobKeyError)
      await expect(store.get(key)).rejects.toBeInstanceOf(BlobKeyError)
      await expect(store.has(key)).rejects.toBeInstanceOf(BlobKeyError)
      await expect(store.delete(key)).rejects.toBeInstanceOf(BlobKeyError)
    }
    await expect(store.list('../')[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(BlobKeyError)
    expect(await list('')).toEqual([])
    for (const key of ['a', 'A-b_9/c', 'x'.repeat(128), 'a/b/c/d/e/f/g/h']) expect(isBlobKey(key)).toBe(true)
  })

  it('reports itself healthy', async () => {
    await expect(store.check()).resolves.toBeUndefined()
  })
})
