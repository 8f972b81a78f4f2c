import { fromBase64url } from '../account/base64url'
import type { ChunkIdHex, SnapshotId } from '../db/BackupDB'
import { AppError } from '../errors'
import { backupStorageRequest } from './backupStorageRequest'

/** A snapshot as `GET /api/snapshots` lists it (what the server can know: no names, no device). */
export interface SnapshotListing {
  id: SnapshotId
  createdAt: number
  sizeBytes: number
  chunkCount: number
}

export interface SnapshotRecord extends Omit<SnapshotListing, 'chunkCount'> {
  chunkIds: ChunkIdHex[]
  /** The sealed manifest (docs/FORMAT.md §5); opened and checked by the caller. */
  manifest: Uint8Array
}

const SNAPSHOT_ID = /^[0-9a-f]{32}$/
const time = (value: unknown) => (typeof value === 'number' ? value : Date.parse(String(value)))

/** The backup storage API's snapshot reads (docs/API.md); answers are checked before use. */
export const snapshotApi = {
  /** This account's snapshots, newest first. */
  async list(): Promise<SnapshotListing[]> {
    const json = (await (await backupStorageRequest('/api/snapshots', 'snapshot-missing')).json()) as { snapshots?: unknown }
    if (!Array.isArray(json.snapshots)) throw new AppError('server-rejected', 'GET /api/snapshots answered without a list')
    const listed: SnapshotListing[] = []
    for (const s of json.snapshots as Record<string, unknown>[]) {
      if (typeof s.id !== 'string' || !SNAPSHOT_ID.test(s.id)) continue
      listed.push({ id: s.id as SnapshotId, createdAt: time(s.createdAt), sizeBytes: Number(s.sizeBytes) || 0, chunkCount: Number(s.chunkCount) || 0 })
    }
    return listed.sort((a, b) => b.createdAt - a.createdAt)
  },

  async get(id: SnapshotId): Promise<SnapshotRecord> {
    if (!SNAPSHOT_ID.test(id)) throw new Error('restore: internal error: snapshot id')
    const s = (await (await backupStorageRequest(`/api/snapshots/${id}`, 'snapshot-missing')).json()) as Record<string, unknown>
    if (typeof s.manifest !== 'string' || !Array.isArray(s.chunkIds)) throw new AppError('server-rejected', `GET /api/snapshots/${id} answered without a manifest`)
    let manifest: Uint8Array
    try {
      manifest = fromBase64url(s.manifest)
    } catch (cause) {
      throw new AppError('manifest-corrupt', `the manifest of ${id} is not base64url`, { cause })
    }
    return { id, createdAt: time(s.createdAt), sizeBytes: Number(s.sizeBytes) || 0, chunkIds: s.chunkIds as ChunkIdHex[], manifest }
  },
}
