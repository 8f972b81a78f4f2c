import 'fake-indexeddb/auto'
import { createHash } from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import type { ChunkIdHex } from '../../../src/db/BackupDB'
import type { StagingStore } from '../../../src/backup/StagingStore'
import { READ_TIMEOUT_MS, UploadQueue } from '../../../src/upload/queue'
import { UploadHarness } from './UploadHarness'

describe('the upload outbox', () => {
  it('claims only staged chunks that are due, earliest first, up to the limit, and marks them uploading', async () => {
    const h = await UploadHarness.create()
    await h.backup.backUp()
    const staged = await h.rows('staged')
    expect(staged.length).toBeGreaterThan(4)
    const [later, soon] = staged
    await h.db.chunks.update(later!.id, { nextAttemptAt: 5_000 })
    await h.db.chunks.update(soon!.id, { nextAttemptAt: 1_000 })

    const first = await h.queue.claim(2_000, staged.length)
    expect(first.map((r) => r.id)).not.toContain(later!.id)
    expect(first.at(-1)!.id).toBe(soon!.id)
    expect(first).toHaveLength(staged.length - 1)
    expect((await h.rows('uploading')).length).toBe(staged.length - 1)
    expect(await h.queue.claim(2_000, 10)).toEqual([])
    expect((await h.queue.claim(5_000, 10)).map((r) => r.id)).toEqual([later!.id])
    expect(await h.queue.claim(Number.MAX_SAFE_INTEGER, 3)).toEqual([])
  })

  it('after a crash, rows left uploading go back to staged; a retry counts an attempt and waits; a release does not', async () => {
    const h = await UploadHarness.create()
    await h.backup.backUp()
    const claimed = await h.queue.claim(0, 3)
    expect(await h.queue.recover()).toBe(3)
    expect((await h.rows('uploading')).length).toBe(0)

    const [a, b] = await h.queue.claim(0, 2)
    await h.queue.retryLater([a!.id], 9_000)
    await h.queue.release([b!.id])
    const [rowA, rowB] = await h.db.chunks.bulkGet([a!.id, b!.id])
    expect([rowA!.state, rowA!.attempts, rowA!.nextAttemptAt]).toEqual(['staged', 1, 9_000])
    expect([rowB!.state, rowB!.attempts, rowB!.nextAttemptAt]).toEqual(['staged', 0, 0])
    expect(claimed).toHaveLength(3)
  })

  it('confirming a chunk marks it done and deletes its staged object; remaining() counts what is left', async () => {
    const h = await UploadHarness.create()
    await h.backup.backUp()
    const before = await h.queue.remaining()
    const [row] = await h.queue.claim(0, 1)
    await h.queue.confirm([row!.id])
    expect((await h.db.chunks.get(row!.id))!.state).toBe('done')
    expect(await h.stagedIds()).not.toContain(row!.id)
    expect(await h.queue.remaining()).toEqual({ chunks: before.chunks - 1, bytes: before.bytes - row!.storedSize })
  })

  it('never hands out a torn or missing staged object, and forgetting a chunk drops its row and object', async () => {
    const h = await UploadHarness.create()
    await h.backup.backUp()
    const [whole, cut, flipped, gone] = await h.queue.claim(0, 4)
    const upload = (await h.queue.readObject(whole!))!
    expect(upload.body.size).toBe(whole!.storedSize)
    // The sealer recorded the object's SHA-256: the staged file is sent as it is, under that digest.
    const wholeBytes = new Uint8Array(await upload.body.arrayBuffer())
    expect(Buffer.from(upload.sha256).toString('hex')).toBe(createHash('sha256').update(wholeBytes).digest('hex'))
    expect(whole!.sha256).toBe(createHash('sha256').update(wholeBytes).digest('hex'))
    // A row staged before digests were kept: read and hashed on the way out.
    const { sha256: _recorded, ...older } = whole!
    expect(Buffer.from((await h.queue.readObject(older))!.sha256)).toEqual(createHash('sha256').update(wholeBytes).digest())

    const cutObject = (await h.backup.store.read(cut!.id))!
    await h.backup.store.write(cut!.id, [new Uint8Array(await cutObject.slice(0, cutObject.size - 1).arrayBuffer())])
    expect(await h.queue.readObject(cut!)).toBeNull()

    const bytes = new Uint8Array(await (await h.backup.store.read(flipped!.id))!.arrayBuffer())
    bytes[bytes.length - 1]! ^= 1
    await h.backup.store.write(flipped!.id, [bytes])
    expect(await h.queue.readObject(flipped!)).toBeNull()

    await h.backup.store.remove([gone!.id])
    expect(await h.queue.readObject(gone!)).toBeNull()

    await h.queue.forget([cut!.id])
    expect(await h.db.chunks.get(cut!.id)).toBeUndefined()
    expect(await h.stagedIds()).not.toContain(cut!.id)
  })

  it('a commit is ready only when every chunk it names is done, stale when one was forgotten', async () => {
    const h = await UploadHarness.create()
    await h.backup.backUp()
    const [commit] = await h.queue.waitingCommits()
    expect(commit!.chunkIds.length).toBeGreaterThan(4)
    expect(await h.queue.readiness(commit!)).toBe('pending')
    const all = await h.queue.claim(0, 10_000)
    await h.queue.confirm(all.slice(1).map((r) => r.id))
    expect(await h.queue.readiness(commit!)).toBe('pending')
    await h.queue.confirm([all[0]!.id])
    expect(await h.queue.readiness(commit!)).toBe('ready')
    await h.queue.forget([commit!.chunkIds[2] as ChunkIdHex])
    expect(await h.queue.readiness(commit!)).toBe('stale')
  })

  it('a staged run records its snapshot commit: the manifest’s chunk ids in order and their stored size', async () => {
    const h = await UploadHarness.create(2, 100_000)
    const summary = await h.backup.backUp()
    const commit = await h.db.commits.get(summary.snapshotId)
    const restored = await h.backup.restore(summary.snapshotId)
    expect(commit!.chunkIds).toEqual(restored.body.chunks.map(([id]) => id))
    const rows = await h.db.chunks.bulkGet(commit!.chunkIds)
    expect(commit!.sizeBytes).toBe(rows.reduce((sum, r) => sum + r!.storedSize, 0))
    expect([commit!.state, commit!.committedAt]).toEqual(['waiting', null])
  })

  it('counts a staged object whose file never answers as torn, rather than waiting on it for good', async () => {
    const h = await UploadHarness.create()
    await h.backup.backUp()
    const [row] = await h.rows('staged')
    const store = h.backup.store
    const silent: StagingStore = {
      kind: 'opfs',
      read: () => new Promise<Blob | null>(() => {}),
      writeJob: (slot, objects) => store.writeJob(slot, objects),
      remove: (ids) => store.remove(ids),
      sweep: (slots, ids) => store.sweep(slots, ids),
      close: () => {},
    }
    vi.useFakeTimers()
    try {
      const reading = new UploadQueue(h.db, silent).readObject(row!)
      await vi.advanceTimersByTimeAsync(READ_TIMEOUT_MS - 1)
      let settled = false
      void reading.then(() => (settled = true))
      await vi.advanceTimersByTimeAsync(0)
      expect(settled, 'still waiting just before the limit').toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      expect(await reading).toBeNull()
    } finally {
      vi.useRealTimers()
    }
  })
})
