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
  /** Hex of the staged object's SHA-256 (its upload's Content-Digest); absent on rows staged before it was kept. */
  sha256?: string
  /** Where the staged object is when it is in an OPFS slot file (docs/UPLOAD.md, "Staging"); absent for IndexedDB. */
  slot?: number
  offset?: number
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

/**
 * `waiting`: the run's snapshot is to be committed once every chunk it names is `done`;
 * `committed`: the server recorded it; `superseded`: a newer run was staged first, so this one is
 * never committed (it would list as newer than the run that replaced it); `stale`: the server lacks
 * chunks this device had marked `done`, so they were forgotten and a new run must seal them again.
 */
export type CommitState = 'waiting' | 'committed' | 'superseded' | 'stale'

/** A staged run's snapshot as `POST /api/snapshots` takes it (docs/API.md), written with the run's manifest. */
export interface SnapshotCommit {
  runId: SnapshotId
  /** The chunk ids the manifest names, in its order (distinct). */
  chunkIds: ChunkIdHex[]
  /** Stored bytes of those chunks (what the snapshot takes on the server). */
  sizeBytes: number
  /** The run's start, to order runs. */
  createdAt: number
  state: CommitState
  attempts: number
  nextAttemptAt: number
  /** The server's time of the commit (ms since epoch). */
  committedAt: number | null
}

/** What the uploader is doing, written by whichever context drains the outbox, read by every tab. */
export type UploadPhase = 'idle' | 'uploading' | 'offline' | 'retrying' | 'failed'

export interface UploadStatus {
  key: 'outbox'
  phase: UploadPhase
  /** `page` or `service-worker`: where the drainer runs. */
  drainer: 'page' | 'service-worker'
  /** When the next attempt is due while `retrying` (ms since epoch). */
  retryAt: number | null
  /** Why the drainer stopped (`failed`) or last waited (`retrying`). */
  error: ErrorCode | null
  /** Extra facts for the message, e.g. the server's `usedBytes`/`quotaBytes`. */
  details: Record<string, number>
  /** This drain session: stored bytes and chunks confirmed, of those known to need it. */
  startedAt: number
  bytesDone: number
  bytesTotal: number
  chunksDone: number
  chunksTotal: number
  /** Upload rate over the last seconds (bytes/s). */
  bytesPerSecond: number
  updatedAt: number
}

/** `off`, once a day, or soon after the chats change; stored on the device. */
export type AutomaticBackup = 'off' | 'daily' | 'after-changes'

export interface BackupSettings {
  key: 'settings'
  automatic: AutomaticBackup
  /** When automatic backups were first set up here: the daily schedule counts from it until a first backup. */
  since: number
  /** When the chats first changed after the last run started (null: not since). */
  changedAt: number | null
}

/** A sealed chunk object kept in IndexedDB, where the staging area cannot use OPFS. */
export interface StagedObject {
  id: ChunkIdHex
  object: Blob
}

export const BACKUP_DB_NAME = 'keepsake-backup'

/**
 * The backup engine's database: runs, the chunk index / outbox, staged objects (IndexedDB
 * staging only), and the upload queue's commits, status and settings. Never edit an existing `version(n)`: add `version(n + 1)`.
 */
export class BackupDB extends Dexie {
  runs!: EntityTable<BackupRun, 'id'>
  chunks!: EntityTable<OutboxChunk, 'id'>
  staged!: EntityTable<StagedObject, 'id'>
  commits!: EntityTable<SnapshotCommit, 'runId'>
  uploadStatus!: EntityTable<UploadStatus, 'key'>
  settings!: EntityTable<BackupSettings, 'key'>

  constructor(name = BACKUP_DB_NAME) {
    super(name)
    this.version(1).stores({
      runs: 'id, state, startedAt',
      chunks: 'id, state, [state+nextAttemptAt], runId',
      staged: 'id',
    })
    // v2: the upload queue's snapshot commits, its status row and the backup settings. A run
    // staged before v2 has no commit: the next run names its chunks again and commits them.
    this.version(2).stores({
      commits: 'runId, state',
      uploadStatus: 'key',
      settings: 'key',
    })
  }
}
