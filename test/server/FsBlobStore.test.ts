import { createHash } from 'node:crypto'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BlobDigestError, BlobKeyError, BlobTooLargeError, isBlobKey } from '../../src/server/stores/BlobStore'
import { FsBlobStore } from '../../src/server/stores/FsBlobStore'
import { bytesOf } from './passkeyFlows'

let root: string
let store: FsBlobStore
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'keepsake-blobs-'))
  store = await FsBlobStore.open(root)
})
afterEach(async () => {
  await store.close()
  await rm(root, { recursive: true, force: true })
})

async function read(key: string): Promise<Uint8Array | null> {
  const blob = await store.get(key)
  if (!blob) return null
  return new Uint8Array(await new Response(blob.stream).arrayBuffer())
}

async function tempFiles(): Promise<string[]> {
  return readdir(join(root, '.tmp'))
}

async function* parts(...chunks: Uint8Array[]): AsyncIterable<Uint8Array> {
  for (const chunk of chunks) {
    await new Promise((resolve) => setTimeout(resolve, 1))
    yield chunk
  }
}

describe('FsBlobStore', () => {
  it('stores, reads back, lists by prefix and deletes', async () => {
    const body = bytesOf(300_000, 3)
    expect(await store.put('acct1/chunks/aa', body)).toBe('created')
    expect(await store.put('acct1/chunks/ab', parts(bytesOf(10, 1), bytesOf(20, 2)))).toBe('created')
    expect(await store.put('acct1/manifests/m1', bytesOf(5, 1))).toBe('created')
    expect(await store.put('acct2/chunks/aa', bytesOf(5, 1))).toBe('created')
    expect(await read('acct1/chunks/aa')).toEqual(body)
    expect((await store.get('acct1/chunks/ab'))!.size).toBe(30)
    expect(await store.has('acct1/chunks/aa')).toBe(true)
    expect(await store.has('acct1/chunks/zz')).toBe(false)
    expect(await read('acct1/chunks/zz')).toBeNull()

    const list = async (prefix: string) => {
      const keys: string[] = []
      for await (const key of store.list(prefix)) keys.push(key)
      return keys
    }
    expect(await list('acct1/chunks/')).toEqual(['acct1/chunks/aa', 'acct1/chunks/ab'])
    expect(await list('acct1/chunks/a')).toEqual(['acct1/chunks/aa', 'acct1/chunks/ab'])
    expect(await list('acct1/')).toEqual(['acct1/chunks/aa', 'acct1/chunks/ab', 'acct1/manifests/m1'])
    expect(await list('acct')).toEqual(['acct1/chunks/aa', 'acct1/chunks/ab', 'acct1/manifests/m1', 'acct2/chunks/aa'])
    expect(await list('nobody/')).toEqual([])

    expect(await store.delete('acct1/chunks/aa')).toBe(true)
    expect(await store.delete('acct1/chunks/aa')).toBe(false)
    expect(await store.has('acct1/chunks/aa')).toBe(false)
    expect(await tempFiles()).toEqual([])
  })

  it('is create-only: a second put leaves the first bytes', async () => {
    expect(await store.put('k', bytesOf(10, 1))).toBe('created')
    expect(await store.put('k', bytesOf(10, 2))).toBe('exists')
    expect(await read('k')).toEqual(bytesOf(10, 1))
    expect(await tempFiles()).toEqual([])
  })

  it('lets exactly one of many concurrent puts of a key win, with complete bytes', async () => {
    const bodies = Array.from({ length: 8 }, (_, i) => bytesOf(200_000, i))
    const results = await Promise.all(bodies.map((body) => store.put('race', parts(body.subarray(0, 100_000), body.subarray(100_000)))))
    expect(results.filter((r) => r === 'created')).toHaveLength(1)
    const stored = await read('race')
    expect(bodies.some((body) => Buffer.from(body).equals(Buffer.from(stored!)))).toBe(true)
    expect(await tempFiles()).toEqual([])
  })

  it('leaves no object and no temporary file when a put fails or is aborted part-way', async () => {
    async function* failing(): AsyncIterable<Uint8Array> {
      yield bytesOf(1000, 1)
      throw new Error('connection reset')
    }
    await expect(store.put('failed', failing())).rejects.toThrow('connection reset')

    const controller = new AbortController()
    async function* slow(): AsyncIterable<Uint8Array> {
      yield bytesOf(1000, 1)
      controller.abort(new Error('client went away'))
      yield bytesOf(1000, 2)
    }
    await expect(store.put('aborted', slow(), { signal: controller.signal })).rejects.toThrow('client went away')

    await expect(store.put('big', parts(bytesOf(600, 1), bytesOf(600, 2)), { maxBytes: 1000 })).rejects.toBeInstanceOf(BlobTooLargeError)

    const body = bytesOf(100, 5)
    const wrongDigest = createHash('sha256').update('something else').digest()
    await expect(store.put('digest', body, { expectedSha256: wrongDigest })).rejects.toBeInstanceOf(BlobDigestError)

    for (const key of ['failed', 'aborted', 'big', 'digest']) expect(await store.has(key)).toBe(false)
    expect(await tempFiles()).toEqual([])

    // The right digest and a size within bounds are accepted.
    const digest = createHash('sha256').update(body).digest()
    expect(await store.put('digest', body, { expectedSha256: digest, maxBytes: 100 })).toBe('created')
  })

  it('removes temporary files a crash left behind when it opens', async () => {
    await writeFile(join(root, '.tmp', 'deadbeef'), 'half a chunk')
    await FsBlobStore.open(root)
    expect(await tempFiles()).toEqual([])
  })

  it('refuses keys that could escape the store or collide, before touching the disk', async () => {
    const bad = ['', '/abs', 'a/', 'a//b', '../etc/passwd', 'a/../b', '.tmp/x', 'a/.hidden', 'a\\b', 'a b', 'é', 'x'.repeat(129), 'a/b/c/d/e/f/g/h/i', 'a%2fb']
    for (const key of bad) {
      expect(isBlobKey(key)).toBe(false)
      await expect(store.put(key, bytesOf(1, 1))).rejects.toBeInstanceOf(BlobKeyError)
      await expect(store.get(key)).rejects.toBeInstanceOf(BlobKeyError)
      await expect(store.has(key)).rejects.toBeInstanceOf(BlobKeyError)
      await expect(store.delete(key)).rejects.toBeInstanceOf(BlobKeyError)
    }
    await expect(store.list('../')[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(BlobKeyError)
    expect(await readdir(root)).toEqual(['.tmp'])
    for (const key of ['a', 'A-b_9/c', 'x'.repeat(128), 'a/b/c/d/e/f/g/h']) expect(isBlobKey(key)).toBe(true)
  })

  it('reports itself healthy, and failing when its directory is gone', async () => {
    await expect(store.check()).resolves.toBeUndefined()
    await rm(root, { recursive: true, force: true })
    await expect(store.check()).rejects.toThrow()
  })
})
