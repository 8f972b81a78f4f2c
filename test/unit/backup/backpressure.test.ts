import { describe, expect, it } from 'vitest'
import { releaseStaged } from '../../../src/backup/StagingWindow'
import type { ChunkIdHex } from '../../../src/db/BackupDB'
import { chunkObjectSize } from '../../../src/format/chunk'
import { ATTACHMENT_PART_SIZE } from '../../../src/format/constants'
import { BackupHarness, patternBytes } from './BackupHarness'

const P = ATTACHMENT_PART_SIZE

/** Sums what the staging area really holds, object by object. */
async function held(h: BackupHarness): Promise<number> {
  let bytes = 0
  for (const id of await h.store.list()) bytes += (await h.store.read(id))?.size ?? 0
  return bytes
}

describe('the staging window', () => {
  it('is never exceeded: sealing waits while it is full and goes on as a consumer frees space', async () => {
    const h = await BackupHarness.create()
    const c = await h.conversation('c1')
    await h.messages(c, 300)
    for (let i = 0; i < 6; i++) await h.attachment(c, `file-${i}`, patternBytes(P, i + 1))
    const capacity = 2 * chunkObjectSize(P) + 64 * 1024
    let peakUsage = 0
    let peakHeld = 0
    let waits = 0
    let drained = 0
    let finished = false
    const run = h.backUp(capacity, (waiting) => void (waiting && waits++)).finally(() => (finished = true))
    // A slow consumer: looks every 30 ms, checks the bound, and releases what is staged.
    while (!finished) {
      await new Promise((r) => setTimeout(r, 30))
      peakUsage = Math.max(peakUsage, (await h.db.usage.get('staging'))?.bytes ?? 0)
      peakHeld = Math.max(peakHeld, await held(h))
      const staged = await h.db.chunks.where('state').equals('staged').primaryKeys()
      drained += await releaseStaged(h.db, h.store, staged as ChunkIdHex[])
    }
    const summary = await run
    expect(summary.newChunks).toBe(6 + 2)
    expect(waits).toBeGreaterThan(0)
    expect(peakUsage).toBeLessThanOrEqual(capacity)
    expect(peakHeld).toBeLessThanOrEqual(capacity)
    const staged = await h.db.chunks.where('state').equals('staged').primaryKeys()
    drained += await releaseStaged(h.db, h.store, staged as ChunkIdHex[])
    expect(drained).toBe(summary.stagedBytes)
    expect((await h.db.usage.get('staging'))?.bytes).toBe(0)
  })

  it('holds a run at the bound with no consumer, and reports that it waits', async () => {
    const h = await BackupHarness.create()
    const c = await h.conversation('c1')
    for (let i = 0; i < 3; i++) await h.attachment(c, `file-${i}`, patternBytes(P, i + 1))
    const capacity = chunkObjectSize(P) + 1000
    let settled = false
    let waiting = false
    const run = h.backUp(capacity, (w) => (waiting = w)).finally(() => (settled = true))
    await new Promise((r) => setTimeout(r, 500))
    expect(settled).toBe(false)
    expect(waiting).toBe(true)
    expect(await held(h)).toBe(chunkObjectSize(P))
    // The uploader arrives: everything flows through and the snapshot restores.
    for (let i = 0; !settled && i < 200; i++) {
      const staged = await h.db.chunks.where('state').equals('staged').primaryKeys()
      await releaseStaged(h.db, h.store, staged as ChunkIdHex[])
      await new Promise((r) => setTimeout(r, 20))
    }
    const summary = await run
    expect(summary.newChunks).toBe(3)
    expect(await h.db.runs.get(summary.snapshotId)).toMatchObject({ state: 'staged', waitingForSpace: false })
  })
})
