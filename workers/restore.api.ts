import type { SnapshotId } from '../src/db/BackupDB'
import type { ErrorCode } from '../src/errors'
import type { ChunkKeys } from '../src/format/backupKeys'
import type { OpenedChunk, OpenRequest } from '../src/restore/ChunkOpener'
import type { RestoreSummary } from '../src/restore/runRestore'

/** A snapshot as the restore offer shows it: the server's listing plus what only its manifest knows. */
export interface SnapshotSummary {
  id: SnapshotId
  createdAt: number
  sizeBytes: number
  chunkCount: number
  /** From the opened manifest; null when it did not open (then `error` says why). */
  device: string | null
  conversations: number
  messages: number
  attachments: number
  error: ErrorCode | null
}

/** Expected failures travel as data: Comlink keeps only an Error's name, message and stack. */
export type Failure = { ok: false; code: ErrorCode; message: string }
export type ListOutcome = { ok: true; snapshots: SnapshotSummary[] } | Failure
/** `summary` is null when another tab holds the restore and runs it (its progress shows all the same). */
export type RestoreOutcome = { ok: true; summary: RestoreSummary | null } | Failure

export interface StartRequest {
  masterKey: CryptoKey
  snapshotId: SnapshotId
  /** The person agreed to add the backup to chats already on this device. */
  merge: boolean
  /** One port per opening worker. */
  openers: MessagePort[]
}

export interface RestoreApi {
  /** Lists the account's snapshots, newest first, each with its device and counts from its manifest. */
  list(masterKey: CryptoKey): Promise<ListOutcome>
  /** Downloads and opens the snapshot's manifest, then restores it. */
  start(request: StartRequest): Promise<RestoreOutcome>
  /** Continues the restore recorded on this device (after a reload, a lost connection or a closed tab). */
  resume(request: Omit<StartRequest, 'snapshotId' | 'merge'>): Promise<RestoreOutcome>
}

export type OpenOutcome = { ok: true; chunk: OpenedChunk } | Failure

/** An opening worker: fetches and opens chunks (FORMAT.md §4.2). `chunkIdKey` is the one raw key that crosses postMessage. */
export interface OpenerApi {
  setUp(keys: ChunkKeys): Promise<void>
  open(request: OpenRequest): Promise<OpenOutcome>
}

export type { RestoreSummary }
