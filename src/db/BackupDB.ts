import Dexie, { type EntityTable } from 'dexie'
import type { ErrorCode } from '../errors'

/** A snapshot id: 16 random bytes in lower-case hex (docs/FORMAT.md §5). */
export type SnapshotId = string & { readonly __brand: 'SnapshotId' }
/** A chunk id: the keyed hash of a chunk's plaintext in lower-case hex (docs/FORMAT.md §3). */
export type ChunkIdHex = string & { readonly __brand: 'ChunkIdHex' }

/**
 * `pending`: claimed by a running backup, being sealed; `staged`: sealed, its object waits in the
 * staging area; `uploading` / `done`: the uploader's states. Any state but `pending` means "known":
 * a later backup names the chunk without sealing it again.
 */
export type ChunkState = 'pending' | 'staged' | 'uploading' | 'done'

/** One row per distinct chunk of this account: the chunk index and the upload outbox in one. */
export interface OutboxChunk {
  id: ChunkIdHex
  /** Plaintext bytes (what the manifest lists). */
  length: number
  /** Bytes of the sealed object in the staging area / on the server. */
  storedSize: number
  state: ChunkState
  /** The backup run that sealed it. */
  runId: SnapshotId
  attempts: number
  /** When the uploader may try it again (ms since epoch; 0 = now). */
  nextAttemptAt: number
  /** Hex of the object's last 16 bytes (its GCM tag): lets the uploader notice a torn staged file. */
  tag: string
}

export type RunState = 'running' | 'staged' | 'failed'

/** A backup run, from reading the chats to a sealed manifest; its progress is what the UI shows. */
export interface BackupRun {
  id: SnapshotId
  parent: SnapshotId | null
  device: string
  state: RunState
  startedAt: number
  finishedAt: number | null
  /** Plaintext bytes to read (attachments, thumbnails, estimated message pages) and read so far. */
  bytesTotal: number
  bytesDone: number
  /** Chunks the manifest names, chunks sealed by this run and their plaintext and stored bytes. */
  chunkCount: number
  newChunks: number
  newBytes: number
  stagedBytes: number
  /** True while sealing waits for the uploader to free staging space. */
  waitingForSpace: boolean
  /** The sealed manifest (docs/FORMAT.md §5), once the run is `staged`. */
  manifest: Uint8Array | null
  error: ErrorCode | null
}

/** A sealed chunk object kept in IndexedDB, where the staging area cannot use OPFS. */
export interface StagedObject {
  id: ChunkIdHex
  object: Blob
}

export const BACKUP_DB_NAME = 'keepsake-backup'

/**
 * The backup engine's database: runs, the chunk index / outbox and staged objects (IndexedDB
 * staging only). Never edit an existing `version(n)`: add `version(n + 1)`.
 */
export class BackupDB extends Dexie {
  runs!: EntityTable<BackupRun, 'id'>
  chunks!: EntityTable<OutboxChunk, 'id'>
  staged!: EntityTable<StagedObject, 'id'>

  constructor(name = BACKUP_DB_NAME) {
    super(name)
    this.version(1).stores({
      runs: 'id, state, startedAt',
      chunks: 'id, state, [state+nextAttemptAt], runId',
      staged: 'id',
    })
  }
}
