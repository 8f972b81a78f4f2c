import { createHash } from 'node:crypto'
import { Hono } from 'hono'
import { assertChunkId, assertSnapshotId } from '../backups/backupIds'
import type { AppDeps, AppEnv } from '../http/AppEnv'
import { ApiError } from '../http/ApiError'
import { jsonBodyLimit } from '../http/jsonBodyLimit'
import { readJson } from '../http/readJson'
import { requireSession } from '../http/sessionCookie'
import type { SnapshotRecord } from '../stores/backupRecords'
import { MAX_MANIFEST_BYTES, MAX_SNAPSHOT_CHUNKS, SnapshotBody } from './apiSchemas'

/** Room for the largest manifest in base64url, MAX_SNAPSHOT_CHUNKS quoted ids and the JSON around them. */
const SNAPSHOT_BODY_BYTES = Math.ceil((MAX_MANIFEST_BYTES * 4) / 3) + MAX_SNAPSHOT_CHUNKS * 67 + 4096

const iso = (ms: number) => new Date(ms).toISOString()

function snapshotJson(s: SnapshotRecord) {
  return { id: s.id, createdAt: iso(s.createdAt), sizeBytes: s.sizeBytes, chunkCount: s.chunkCount }
}

/**
 * Snapshots of the session's account: a sealed manifest (opaque here) and the chunks it names,
 * committed in one transaction only when every chunk is stored; the newest RETAIN_SNAPSHOTS are
 * kept. Another account's snapshot is simply not found.
 */
export function snapshotRoutes({ config, meta, clock, log }: AppDeps) {
  return new Hono<AppEnv>()
    .post('/', jsonBodyLimit(Math.max(config.maxJsonBytes, SNAPSHOT_BODY_BYTES)), async (c) => {
      const session = requireSession(c)
      const { id, manifest, chunkIds, sizeBytes } = await readJson(c, SnapshotBody)
      assertSnapshotId(id, 'id')
      chunkIds.forEach((chunkId, i) => assertChunkId(chunkId, `chunkIds[${i}]`))
      const manifestHash = createHash('sha256').update(manifest).digest('hex')
      const contentHash = createHash('sha256').update(JSON.stringify([manifestHash, chunkIds, sizeBytes])).digest()
      const record = { accountId: session.accountId, id, createdAt: clock(), sizeBytes, chunkCount: chunkIds.length, contentHash }
      const commit = await meta.commitSnapshot(record, manifest, chunkIds, config.retainSnapshots)
      switch (commit.outcome) {
        case 'missing-chunks':
          throw new ApiError('missing-chunks', `${commit.missing.length} of the chunks named are not stored; upload them first`, { missing: commit.missing })
        case 'conflict':
          throw new ApiError('snapshot-exists', 'a different snapshot was already committed with this id')
        case 'exists':
          return c.json({ id, createdAt: iso(commit.snapshot.createdAt) }, 200)
        case 'created':
          if (commit.removed.length) log.info('snapshots retired', { requestId: c.get('requestId'), count: commit.removed.length })
          return c.json({ id, createdAt: iso(commit.snapshot.createdAt) }, 201)
      }
    })
    .get('/', async (c) => {
      const session = requireSession(c)
      return c.json({ snapshots: (await meta.listSnapshots(session.accountId)).map(snapshotJson) })
    })
    .get('/:id', async (c) => {
      const session = requireSession(c)
      const id = c.req.param('id')
      assertSnapshotId(id)
      const snapshot = await meta.getSnapshot(session.accountId, id)
      if (!snapshot) throw new ApiError('not-found', 'no such snapshot')
      return c.json({
        id: snapshot.id,
        createdAt: iso(snapshot.createdAt),
        sizeBytes: snapshot.sizeBytes,
        chunkIds: snapshot.chunkIds,
        manifest: Buffer.from(snapshot.manifest).toString('base64url'),
      })
    })
    .delete('/:id', async (c) => {
      const session = requireSession(c)
      const id = c.req.param('id')
      assertSnapshotId(id)
      if (!(await meta.deleteSnapshot(session.accountId, id))) throw new ApiError('not-found', 'no such snapshot')
      return c.body(null, 204)
    })
}
