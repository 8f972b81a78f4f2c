/**
 * Opaque bytes by key. The server stores only ciphertext here (encrypted chunks and manifests),
 * so a BlobStore never interprets what it holds.
 *
 * Every implementation (local directory, S3-compatible) MUST:
 * - reject a key that {@link isBlobKey} refuses with {@link BlobKeyError} before touching storage;
 * - make `put` create-only and atomic: a reader sees either no object or the complete object,
 *   never a partial one; a failed or aborted `put` leaves no object behind;
 * - check `maxBytes` and `expectedSha256` before the object becomes visible.
 *
 * The local directory store does this with a temp file, fsync and `link(2)`; an S3-compatible store
 * with a streamed `PutObject` carrying `If-None-Match: *` whose last part is sent only once the
 * whole body has been checked (docs/SCALE.md).
 */
export interface BlobStore {
  /**
   * Stores `body` under `key` unless the key already exists. Resolves `'exists'` (leaving the
   * stored bytes untouched) when it does. Rejects with {@link BlobTooLargeError} past `maxBytes`,
   * {@link BlobDigestError} when the SHA-256 of the body differs from `expectedSha256`, or the
   * signal's reason when aborted; in every such case nothing is stored.
   */
  put(key: string, body: BlobBody, options?: BlobPutOptions): Promise<'created' | 'exists'>
  /** The object's bytes as a stream, or `null` when there is no such object. */
  get(key: string): Promise<StoredBlob | null>
  has(key: string): Promise<boolean>
  /** Resolves `true` when an object was deleted, `false` when there was none. */
  delete(key: string): Promise<boolean>
  /** Keys starting with `prefix`, in ascending byte order. */
  list(prefix: string): AsyncIterable<string>
  /** Throws when the store cannot currently read and write (health check). */
  check(): Promise<void>
  close(): Promise<void>
}

export type BlobBody = Uint8Array | AsyncIterable<Uint8Array>

export interface BlobPutOptions {
  maxBytes?: number
  /**
   * The body's length when known up front (an HTTP Content-Length). A store that streams to a
   * network service needs it to send the body as it arrives; a body of another length is refused.
   */
  length?: number
  expectedSha256?: Uint8Array
  signal?: AbortSignal
}

export interface StoredBlob {
  size: number
  stream: ReadableStream<Uint8Array>
}

/** A key is 1–8 segments joined by `/`; a segment is 1–128 characters of `A–Z a–z 0–9 _ -`. */
const SEGMENT = /^[A-Za-z0-9_-]{1,128}$/
const MAX_SEGMENTS = 8

/**
 * Keys carry no `.`, no leading, trailing or doubled `/` and no `\`, so no key can name a path
 * outside the store, a temporary file, or two different objects on a case-sensitive store.
 */
export function isBlobKey(key: unknown): key is string {
  if (typeof key !== 'string') return false
  const segments = key.split('/')
  return segments.length <= MAX_SEGMENTS && segments.every((segment) => SEGMENT.test(segment))
}

/** A list prefix is a key prefix: any leading part of a valid key (or empty, for everything). */
export function isBlobPrefix(prefix: unknown): prefix is string {
  if (typeof prefix !== 'string') return false
  if (prefix === '') return true
  const segments = prefix.split('/')
  const last = segments.pop()!
  return (last === '' || SEGMENT.test(last)) && segments.length < MAX_SEGMENTS && segments.every((s) => SEGMENT.test(s))
}

export function assertBlobKey(key: unknown): asserts key is string {
  if (!isBlobKey(key)) throw new BlobKeyError(key)
}

export class BlobKeyError extends Error {
  override readonly name = 'BlobKeyError'
  constructor(key: unknown) {
    super(`blob store: invalid key ${JSON.stringify(String(key)).slice(0, 80)}`)
  }
}

export class BlobTooLargeError extends Error {
  override readonly name = 'BlobTooLargeError'
  constructor(readonly maxBytes: number) {
    super(`blob store: body exceeds ${maxBytes} bytes`)
  }
}

export class BlobDigestError extends Error {
  override readonly name = 'BlobDigestError'
  constructor() {
    super('blob store: body does not match its expected SHA-256')
  }
}
