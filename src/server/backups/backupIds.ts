import { CHUNK_ID_SIZE, SNAPSHOT_ID_SIZE } from '../../format/constants'
import { ApiError } from '../http/ApiError'

/** A chunk id: the format's 32-byte keyed hash, as exactly 64 lower-case hex characters. */
const CHUNK_ID = new RegExp(`^[0-9a-f]{${CHUNK_ID_SIZE * 2}}$`)
/** A snapshot id: the format's 16 random bytes, as exactly 32 lower-case hex characters. */
const SNAPSHOT_ID = new RegExp(`^[0-9a-f]{${SNAPSHOT_ID_SIZE * 2}}$`)

export function isChunkId(value: unknown): value is string {
  return typeof value === 'string' && CHUNK_ID.test(value)
}

export function isSnapshotId(value: unknown): value is string {
  return typeof value === 'string' && SNAPSHOT_ID.test(value)
}

/** 400 `bad-chunk-id` unless `value` is a chunk id. One spelling per id, so no two keys name one chunk. */
export function assertChunkId(value: unknown, where = 'the chunk id'): asserts value is string {
  if (!isChunkId(value)) throw new ApiError('bad-chunk-id', `${where} must be ${CHUNK_ID_SIZE * 2} lower-case hex characters`)
}

export function assertSnapshotId(value: unknown, where = 'the snapshot id'): asserts value is string {
  if (!isSnapshotId(value)) throw new ApiError('bad-snapshot-id', `${where} must be ${SNAPSHOT_ID_SIZE * 2} lower-case hex characters`)
}
