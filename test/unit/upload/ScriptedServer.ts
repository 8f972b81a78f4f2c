import { createHash } from 'node:crypto'
import type { ChunkIdHex, SnapshotId } from '../../../src/db/BackupDB'
import { AppError } from '../../../src/errors'
import type { CommitAnswer, CommitRequest, UploadTransport } from '../../../src/upload/transport'

export type Call = { kind: 'missing'; ids: readonly ChunkIdHex[] } | { kind: 'put'; id: ChunkIdHex; bytes: number } | { kind: 'commit'; id: SnapshotId }

/** A failure the script injects into the next matching call (thrown as the real transport would). */
export type Injected = (call: Call) => AppError | 'hang' | undefined

/**
 * The backup storage API as an in-memory script (tus's TestHttpStack): it keeps what it stores, so
 * missing-checks and commits answer truthfully, counts every call and the bytes of every PUT, and
 * fails calls on cue.
 */
export class ScriptedServer implements UploadTransport {
  readonly chunks = new Map<ChunkIdHex, string>()
  readonly snapshots = new Map<SnapshotId, CommitRequest>()
  readonly calls: Call[] = []
  private readonly script: Injected[] = []
  inFlight = 0
  maxInFlight = 0
  /** Milliseconds each PUT takes. */
  putDelayMs = 0
  /** Called as each PUT starts, before it can fail or finish (for stories that act mid-upload). */
  onPut: ((id: ChunkIdHex) => void) | undefined

  /** Injects `failure` into calls until it has returned a failure `times` times. */
  fail(failure: Injected, times = 1): void {
    let left = times
    const step: Injected = (call) => {
      if (left <= 0) return undefined
      const result = failure(call)
      if (result !== undefined && --left === 0) this.script.splice(this.script.indexOf(step), 1)
      return result
    }
    this.script.push(step)
  }

  get puts(): ChunkIdHex[] {
    return this.calls.flatMap((c) => (c.kind === 'put' ? [c.id] : []))
  }

  get bytesReceived(): number {
    return this.calls.reduce((sum, c) => sum + (c.kind === 'put' ? c.bytes : 0), 0)
  }

  private async enter(call: Call, signal?: AbortSignal): Promise<void> {
    this.calls.push(call)
    for (const step of [...this.script]) {
      const outcome = step(call)
      if (outcome === 'hang') await new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }))
      if (outcome) throw outcome
    }
  }

  async missing(ids: readonly ChunkIdHex[], signal?: AbortSignal): Promise<ChunkIdHex[]> {
    await this.enter({ kind: 'missing', ids }, signal)
    return ids.filter((id) => !this.chunks.has(id))
  }

  async putChunk(id: ChunkIdHex, body: Blob, sha256: Uint8Array, signal?: AbortSignal): Promise<'created' | 'exists'> {
    this.inFlight++
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      this.onPut?.(id)
      await this.enter({ kind: 'put', id, bytes: body.size }, signal)
      if (this.putDelayMs) await new Promise((resolve) => setTimeout(resolve, this.putDelayMs))
      if (signal?.aborted) throw signal.reason
      // As the real server: the body must match the digest announced, or nothing is stored.
      const digest = createHash('sha256').update(new Uint8Array(await body.arrayBuffer())).digest()
      if (!digest.equals(Buffer.from(sha256))) throw new AppError('server-rejected', 'answered 400 digest-mismatch', { details: { status: 400, serverCode: 'digest-mismatch', retryable: 0 } })
      if (this.chunks.has(id)) return 'exists'
      this.chunks.set(id, digest.toString('hex'))
      return 'created'
    } finally {
      this.inFlight--
    }
  }

  async commit(snapshot: CommitRequest, signal?: AbortSignal): Promise<CommitAnswer> {
    await this.enter({ kind: 'commit', id: snapshot.id }, signal)
    const missing = [...new Set(snapshot.chunkIds.filter((id) => !this.chunks.has(id)))]
    if (missing.length) return { ok: false, missing }
    this.snapshots.set(snapshot.id, { ...snapshot, chunkIds: [...snapshot.chunkIds] })
    return { ok: true, createdAt: 1_800_000_000_000 }
  }
}

/** The transport's errors, as `fetchTransport` makes them. */
export const failures = {
  offline: () => new AppError('offline', 'Cannot reach the server', { details: { retryable: 1 } }),
  status: (status: number, serverCode: string, extra: Record<string, number> = {}) =>
    new AppError(status === 401 ? 'signed-out' : serverCode === 'quota-exceeded' ? 'server-quota-exceeded' : 'server-rejected', `answered ${status}`, {
      details: { status, serverCode, retryable: [408, 409, 423, 429].includes(status) || status >= 500 ? 1 : 0, ...extra },
    }),
}
