import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { AppDeps } from '../http/AppEnv'
import { ApiError } from '../http/ApiError'
import { BlobDigestError, BlobTooLargeError } from '../stores/BlobStore'

export interface ChunkUpload {
  accountId: string
  chunkId: string
  /** SHA-256 the request's Content-Digest announced. */
  sha256: Uint8Array
  /** The request's Content-Length, or `null` for a chunked body. */
  declaredLength: number | null
  body: AsyncIterable<Uint8Array>
  /** Aborted when the client goes away. */
  signal: AbortSignal
}

/** The request body failed while being read: the client closed the connection or sent less than it declared. */
class BodyReadError extends Error {
  override readonly name = 'BodyReadError'
}

const HOUR_MS = 3_600_000

/**
 * PUT /api/chunks/:id. A chunk the account already holds is touched, its body still read and
 * verified, and nothing written (`'exists'`). Otherwise the body streams into a new blob under a
 * key unique to this upload (listed as pending first, so a crash leaves nothing that garbage
 * collection will not find), which the MetaStore then adopts in one transaction that also
 * enforces the quota. A body that is cut off, too large or does not match its digest leaves no
 * blob and no record.
 */
export async function storeChunk(deps: Pick<AppDeps, 'config' | 'blobs' | 'meta' | 'clock' | 'log'>, upload: ChunkUpload): Promise<'created' | 'exists'> {
  const { config, blobs, meta, clock, log } = deps
  const { accountId, chunkId, sha256, declaredLength } = upload
  if (declaredLength !== null && declaredLength > config.maxChunkBytes) throw tooLarge(config.maxChunkBytes)

  if ((await meta.touchChunks(accountId, [chunkId], clock())).length) {
    await drainVerified(upload, config.maxChunkBytes)
    return 'exists'
  }

  const usedBytes = config.quotaBytes ? await meta.chunkBytes(accountId) : 0
  const remaining = config.quotaBytes ? Math.max(config.quotaBytes - usedBytes, 0) : Number.POSITIVE_INFINITY
  if (declaredLength !== null && declaredLength > remaining) throw quotaExceeded(usedBytes, config.quotaBytes)

  const blobKey = `chunks/${accountId}/${chunkId}-${randomBytes(8).toString('hex')}`
  const discard = async () => {
    try {
      await blobs.delete(blobKey)
      await meta.releaseBlob(blobKey)
    } catch (e) {
      // Still listed as pending: garbage collection deletes it when its lease runs out.
      log.warn('discarding a chunk blob failed', { message: (e as Error).message })
    }
  }

  await meta.reserveBlob(blobKey, clock() + config.gcGraceHours * HOUR_MS)
  const counted = countBytes(upload.body)
  const maxBytes = Math.min(config.maxChunkBytes, remaining)
  try {
    const written = await blobs.put(blobKey, counted, {
      maxBytes,
      length: declaredLength ?? undefined,
      expectedSha256: sha256,
      signal: upload.signal,
    })
    if (written !== 'created') throw new Error('server: internal error: a fresh blob key already existed')
  } catch (e) {
    await discard()
    if (e instanceof BlobTooLargeError) throw maxBytes < config.maxChunkBytes ? quotaExceeded(usedBytes, config.quotaBytes) : tooLarge(config.maxChunkBytes)
    throw asApiError(e, upload.signal)
  }

  const now = clock()
  const commit = await meta.commitChunk(
    { accountId, chunkId, blobKey, size: counted.bytes, sha256, createdAt: now, touchedAt: now },
    config.quotaBytes,
  )
  if (commit.outcome === 'created') return 'created'
  if (commit.outcome === 'lease-lost') {
    await blobs.delete(blobKey).catch(() => false) // garbage collection owns it now; deleting twice is harmless
    throw new ApiError('unavailable', 'the upload took longer than the server keeps an unfinished chunk; send it again', {}, { 'Retry-After': '1' })
  }
  await discard()
  if (commit.outcome === 'quota-exceeded') throw quotaExceeded(commit.usedBytes, config.quotaBytes)
  return 'exists' // an identical upload of this account finished first
}

/** Reads the body of a chunk already stored, checking its size and digest without writing anything. */
async function drainVerified(upload: ChunkUpload, maxBytes: number): Promise<void> {
  const hash = createHash('sha256')
  let size = 0
  try {
    for await (const part of upload.body) {
      size += part.byteLength
      if (size > maxBytes) throw tooLarge(maxBytes)
      hash.update(part)
    }
  } catch (e) {
    if (e instanceof ApiError) throw e
    throw asApiError(new BodyReadError(String((e as Error)?.message ?? e), { cause: e }), upload.signal)
  }
  if (!timingSafeEqual(hash.digest(), upload.sha256)) throw asApiError(new BlobDigestError(), upload.signal)
}

/** The body, counting what passed through; a read failure becomes a {@link BodyReadError}. */
function countBytes(body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> & { bytes: number } {
  const counted = {
    bytes: 0,
    async *[Symbol.asyncIterator]() {
      const iterator = body[Symbol.asyncIterator]()
      for (;;) {
        let next: IteratorResult<Uint8Array>
        try {
          next = await iterator.next()
        } catch (e) {
          throw new BodyReadError(String((e as Error)?.message ?? e), { cause: e })
        }
        if (next.done) return
        counted.bytes += next.value.byteLength
        yield next.value
      }
    },
  }
  return counted
}

/** A failed read of the body, or any failure once the client has gone (the signal's reason may be any value), is the client's. */
function asApiError(e: unknown, signal: AbortSignal): unknown {
  if (e instanceof BlobDigestError) return new ApiError('digest-mismatch', 'the body’s SHA-256 differs from its Content-Digest; nothing was stored')
  if (e instanceof BodyReadError || signal.aborted) {
    return new ApiError('bad-request', 'the body ended before all of it arrived; nothing was stored')
  }
  return e
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError('chunk-too-large', `a chunk may be at most ${maxBytes} bytes`, { maxBytes })
}

function quotaExceeded(usedBytes: number, quotaBytes: number): ApiError {
  return new ApiError('quota-exceeded', 'this chunk would take the account past its storage quota', { usedBytes, quotaBytes })
}
