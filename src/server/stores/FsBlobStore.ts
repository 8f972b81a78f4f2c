import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { access, constants, link, mkdir, open, readdir, rm, stat, unlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { Readable } from 'node:stream'
import {
  type BlobBody,
  type BlobPutOptions,
  type BlobStore,
  BlobDigestError,
  BlobKeyError,
  BlobTooLargeError,
  type StoredBlob,
  assertBlobKey,
  isBlobPrefix,
} from './BlobStore'

/** Temporary files live beside the objects (same file system, so `link` is atomic). Keys never contain `.`. */
const TEMP_DIR = '.tmp'

/**
 * BlobStore on a local directory: `<root>/<key>`. Writes go to `<root>/.tmp/<random>`, are
 * fsynced, then published with `link(2)`, which fails when the key exists: create-only and atomic
 * without a lock, also across processes sharing the directory. Needs a case-sensitive file system.
 */
export class FsBlobStore implements BlobStore {
  private constructor(private readonly root: string) {}

  /** Opens (creating if needed) the store and removes temporary files a crash left behind. */
  static async open(root: string): Promise<FsBlobStore> {
    await mkdir(join(root, TEMP_DIR), { recursive: true })
    for (const name of await readdir(join(root, TEMP_DIR))) await rm(join(root, TEMP_DIR, name), { force: true })
    return new FsBlobStore(root)
  }

  async put(key: string, body: BlobBody, options: BlobPutOptions = {}): Promise<'created' | 'exists'> {
    assertBlobKey(key)
    const target = join(this.root, key)
    if (await exists(target)) return 'exists'
    const temp = join(this.root, TEMP_DIR, randomBytes(16).toString('hex'))
    try {
      await this.writeTemp(temp, body, options)
      await mkdir(dirname(target), { recursive: true })
      try {
        await link(temp, target)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return 'exists'
        throw e
      }
      await fsyncDir(dirname(target))
      return 'created'
    } finally {
      await rm(temp, { force: true })
    }
  }

  private async writeTemp(temp: string, body: BlobBody, options: BlobPutOptions): Promise<void> {
    const { maxBytes = Number.POSITIVE_INFINITY, expectedSha256, signal } = options
    signal?.throwIfAborted()
    const file = await open(temp, 'wx', 0o600)
    try {
      const hash = createHash('sha256')
      let size = 0
      for await (const part of body instanceof Uint8Array ? [body] : body) {
        signal?.throwIfAborted()
        size += part.byteLength
        if (size > maxBytes) throw new BlobTooLargeError(maxBytes)
        hash.update(part)
        await file.write(part)
      }
      signal?.throwIfAborted()
      if (options.length !== undefined && size !== options.length) {
        throw new Error(`blob store: the body has ${size} bytes, not its announced ${options.length}`)
      }
      if (expectedSha256 && !sameBytes(hash.digest(), expectedSha256)) throw new BlobDigestError()
      await file.sync()
    } finally {
      await file.close()
    }
  }

  async get(key: string): Promise<StoredBlob | null> {
    assertBlobKey(key)
    const path = join(this.root, key)
    const info = await stat(path).catch(ifMissing(null))
    if (!info?.isFile()) return null
    const stream = Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>
    return { size: info.size, stream }
  }

  async has(key: string): Promise<boolean> {
    assertBlobKey(key)
    return exists(join(this.root, key))
  }

  async delete(key: string): Promise<boolean> {
    assertBlobKey(key)
    try {
      await unlink(join(this.root, key))
      return true
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false
      throw e
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    if (!isBlobPrefix(prefix)) throw new BlobKeyError(prefix)
    const cut = prefix.lastIndexOf('/') + 1
    yield* this.walk(prefix.slice(0, cut), prefix)
  }

  /** Depth-first in byte order; a directory `a` is visited where `a/…` sorts among its siblings. */
  private async *walk(dir: string, prefix: string): AsyncIterable<string> {
    const entries = await readdir(join(this.root, dir), { withFileTypes: true }).catch(ifMissing([]))
    const names = entries
      .filter((entry) => entry.name !== TEMP_DIR)
      .map((entry) => ({ key: dir + entry.name + (entry.isDirectory() ? '/' : ''), isDir: entry.isDirectory() }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    for (const { key, isDir } of names) {
      if (isDir) {
        if (key.startsWith(prefix) || prefix.startsWith(key)) yield* this.walk(key, prefix)
      } else if (key.startsWith(prefix)) {
        yield key
      }
    }
  }

  async check(): Promise<void> {
    await access(join(this.root, TEMP_DIR), constants.R_OK | constants.W_OK)
  }

  async close(): Promise<void> {
    // Every write is synced before `put` resolves; nothing is buffered here.
  }
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(ifMissing(null))) !== null
}

function ifMissing<T>(fallback: T) {
  return (e: unknown): T => {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return fallback
    throw e
  }
}

/** A new directory entry is durable only once its directory is synced. */
async function fsyncDir(path: string): Promise<void> {
  const dir = await open(path, 'r')
  try {
    await dir.sync()
  } finally {
    await dir.close()
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && timingSafeEqual(a, b)
}
