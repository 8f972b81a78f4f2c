import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { S3BlobStore } from '../../src/server/stores/S3BlobStore'
import { type TestStorage, blobBackends, provisionStorage } from './backends'
import { bytesOf } from './passkeyFlows'

const s3 = blobBackends.find((backend) => backend.s3)

/** What only the S3 store has: a key prefix in a shared bucket, and a bucket checked at start. */
describe.runIf(s3)('S3BlobStore', () => {
  let storage: TestStorage
  beforeEach(async () => {
    storage = await provisionStorage(s3)
  })
  afterEach(async () => {
    await storage.dispose()
  })
  const open = (prefix: string) => S3BlobStore.open({ bucket: storage.env.S3_BUCKET!, prefix, forcePathStyle: true })

  it('keeps each deployment inside its prefix of a shared bucket', async () => {
    const mine = await open(storage.env.S3_PREFIX!)
    const neighbour = await open(`${storage.env.S3_PREFIX}neighbour/`)
    try {
      expect(await mine.put('chunks/a', bytesOf(10, 1))).toBe('created')
      expect(await neighbour.put('chunks/a', bytesOf(10, 2))).toBe('created')
      expect(await storage.blobKeys('')).toEqual(['chunks/a', 'neighbour/chunks/a'])
      const listed: string[] = []
      for await (const key of neighbour.list('')) listed.push(key)
      expect(listed).toEqual(['chunks/a'])
      expect(Buffer.from(await new Response((await neighbour.get('chunks/a'))!.stream).arrayBuffer()).equals(bytesOf(10, 2))).toBe(true)
      expect(await neighbour.delete('chunks/a')).toBe(true)
      expect(await mine.has('chunks/a')).toBe(true)
    } finally {
      await Promise.all([mine.close(), neighbour.close()])
    }
  })

  it('refuses to open on a bucket that does not exist or a prefix that is not a key prefix, saying why', async () => {
    await expect(S3BlobStore.open({ bucket: 'no-such-bucket-here', prefix: '', forcePathStyle: true })).rejects.toThrow(
      'blob store: cannot use bucket no-such-bucket-here: no such bucket (create it first)',
    )
    await expect(open('../escape/')).rejects.toThrow(/invalid key/)
    await expect(open('no-slash')).rejects.toThrow(/invalid key/)
  })
})
