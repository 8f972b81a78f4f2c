import type { ChunkIdHex } from '../db/BackupDB'
import { AppError } from '../errors'
import type { ManifestBody } from '../format/manifest'
import { decodeMessagePage } from '../format/pages'
import { ByteWindow } from './ByteWindow'
import type { OpenedChunk, OpenRequest } from './ChunkOpener'
import type { PartStore } from './PartStore'
import { unitChunks, type AttachmentUnit, type PartPosition, type RestorePlan, type RestoreUnit } from './planRestore'
import type { ReadyAttachment, RestoreWriter } from './RestoreWriter'

/** An opening worker as the coordinator sees it (in-process in tests, a Comlink remote in the app). */
export interface OpenerPort {
  open(request: OpenRequest): Promise<OpenedChunk>
}

/** Requests each opener works on at once: while one waits on the network another is decrypted. */
const IN_FLIGHT_PER_OPENER = 4
/** Whole attachments written per transaction (and their bytes): batches, not one transaction per row. */
const BATCH_ATTACHMENTS = 16
const BATCH_BYTES = 32 * 1024 * 1024

interface Pending {
  unit: RestoreUnit
  held: Map<number, Blob>
  settled: boolean
  done: Promise<void>
  bytes: number
}

export interface PipelineEvents {
  /** A chunk verified: its plaintext length, counted once per distinct chunk. */
  verified(index: number, length: number): void
  committed(unit: RestoreUnit, messages: number): Promise<void>
}

/**
 * Downloads, verifies and writes what `plan` lists (DESIGN §6): a few chunks at a time across the
 * openers, pages and parts of multi-part attachments staged as they verify, one-part attachments held
 * (up to `capacity` bytes) until written, and units committed strictly in plan order, so messages come
 * before media. Stops at the first failure, after what was in flight settled; what was committed
 * stays, and is complete.
 */
export class RestorePipeline {
  private readonly window: ByteWindow
  private readonly busy: number[]
  private readonly running = new Set<Promise<unknown>>()
  private readonly fetched = new Map<number, Promise<Blob>>()
  /** Uncommitted units that use each page or held chunk: a staged page is deleted once none is left. */
  private readonly needs = new Map<number, number>()
  private failure: unknown

  constructor(
    private readonly body: ManifestBody,
    private readonly plan: RestorePlan,
    private readonly openers: readonly OpenerPort[],
    private readonly writer: RestoreWriter,
    private readonly events: PipelineEvents,
    private readonly parts: PartStore,
    capacity: number,
    /** Pages staged before this run: read from the restore database, not downloaded. */
    private readonly stagedPages: ReadonlySet<number>,
  ) {
    if (openers.length === 0) throw new Error('restore: internal error: no openers')
    this.window = new ByteWindow(capacity)
    this.busy = openers.map(() => 0)
    for (const unit of plan.units) if (unit.kind === 'conversation' || !unit.staged) for (const i of unitChunks(unit)) this.needs.set(i, (this.needs.get(i) ?? 0) + 1)
  }

  async run(): Promise<void> {
    const queue: Pending[] = []
    let produced = false
    let wake: (() => void) | undefined
    const committer = this.commitInOrder(queue, () => produced, () => new Promise<void>((r) => (wake = r)))
    committer.catch((e: unknown) => this.fail(e))
    try {
      for (const unit of this.plan.units) {
        if (this.failure !== undefined) break
        const pending: Pending = { unit, held: new Map(), settled: false, done: Promise.resolve(), bytes: 0 }
        const jobs: Promise<unknown>[] = []
        const items: (number | PartPosition)[] =
          unit.kind === 'conversation' ? unitChunks(unit).filter((i) => !this.stagedPages.has(i)) : unit.staged ? unit.missing : unitChunks(unit)
        for (const item of items) {
          const index = typeof item === 'number' ? item : item.chunk
          const earlier = typeof item === 'number' && unit.kind === 'attachment' ? this.fetched.get(index) : undefined
          if (earlier) {
            jobs.push(earlier.then((blob) => blob && pending.held.set(index, blob)))
            continue
          }
          // Reserve and take a slot here, in plan order, so an earlier unit is never starved by a later one.
          const length = this.body.chunks[index]![1]
          await this.window.reserve(length)
          await this.freeSlot()
          if (this.failure !== undefined) {
            this.window.release(length)
            break
          }
          const fetching =
            unit.kind === 'conversation' ? this.fetchPage(index, length) : typeof item === 'number' ? this.fetchHeld(index, length, pending) : this.fetchStaged(item, length, unit)
          const job = fetching.catch((e: unknown) => {
            throw this.named(e, unit)
          })
          job.catch((e: unknown) => this.fail(e))
          jobs.push(job)
        }
        // A unit cut short by a failure elsewhere is never queued: only whole units are committed.
        if (this.failure !== undefined) break
        pending.done = Promise.allSettled(jobs).then((results) => {
          const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
          if (failed) throw failed.reason
          pending.settled = true
        })
        pending.done.catch((e: unknown) => this.fail(e))
        queue.push(pending)
        wake?.()
      }
    } finally {
      produced = true
      wake?.()
      await committer.catch(() => undefined)
      while (this.running.size > 0) await Promise.race(this.running).catch(() => undefined)
    }
    if (this.failure !== undefined) throw this.failure
  }

  private fail(e: unknown): void {
    this.failure ??= e
    this.window.close()
  }

  /** Waits until an opener has room for one more request. */
  private async freeSlot(): Promise<void> {
    while (this.busy.every((n) => n >= IN_FLIGHT_PER_OPENER)) await Promise.race(this.running).catch(() => undefined)
  }

  private async fetchPage(index: number, length: number): Promise<void> {
    try {
      const opened = await this.open(index, 'bytes')
      if (opened.kind !== 'bytes') throw new Error('restore: internal error: page came back as a Blob')
      const messages = decodeMessagePage(opened.bytes)
      if (!messages) throw new AppError('chunk-corrupt', `chunk ${index} is not a message page`, { details: { chunk: index } })
      await this.writer.stagePage(index, messages)
      this.events.verified(index, length)
    } finally {
      this.window.release(length)
    }
  }

  /** A part of a one-part attachment (or its thumbnail): held in memory until the attachment is written. */
  private async fetchHeld(index: number, length: number, pending: Pending): Promise<void> {
    const job = (async () => {
      let keep = false
      try {
        const opened = await this.open(index, 'blob')
        if (opened.kind !== 'blob') throw new Error('restore: internal error: part came back as bytes')
        this.events.verified(index, length)
        keep = true
        pending.bytes += length
        return opened.blob
      } finally {
        if (!keep) this.window.release(length)
      }
    })()
    this.fetched.set(index, job)
    pending.held.set(index, await job)
  }

  /** A part of a multi-part attachment: written to the part store as soon as it verified. */
  private async fetchStaged(part: PartPosition, length: number, unit: AttachmentUnit): Promise<void> {
    try {
      const opened = await this.open(part.chunk, 'bytes')
      if (opened.kind !== 'bytes') throw new Error('restore: internal error: part came back as a Blob')
      await this.parts.write(unit.key, part.stream, part.position, part.offset, opened.bytes)
      this.events.verified(part.chunk, length)
    } finally {
      this.window.release(length)
    }
  }

  private open(index: number, as: OpenRequest['as']): Promise<OpenedChunk> {
    const which = this.busy.indexOf(Math.min(...this.busy))
    this.busy[which]!++
    const [id, length] = this.body.chunks[index]!
    const job = this.openers[which]!.open({ index, id: id as ChunkIdHex, length, as })
    const tracked: Promise<unknown> = job.finally(() => {
      this.busy[which]!--
      this.running.delete(tracked)
    })
    this.running.add(tracked)
    tracked.catch(() => undefined)
    return job
  }

  private async commitInOrder(queue: Pending[], produced: () => boolean, nextItem: () => Promise<void>): Promise<void> {
    let i = 0
    for (;;) {
      while (i >= queue.length) {
        if (produced()) return
        await nextItem()
      }
      const first = queue[i]!
      await first.done
      if (first.unit.kind === 'conversation') {
        const messages = await this.writer.commitConversation(first.unit)
        i++
        await this.markCommitted([first])
        await this.events.committed(first.unit, messages)
        continue
      }
      const batch: Pending[] = [first]
      let bytes = first.bytes
      while (batch.length < BATCH_ATTACHMENTS && bytes < BATCH_BYTES && queue[i + batch.length]?.settled && queue[i + batch.length]!.unit.kind === 'attachment') {
        bytes += queue[i + batch.length]!.bytes
        batch.push(queue[i + batch.length]!)
      }
      await this.writer.commitAttachments(batch.map((p) => ({ unit: p.unit, held: p.held }) as ReadyAttachment))
      i += batch.length
      await this.markCommitted(batch)
      for (const p of batch) {
        this.window.release(p.bytes)
        p.held.clear()
        await this.events.committed(p.unit, 0)
      }
    }
  }

  private async markCommitted(units: readonly Pending[]): Promise<void> {
    const unneededPages: number[] = []
    const stagedUnits: string[] = []
    for (const { unit } of units) {
      if (unit.kind === 'attachment' && unit.staged) {
        stagedUnits.push(unit.key)
        continue
      }
      for (const i of unitChunks(unit)) {
        const left = (this.needs.get(i) ?? 1) - 1
        this.needs.set(i, left)
        if (left > 0) continue
        if (unit.kind === 'conversation') unneededPages.push(i)
        this.fetched.delete(i)
      }
    }
    await this.writer.markCommitted(units.map((p) => p.unit.key), unneededPages)
    if (stagedUnits.length) await this.parts.remove(stagedUnits)
  }

  /** The failure with what it hit, in words: “the messages of “Ana”” or “the file “map.png” in “Ana””. */
  private named(e: unknown, unit: RestoreUnit): unknown {
    if (!(e instanceof AppError)) return e
    const conversation = this.body.conversations[unit.conversation]!
    const name = String(conversation.record.name ?? conversation.record.id)
    const what = unit.kind === 'conversation' ? `the messages of “${name}”` : `the file “${String(conversation.attachments[unit.attachment]!.record.name ?? '')}” in “${name}”`
    return new AppError(e.code, `${what}: ${e.message}`, { cause: e, details: { ...e.details, unit: unit.key, what } })
  }
}
