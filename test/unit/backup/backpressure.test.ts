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

const waitingNow = async (h: BackupHarness) => (await h.db.runs.toArray()).some((r) => r.state === 'running' && r.waitingForSpace)
const drainAll = async (h: BackupHarness) => releaseStaged(h.db, h.store, (await h.db.chunks.where('state').equals('staged').primaryKeys()) as ChunkIdHex[])

describe('the staging window', () => {
  it('is never exceeded: sealing waits while it is full and goes on as a consumer frees space', async () => {
    const h = await BackupHarness.create()
    const c = await h.conversation('c1')
    await h.messages(c, 300)
    for (let i = 0; i < 6; i++) await h.attachment(c, `file-${i}`, patternBytes(P, i + 1))
    const capacity = 2 * chunkObjectSize(P) + 64 * 1024
    let peakHeld = 0
    let sawWaiting = false
    let drained = 0
    let finished = false
    const run = h.backUp(capacity).finally(() => (finished = true))
    // A slow consumer: looks every 30 ms, checks the bound, and releases what is staged.
    while (!finished) {
      await new Promise((r) => setTimeout(r, 30))
      peakHeld = Math.max(peakHeld, await held(h))
      sawWaiting ||= await waitingNow(h)
      drained += await drainAll(h)
    }
    const summary = await run
    expect(summary.newChunks).toBe(6 + 2)
    expect(sawWaiting).toBe(true)
    expect(peakHeld).toBeGreaterThan(0)
    expect(peakHeld).toBeLessThanOrEqual(capacity)
    drained += await drainAll(h)
    expect(drained).toBe(summary.stagedBytes)
    expect(await held(h)).toBe(0)
  })

  it('holds a run at the bound with no consumer, reports that it waits, and counts what an earlier run left staged', async () => {
    const h = await BackupHarness.create()
    const c = await h.conversation('c1')
    await h.attachment(c, 'early', patternBytes(P, 9))
    await h.backUp() // leaves one part staged: the next run must count it against the bound
    for (let i = 0; i < 3; i++) await h.attachment(c, `file-${i}`, patternBytes(P, i + 1))
    const capacity = 2 * chunkObjectSize(P) + 1000
    let settled = false
    const run = h.backUp(capacity).finally(() => (settled = true))
    await new Promise((r) => setTimeout(r, 500))
    expect(settled).toBe(false)
    expect(await waitingNow(h)).toBe(true)
    expect(await held(h)).toBe(2 * chunkObjectSize(P))
    // The uploader arrives: everything flows through and the run finishes.
    for (let i = 0; !settled && i < 200; i++) {
      await drainAll(h)
      await new Promise((r) => setTimeout(r, 20))
    }
    const summary = await run
    expect(summary.newChunks).toBe(3)
    expect(await h.db.runs.get(summary.snapshotId)).toMatchObject({ state: 'staged', waitingForSpace: false })
  })
})
