import { Hono } from 'hono'
import { assertChunkId } from '../backups/backupIds'
import { storeChunk } from '../backups/storeChunk'
import type { AppDeps, AppEnv } from '../http/AppEnv'
import { ApiError } from '../http/ApiError'
import { contentDigest, readContentDigest } from '../http/contentDigest'
import { jsonBodyLimit } from '../http/jsonBodyLimit'
import { readJson } from '../http/readJson'
import { requireSession } from '../http/sessionCookie'
import { MAX_MISSING_IDS, MissingChunksBody } from './apiSchemas'

/** Room for MAX_MISSING_IDS quoted 64-character ids and the JSON around them. */
const MISSING_BODY_BYTES = MAX_MISSING_IDS * 67 + 1024
const OCTET_STREAM = /^application\/octet-stream\s*(;|$)/i

/**
 * Content-addressed chunks of the session's account: which are missing, upload one, download
 * one. Every lookup is by (account, chunk id), so another account's chunk is simply not found.
 */
export function chunkRoutes(deps: AppDeps) {
  const { config, blobs, meta, clock } = deps
  return new Hono<AppEnv>()
    .post('/missing', jsonBodyLimit(Math.max(config.maxJsonBytes, MISSING_BODY_BYTES)), async (c) => {
      const session = requireSession(c)
      const { ids } = await readJson(c, MissingChunksBody)
      ids.forEach((id, i) => assertChunkId(id, `ids[${i}]`))
      const held = new Set(await meta.touchChunks(session.accountId, ids, clock()))
      return c.json({ missing: ids.filter((id) => !held.has(id)) })
    })
    .put('/:id', async (c) => {
      const session = requireSession(c)
      const chunkId = c.req.param('id')
      assertChunkId(chunkId)
      const type = c.req.header('content-type')
      if (type !== undefined && !OCTET_STREAM.test(type)) throw new ApiError('unsupported-media-type', 'send the chunk as application/octet-stream')
      const sha256 = readContentDigest(c.req.header('content-digest'))
      const length = c.req.header('content-length')
      const stored = await storeChunk(deps, {
        accountId: session.accountId,
        chunkId,
        sha256,
        declaredLength: length === undefined ? null : Number(length),
        body: (c.req.raw.body as ReadableStream<Uint8Array> | null) ?? new Blob([]).stream(),
        signal: c.req.raw.signal,
      })
      return stored === 'created' ? c.json({ stored: true }, 201) : c.json({ stored: false }, 200)
    })
    .get('/:id', async (c) => {
      const session = requireSession(c)
      const chunkId = c.req.param('id')
      assertChunkId(chunkId)
      const chunk = await meta.getChunk(session.accountId, chunkId)
      // No blob behind a record: garbage collection took it between the two reads.
      const blob = chunk && (await blobs.get(chunk.blobKey))
      if (!chunk || !blob) throw new ApiError('not-found', 'no such chunk')
      const headers = {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(blob.size),
        'Content-Digest': contentDigest(chunk.sha256),
      }
      // Hono answers HEAD with this handler and drops the body: close the file rather than leave it open.
      if (c.req.method === 'HEAD') {
        await blob.stream.cancel()
        return c.body(null, 200, headers)
      }
      return c.body(blob.stream, 200, headers)
    })
}
