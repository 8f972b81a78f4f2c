import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { releaseStaged, StagingWindow } from '../../../src/backup/StagingWindow'
import { IdbStagingStore } from '../../../src/backup/IdbStagingStore'
import { BackupDB, type ChunkIdHex, type OutboxChunk, type SnapshotId } from '../../../src/db/BackupDB'

let counter = 0
const openDb = () => new BackupDB(`keepsake-backup-slots-test-${process.pid}-${++counter}`)
const id = (n: number) => n.toString(16).padStart(64, '0') as ChunkIdHex
const row = (n: number, slot: number, state: OutboxChunk['state'] = 'staged'): OutboxChunk => ({
  id: id(n), length: 100, storedSize: 200, state, runId: 'r'.repeat(32) as SnapshotId, attempts: 0, nextAttemptAt: 0, tag: '', slot, offset: 0,
})
/** Resolves to 'waiting' when `promise` has not settled within `ms`. */
const within = <T,>(promise: Promise<T>, ms: number) => Promise.race([promise, new Promise<'waiting'>((r) => setTimeout(() => r('waiting'), ms))])

describe('staging slots', () => {
  it('gives each sealer free slots of its own share, never one a staged row still names', async () => {
    const db = openDb()
    await db.chunks.bulkAdd([row(1, 0), row(2, 3, 'uploading'), row(3, 4, 'done')])
    const window = await StagingWindow.open(db, 1 << 20, 6)
    // Sealer 0 of 2 owns slots 0, 2, 4; sealer 1 owns 1, 3, 5. Slot 0 and 3 are held by rows; 4's row is done.
    expect(await window.reserve(10, 0, 2)).toBe(2)
    expect(await window.reserve(10, 0, 2)).toBe(4)
    expect(await window.reserve(10, 1, 2)).toBe(1)
    expect(await window.reserve(10, 1, 2)).toBe(5)
  })

  it('waits while a sealer has no free slot, and goes on once the uploader frees one', async () => {
    const db = openDb()
    const store = new IdbStagingStore(db)
    const window = await StagingWindow.open(db, 1 << 20, 2)
    const slot = await window.reserve(10, 0, 1)
    expect(slot).toBe(0)
    window.settle(slot, 10, 10)
    await db.chunks.add(row(1, slot))
    expect(await window.reserve(10, 0, 1)).toBe(1)
    let waited = false
    const third = window.reserve(10, 0, 1, (waiting) => (waited ||= waiting))
    expect(await within(third, 300)).toBe('waiting')
    expect(waited).toBe(true)
    await releaseStaged(db, store, [id(1)])
    expect(await third).toBe(0)
  })

  it('takes a slot back at once when its job staged nothing (every chunk already known)', async () => {
    const db = openDb()
    const window = await StagingWindow.open(db, 1 << 20, 1)
    const slot = await window.reserve(10, 0, 1)
    window.settle(slot, 10, 0)
    expect(await within(window.reserve(10, 0, 1), 300)).toBe(0)
  })
})
