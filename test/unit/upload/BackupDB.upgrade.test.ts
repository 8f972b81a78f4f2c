import 'fake-indexeddb/auto'
import Dexie from 'dexie'
import { describe, expect, it } from 'vitest'
import { BackupDB, type SnapshotCommit } from '../../../src/db/BackupDB'

describe('BackupDB schema upgrades', () => {
  it('v1 → v2: keeps runs, the outbox and staged objects; adds commits, the upload status and settings', async () => {
    const name = `backup-upgrade-v1-${process.pid}-${Date.now()}`
    const v1 = new Dexie(name)
    v1.version(1).stores({ runs: 'id, state, startedAt', chunks: 'id, state, [state+nextAttemptAt], runId', staged: 'id' })
    const runId = 'a'.repeat(32)
    await v1.table('runs').add({ id: runId, parent: null, device: 'Chrome on Linux', state: 'staged', startedAt: 5, finishedAt: 9, manifest: new Uint8Array([1, 2, 3]) })
    await v1.table('chunks').bulkAdd([
      { id: '1'.repeat(64), length: 10, storedSize: 100, state: 'staged', runId, attempts: 0, nextAttemptAt: 0, tag: 'ff' },
      { id: '2'.repeat(64), length: 10, storedSize: 100, state: 'uploading', runId, attempts: 2, nextAttemptAt: 7, tag: 'ee' },
    ])
    await v1.table('staged').add({ id: '1'.repeat(64), object: new Blob([new Uint8Array([9, 9])]) })
    v1.close()

    const db = new BackupDB(name)
    await db.open()
    expect(db.verno).toBe(2)
    expect((await db.runs.get(runId as never))?.manifest).toEqual(new Uint8Array([1, 2, 3]))
    expect(await db.chunks.where('[state+nextAttemptAt]').between(['uploading', 0], ['uploading', 100]).primaryKeys()).toEqual(['2'.repeat(64)])
    const staged = await db.staged.get('1'.repeat(64) as never)
    expect(new Uint8Array(await staged!.object.arrayBuffer())).toEqual(new Uint8Array([9, 9]))
    // A run staged before v2 has no commit: the next run names its chunks and commits them.
    expect(await db.commits.count()).toBe(0)

    const commit: SnapshotCommit = { runId: runId as never, chunkIds: ['1'.repeat(64) as never], sizeBytes: 100, createdAt: 5, state: 'waiting', attempts: 0, nextAttemptAt: 0, committedAt: null }
    await db.commits.add(commit)
    expect(await db.commits.where('state').equals('waiting').primaryKeys()).toEqual([runId])
    await db.settings.put({ key: 'settings', automatic: 'off', since: 1, changedAt: null })
    expect((await db.settings.get('settings'))?.automatic).toBe('off')
    db.close()
  })
})
