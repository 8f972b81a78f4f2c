import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BlobKeyError, isBlobKey } from '../../src/server/stores/BlobStore'
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

async function tempFiles(): Promise<string[]> {
  return readdir(join(root, '.tmp'))
}

/** What only the directory store has: temporary files beside the objects, and its directory. The shared contract is in BlobStore.test.ts. */
describe('FsBlobStore', () => {
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
