import 'fake-indexeddb/auto'
import Dexie from 'dexie'
import { describe, expect, it } from 'vitest'
import { RestoreDB } from '../../../src/db/RestoreDB'

describe('RestoreDB schema upgrades', () => {
  it('v1 → v2: keeps the job, staged pages and written units; drops v1 staged parts (downloaded again), adds the part records', async () => {
    const name = `restore-upgrade-v1-${Date.now()}`
    const v1 = new Dexie(name)
    v1.version(1).stores({ job: 'id', pages: 'chunk', parts: 'chunk', committed: 'key' })
    await v1.table('job').add({ id: 'current', snapshotId: 'ab'.repeat(16), state: 'paused', error: 'offline' })
    await v1.table('pages').add({ chunk: 3, messages: [{ id: 'm1', createdAt: 1, text: 'hi' }] })
    await v1.table('parts').add({ chunk: 9, blob: new Blob([new Uint8Array([1, 2, 3])]) })
    await v1.table('committed').bulkAdd([{ key: 'c0' }, { key: 'a0.1' }])
    v1.close()

    const db = new RestoreDB(name)
    await db.open()
    expect(db.verno).toBe(2)
    expect(await db.job.get('current')).toMatchObject({ state: 'paused', error: 'offline' })
    expect(await db.pages.get(3)).toMatchObject({ messages: [{ id: 'm1' }] })
    expect(await db.committed.toCollection().primaryKeys()).toEqual(['a0.1', 'c0'])
    expect(db.tables.map((t) => t.name).sort()).toEqual(['committed', 'job', 'pages', 'written'])
    await db.written.bulkAdd([{ key: 'a0.2:b:0', unit: 'a0.2' }, { key: 'a0.2:b:1', unit: 'a0.2' }, { key: 'a1.0:b:0', unit: 'a1.0' }])
    await db.written.where('unit').equals('a0.2').delete()
    expect(await db.written.toCollection().primaryKeys()).toEqual(['a1.0:b:0'])
    db.close()
  })
})
