import type { BackupSummary } from '../src/backup/runBackup'
import type { ErrorCode } from '../src/errors'

/** One "Back up now": the master key (non-extractable HKDF CryptoKey) and a port per sealing worker. */
export interface BackupRequest {
  masterKey: CryptoKey
  device: string
  /** Bytes the staging area may hold before sealing waits for the uploader. */
  capacity: number
  sealers: MessagePort[]
}

/** Expected failures travel as data: Comlink keeps only an Error's name, message and stack. */
export type BackupOutcome = { ok: true; summary: BackupSummary } | { ok: false; code: ErrorCode; message: string }

export interface BackupApi {
  /** Reads the chats, seals new chunks into the staging area and the manifest into the run's row. */
  run(request: BackupRequest): Promise<BackupOutcome>
}

export type { BackupSummary }
