import type { Piece, PieceResult } from '../src/backup/ChunkSealer'
import type { SnapshotId } from '../src/db/BackupDB'
import type { ErrorCode } from '../src/errors'
import type { ChunkKeys } from '../src/format/backupKeys'

/** What a sealing worker needs for one run. `keys.chunkIdKey` is the one raw key that crosses postMessage. */
export interface SealerSetup {
  keys: ChunkKeys
  runId: SnapshotId
}

/** Expected failures travel as data: Comlink keeps only an Error's name, message and stack. */
export type SealOutcome = { ok: true; results: PieceResult[] } | { ok: false; code: ErrorCode; message: string }

export interface CryptoApi {
  setUp(setup: SealerSetup): Promise<void>
  /** FORMAT.md §3–§4: names every piece, seals and stages those the chunk index does not know. */
  sealJob(pieces: Piece[], slot: number): Promise<SealOutcome>
  /** The run is over: closes the staging files this worker holds open. */
  tearDown(): Promise<void>
}

/** The first message a sealing worker gets: the port its CryptoApi is exposed on. */
export interface ConnectMessage {
  connect: MessagePort
}
