import { createHash, timingSafeEqual } from 'node:crypto'
import { Agent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { Readable } from 'node:stream'
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3'
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

export interface S3BlobStoreOptions {
  bucket: string
  /** Put before every key: empty, or segments ending in `/` (e.g. `keepsake/`). */
  prefix: string
  /** Address buckets as `endpoint/bucket` (Ceph RGW, MinIO) rather than `bucket.endpoint`. */
  forcePathStyle: boolean
}

/** Connections to the object store per server process: a slow client's upload holds one for as long as it sends. */
const MAX_SOCKETS = 256

/**
 * BlobStore on any S3-compatible object store. Endpoint, region and credentials come from the
 * SDK's standard sources (AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * profiles, instance roles).
 *
 * Writes are `PutObject` with `If-None-Match: *` (412 = the key exists) and a streamed body of
 * the announced length. The body is hashed as it passes, and its last part is held back until
 * the whole body has arrived and matched `expectedSha256`: on a mismatch, an oversize or a cut-off
 * body the request is destroyed before its last byte, so the store never completes the object
 * (Ceph RGW 16 ignores `x-amz-checksum-sha256`; the header is still sent for stores that check it).
 * A body of unknown length (chunked transfer) is read into memory up to `maxBytes` first.
 */
export class S3BlobStore implements BlobStore {
  private constructor(
    private readonly s3: S3Client,
    private readonly options: S3BlobStoreOptions,
  ) {}

  /** Opens the store and checks the bucket answers, so a wrong bucket or endpoint fails at start. */
  static async open(options: S3BlobStoreOptions): Promise<S3BlobStore> {
    if (!isBlobPrefix(options.prefix) || !(options.prefix === '' || options.prefix.endsWith('/'))) throw new BlobKeyError(options.prefix)
    const s3 = new S3Client({
      forcePathStyle: options.forcePathStyle,
      requestHandler: {
        connectionTimeout: 10_000,
        httpAgent: new Agent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
        httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
      },
    })
    const store = new S3BlobStore(s3, options)
    try {
      await store.check()
    } catch (e) {
      s3.destroy()
      throw new Error(`blob store: cannot use bucket ${options.bucket}: ${explain(e)}`, { cause: e })
    }
    return store
  }

  private key(key: string): string {
    return this.options.prefix + key
  }

  async put(key: string, body: BlobBody, options: BlobPutOptions = {}): Promise<'created' | 'exists'> {
    assertBlobKey(key)
    options.signal?.throwIfAborted()
    if (body instanceof Uint8Array) return this.putBytes(key, [body], body.byteLength, options)
    if (options.length === undefined) {
      const { parts, size } = await readAll(body, options)
      return this.putBytes(key, parts, size, options)
    }
    return this.putStreamed(key, body, options.length, options)
  }

  /** Bytes already in memory: checked first, then sent. */
  private async putBytes(key: string, parts: Uint8Array[], size: number, options: BlobPutOptions): Promise<'created' | 'exists'> {
    const hash = createHash('sha256')
    for (const part of parts) hash.update(part)
    if (size > (options.maxBytes ?? Number.POSITIVE_INFINITY)) throw new BlobTooLargeError(options.maxBytes!)
    if (options.length !== undefined && size !== options.length) throw lengthMismatch(size, options.length)
    if (options.expectedSha256 && !sameBytes(hash.digest(), options.expectedSha256)) throw new BlobDigestError()
    const bytes = parts.length === 1 ? Buffer.from(parts[0]!.buffer, parts[0]!.byteOffset, parts[0]!.byteLength) : Buffer.concat(parts)
    return this.send(key, bytes, size, options, options.signal)
  }

  private async putStreamed(key: string, body: AsyncIterable<Uint8Array>, length: number, options: BlobPutOptions): Promise<'created' | 'exists'> {
    const { maxBytes = Number.POSITIVE_INFINITY, expectedSha256, signal } = options
    if (length > maxBytes) throw new BlobTooLargeError(maxBytes)
    const cancel = new AbortController()
    let failure: { error: unknown } | undefined
    const fail = (error: unknown) => {
      failure ??= { error }
      cancel.abort(error)
    }
    const onAbort = () => fail(signal!.reason)
    signal?.addEventListener('abort', onAbort, { once: true })

    async function* verified(): AsyncGenerator<Uint8Array> {
      const hash = createHash('sha256')
      let size = 0
      let held: Uint8Array | undefined
      try {
        for await (const part of body) {
          signal?.throwIfAborted()
          size += part.byteLength
          if (size > maxBytes) throw new BlobTooLargeError(maxBytes)
          if (size > length) throw lengthMismatch(size, length)
          hash.update(part)
          if (held) yield held
          held = part
        }
        signal?.throwIfAborted()
        if (size !== length) throw lengthMismatch(size, length)
        if (expectedSha256 && !sameBytes(hash.digest(), expectedSha256)) throw new BlobDigestError()
      } catch (e) {
        // Destroys the request with its last part unsent: the object is never completed.
        fail(e)
        throw e
      }
      if (held) yield held
    }

    const stream = Readable.from(verified(), { objectMode: false })
    stream.on('error', () => undefined) // the failure is rethrown below, once the request has been destroyed
    try {
      return await this.send(key, stream, length, options, cancel.signal)
    } catch (e) {
      if (failure) throw failure.error
      throw e
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
  }

  private async send(key: string, body: Buffer | Readable, length: number, options: BlobPutOptions, abortSignal?: AbortSignal): Promise<'created' | 'exists'> {
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: this.key(key),
          Body: body,
          ContentLength: length,
          ContentType: 'application/octet-stream',
          IfNoneMatch: '*',
          ChecksumSHA256: options.expectedSha256 ? Buffer.from(options.expectedSha256).toString('base64') : undefined,
        }),
        { abortSignal },
      )
      return 'created'
    } catch (e) {
      if (statusOf(e) === 412) return 'exists'
      throw e
    }
  }

  async get(key: string): Promise<StoredBlob | null> {
    assertBlobKey(key)
    try {
      const answer = await this.s3.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(key) }))
      if (!answer.Body) throw new Error('blob store: internal error: an object without a body')
      return { size: answer.ContentLength ?? 0, stream: answer.Body.transformToWebStream() as ReadableStream<Uint8Array> }
    } catch (e) {
      if (statusOf(e) === 404) return null
      throw e
    }
  }

  async has(key: string): Promise<boolean> {
    assertBlobKey(key)
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.key(key) }))
      return true
    } catch (e) {
      if (statusOf(e) === 404) return false
      throw e
    }
  }

  /** S3 deletes answer 204 whether or not the object was there, so the answer comes from a HEAD first. */
  async delete(key: string): Promise<boolean> {
    const existed = await this.has(key)
    if (existed) await this.s3.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.key(key) }))
    return existed
  }

  /** S3 lists keys in ascending UTF-8 byte order, which for the ASCII of blob keys is byte order. */
  async *list(prefix: string): AsyncIterable<string> {
    if (!isBlobPrefix(prefix)) throw new BlobKeyError(prefix)
    let token: string | undefined
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: this.key(prefix), ContinuationToken: token }),
      )
      for (const object of page.Contents ?? []) {
        if (object.Key?.startsWith(this.options.prefix)) yield object.Key.slice(this.options.prefix.length)
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
  }

  async check(): Promise<void> {
    await this.s3.send(new HeadBucketCommand({ Bucket: this.options.bucket }))
  }

  async close(): Promise<void> {
    this.s3.destroy()
  }
}

/** Reads a body of unknown length, at most `maxBytes` of it. */
async function readAll(body: AsyncIterable<Uint8Array>, options: BlobPutOptions): Promise<{ parts: Uint8Array[]; size: number }> {
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY
  const parts: Uint8Array[] = []
  let size = 0
  for await (const part of body) {
    options.signal?.throwIfAborted()
    size += part.byteLength
    if (size > maxBytes) throw new BlobTooLargeError(maxBytes)
    parts.push(part)
  }
  options.signal?.throwIfAborted()
  return { parts, size }
}

function lengthMismatch(size: number, length: number): Error {
  return new Error(`blob store: the body has ${size > length ? 'more' : 'fewer'} bytes than its announced ${length}`)
}

function statusOf(e: unknown): number | undefined {
  return e instanceof S3ServiceException ? e.$metadata.httpStatusCode : (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode
}

/** An S3 error names its code; a network error only its message. */
function explain(e: unknown): string {
  const status = statusOf(e)
  const name = (e as Error)?.name ?? 'Error'
  if (status === 404) return 'no such bucket (create it first)'
  if (status === 403) return 'access denied (check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)'
  return status ? `${name} (HTTP ${status})` : `${name}: ${(e as Error)?.message ?? String(e)}`
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && timingSafeEqual(a, b)
}
