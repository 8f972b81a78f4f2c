import Dexie, { type EntityTable } from 'dexie'
import type { ErrorCode } from '../errors'
import type { PageMessage } from '../format/pages'
import type { SnapshotId } from './BackupDB'

/**
 * `running`: a restore worker is at it (or was, until the tab closed: the next start resumes it);
 * `paused`: stopped by something that passes (offline, signed out, the server busy, storage full),
 * resumes when it does; `failed`: the backup on the server is damaged; `done`: every conversation
 * and attachment of the snapshot is on this device.
 */
export type RestoreState = 'running' | 'paused' | 'failed' | 'done'

/** Messages first, then attachments: what the status line says the restore is doing. */
export type RestorePhase = 'messages' | 'attachments' | 'finished'

/** The one restore of this device, its progress and its outcome. */
export interface RestoreJob {
  id: 'current'
  snapshotId: SnapshotId
  /** The sealed manifest as downloaded (docs/FORMAT.md §5); opened again, and so checked again, on resume. */
  manifest: Uint8Array
  /** From the opened manifest: which device made the snapshot, and when. */
  device: string
  snapshotCreatedAt: number
  /** True when the person agreed to add the backup to chats already on this device (local messages stay). */
  merge: boolean
  state: RestoreState
  phase: RestorePhase
  startedAt: number
  updatedAt: number
  finishedAt: number | null
  conversationsTotal: number
  conversationsDone: number
  messagesDone: number
  attachmentsTotal: number
  attachmentsDone: number
  /** Plaintext bytes of the distinct chunks to download, and those downloaded and verified. */
  bytesTotal: number
  bytesDone: number
  error: ErrorCode | null
  /** What failed, for logs: the failure's own message. */
  errorMessage: string | null
  /** Which part of the chats the failure hit, in words (“the file “map.png” in “Ana””), for the person. */
  errorPart?: string | null
}

/** A verified message page waiting for the rest of its conversation (FORMAT.md §6.1). */
export interface StagedPage {
  /** Index of the chunk in the manifest's chunk list. */
  chunk: number
  messages: PageMessage[]
}

/** A verified part of a large attachment waiting for the attachment's other parts (version 1 only). */
export interface StagedPart {
  chunk: number
  blob: Blob
}

/**
 * A verified part of a multi-part attachment, written to the part store (src/restore/PartStore.ts):
 * `<unit>:<b|t>:<position>` (blob or thumbnail, part number). The IndexedDB part store keeps the
 * bytes here too; the OPFS one keeps them in a file per attachment.
 */
export interface WrittenPart {
  key: string
  /** The attachment unit (`a<i>.<j>`), to forget all its parts at once. */
  unit: string
  blob?: Blob
}

/** A conversation (`c<i>`) or attachment (`a<i>.<j>`) of the manifest already written to the chats. */
export interface CommittedUnit {
  key: string
}

export const RESTORE_DB_NAME = 'keepsake-restore'

/**
 * Restore progress, kept so a reload, a lost connection or a closed tab continues where it stopped
 * without downloading verified chunks again. Never edit an existing `version(n)`: add `version(n + 1)`.
 */
export class RestoreDB extends Dexie {
  job!: EntityTable<RestoreJob, 'id'>
  pages!: EntityTable<StagedPage, 'chunk'>
  committed!: EntityTable<CommittedUnit, 'key'>
  written!: EntityTable<WrittenPart, 'key'>

  constructor(name = RESTORE_DB_NAME) {
    super(name)
    this.version(1).stores({ job: 'id', pages: 'chunk', parts: 'chunk', committed: 'key' })
    // v2: parts of multi-part attachments go to a part store (a file per attachment in OPFS where
    // it can be written) and are recorded by attachment and position. Parts staged by v1 are
    // dropped: a restore in progress downloads them again; written conversations and attachments stay.
    this.version(2).stores({ parts: null, written: 'key, unit' })
  }
}
