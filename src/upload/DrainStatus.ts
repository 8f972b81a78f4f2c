import type { BackupDB, UploadStatus } from '../db/BackupDB'
import type { ErrorCode } from '../errors'

/** How often progress is written while nothing else changes (ms): the UI's refresh rate. */
const FLUSH_MS = 250
/** The upload rate is measured over this much recent time (ms). */
const RATE_WINDOW_MS = 5_000

/**
 * The status row (`uploadStatus` 'outbox') of one drain session, kept in memory and written to
 * Dexie on every change of phase and at most every FLUSH_MS for progress, so every tab shows the
 * same progress whichever context drains.
 */
export class DrainStatus {
  private row: UploadStatus
  private lastFlush = 0
  private samples: [time: number, bytes: number][] = []
  private uploadedBytes = 0

  private constructor(
    private readonly db: BackupDB,
    private readonly now: () => number,
    drainer: UploadStatus['drainer'],
  ) {
    const at = now()
    this.row = {
      key: 'outbox', phase: 'uploading', drainer, retryAt: null, error: null, details: {}, startedAt: at,
      bytesDone: 0, bytesTotal: 0, chunksDone: 0, chunksTotal: 0, bytesPerSecond: 0, updatedAt: at,
    }
  }

  static async start(db: BackupDB, drainer: UploadStatus['drainer'], remaining: { chunks: number; bytes: number }, now: () => number): Promise<DrainStatus> {
    const status = new DrainStatus(db, now, drainer)
    status.row.chunksTotal = remaining.chunks
    status.row.bytesTotal = remaining.bytes
    await status.flush(true)
    return status
  }

  get current(): Readonly<UploadStatus> {
    return this.row
  }

  /** More chunks were staged since the session began: the totals grow to what is done plus what remains. */
  async remaining(remaining: { chunks: number; bytes: number }): Promise<void> {
    this.row.chunksTotal = this.row.chunksDone + remaining.chunks
    this.row.bytesTotal = this.row.bytesDone + remaining.bytes
    await this.flush()
  }

  /** A chunk the server confirmed: `uploaded` when its bytes were sent now (not found already there). */
  async confirmed(bytes: number, uploaded: boolean): Promise<void> {
    this.row.chunksDone++
    this.row.bytesDone += bytes
    if (uploaded) {
      this.uploadedBytes += bytes
      this.samples.push([this.now(), this.uploadedBytes])
    }
    if (this.row.phase !== 'uploading') Object.assign(this.row, { phase: 'uploading', retryAt: null, error: null, details: {} })
    await this.flush()
  }

  async phase(phase: UploadStatus['phase'], extra: { retryAt?: number | null; error?: ErrorCode | null; details?: Record<string, number> } = {}): Promise<void> {
    const next = { phase, retryAt: extra.retryAt ?? null, error: extra.error ?? null, details: extra.details ?? {} }
    const same = this.row.phase === phase && this.row.retryAt === next.retryAt && this.row.error === next.error
    Object.assign(this.row, next)
    if (phase !== 'uploading') this.samples = []
    if (!same) await this.flush(true)
  }

  /** Writes the row now (`force`) or when FLUSH_MS passed since the last write. */
  async flush(force = false): Promise<void> {
    const at = this.now()
    if (!force && at - this.lastFlush < FLUSH_MS) return
    this.lastFlush = at
    this.row.updatedAt = at
    this.row.bytesPerSecond = this.rate(at)
    await this.db.uploadStatus.put({ ...this.row })
  }

  private rate(at: number): number {
    this.samples = this.samples.filter(([time]) => at - time <= RATE_WINDOW_MS)
    if (this.samples.length < 2) return this.row.bytesPerSecond && this.samples.length ? this.row.bytesPerSecond : 0
    const [t0, b0] = this.samples[0]!
    const [t1, b1] = this.samples.at(-1)!
    return t1 > t0 ? Math.round(((b1 - b0) * 1000) / (t1 - t0)) : 0
  }
}
