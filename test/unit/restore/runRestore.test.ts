import 'fake-indexeddb/auto'
import Dexie from 'dexie'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ChunkSealer } from '../../../src/backup/ChunkSealer'
import { IdbStagingStore } from '../../../src/backup/IdbStagingStore'
import { runBackup } from '../../../src/backup/runBackup'
import type { SnapshotId } from '../../../src/db/BackupDB'
import type { ConversationId } from '../../../src/db/ChatDB'
import { createChunkIdHasher } from '../../../src/format/chunkId'
import { ATTACHMENT_PART_SIZE, PAGE_MESSAGES } from '../../../src/format/constants'
import { BackupHarness, patternBytes } from '../backup/BackupHarness'
import { chatsContent, MemoryServer, RestoringDevice, uploadBackup } from './RestoreHarness'

const P = ATTACHMENT_PART_SIZE

async function sampleChats(h: BackupHarness) {
  const ana = await h.conversation('conv-ana', 'Ana Lima')
  const hike = await h.conversation('conv-hike', 'Hiking club')
  await h.chats.conversations.update(hike, { updatedAt: 5 })
  await h.messages(ana, PAGE_MESSAGES * 2 + 7, 0, (i) => `Ana ${i}: see you at the lighthouse ${i % 5 === 0 ? 'ça va? 👋' : ''}`)
  await h.messages(hike, 12)
  await h.attachment(ana, 'att-photo', patternBytes(300_000, 1), patternBytes(2_000, 2))
  await h.attachment(ana, 'att-video', patternBytes(2 * P + 777, 3))
  await h.attachment(hike, 'att-map', patternBytes(P, 4), patternBytes(900, 5))
  await h.attachment(hike, 'att-empty', new Uint8Array(0))
}

describe('restoring a snapshot on another device', () => {
  it('brings back every conversation, message, attachment and thumbnail as they were', async () => {
    const h = await BackupHarness.create()
    await sampleChats(h)
    const server = new MemoryServer()
    const snapshotId = await uploadBackup(h, server)
    const device = await RestoringDevice.create(h.masterKey, server)
    await device.begin(snapshotId)
    const summary = await device.run()

    expect(summary).toMatchObject({ snapshotId, conversations: 2, messages: PAGE_MESSAGES * 2 + 7 + 12, attachments: 4 })
    expect(await chatsContent(device.chats)).toEqual(await chatsContent(h.chats))
    const job = await device.db.job.get('current')
    expect(job).toMatchObject({ state: 'done', phase: 'finished', error: null, conversationsDone: 2, attachmentsDone: 4 })
    expect(job!.bytesDone).toBe(job!.bytesTotal)
    expect(await device.db.pages.count()).toBe(0)
    expect(await device.db.written.count()).toBe(0)
  })

  it('writes messages first: every conversation before any attachment, the most recent conversation first', async () => {
    const h = await BackupHarness.create()
    await sampleChats(h)
    const server = new MemoryServer()
    const device = await RestoringDevice.create(h.masterKey, server)
    await device.begin(await uploadBackup(h, server))
    const order: string[] = []
    device.chats.conversations.hook('creating', (id) => void order.push(`conversation ${String(id)}`))
    device.chats.attachments.hook('creating', (id) => void order.push(`attachment ${String(id)}`))
    await device.run()
    expect(order.slice(0, 2)).toEqual(['conversation conv-hike', 'conversation conv-ana'])
    expect(order.slice(2).every((entry) => entry.startsWith('attachment'))).toBe(true)
    expect(order).toHaveLength(6)
  })

  it('writes small attachments in batches, several per transaction', async () => {
    const h = await BackupHarness.create()
    const c = await h.conversation('photos')
    for (let i = 0; i < 20; i++) await h.attachment(c, `photo-${String(i).padStart(2, '0')}`, patternBytes(50_000 + i, 10 + i))
    const server = new MemoryServer()
    const device = await RestoringDevice.create(h.masterKey, server)
    await device.begin(await uploadBackup(h, server))
    const transactions = new Set<unknown>()
    device.chats.attachments.hook('creating', () => void transactions.add(Dexie.currentTransaction))
    await device.run()
    expect(await device.chats.attachments.count()).toBe(20)
    expect(transactions.size).toBeGreaterThanOrEqual(2)
    expect(transactions.size).toBeLessThan(20)
  })

  it('hands the snapshot to the backup engine: the next backup on this device seals nothing and names it as parent', async () => {
    const h = await BackupHarness.create()
    await sampleChats(h)
    const server = new MemoryServer()
    const snapshotId = await uploadBackup(h, server)
    const device = await RestoringDevice.create(h.masterKey, server)
    await device.begin(snapshotId)
    await device.run()
    const run = await device.backup.runs.get(snapshotId)
    expect(run).toMatchObject({ state: 'staged', chunkCount: server.chunks.size })
    expect(await device.backup.chunks.where('state').equals('done').count()).toBe(server.chunks.size)
    expect(await device.backup.commits.get(snapshotId)).toMatchObject({ state: 'committed' })
    expect((await device.backup.commits.get(snapshotId))!.chunkIds.slice().sort()).toEqual([...server.chunks.keys()].sort())

    const store = new IdbStagingStore(device.backup)
    const chunkIdOf = await createChunkIdHasher(device.keys.chunkIdKey)
    const next = new Uint8Array(16).fill(7)
    const runId = Buffer.from(next).toString('hex') as SnapshotId
    const sealers = [new ChunkSealer({ keys: device.keys, chunkIdOf, db: device.backup, store, runId })]
    const summary = await runBackup({
      chats: device.chats, db: device.backup, store, keys: device.keys, sealers, device: 'the new phone', capacity: 64 * P, snapshotId: next, manifestNonce: new Uint8Array(12),
    })
    expect(summary).toMatchObject({ parent: snapshotId, newChunks: 0, chunkCount: server.chunks.size })
    expect(await store.list()).toEqual([])
  })

  it('restores the frozen v1 backup (test/fixtures/backup-v1) as it was frozen', async () => {
    const dir = fileURLToPath(new URL('../../fixtures/backup-v1/', import.meta.url))
    const text = (name: string) => readFileSync(join(dir, name), 'utf8').trim()
    const server = new MemoryServer()
    const snapshotId = text('snapshot-id.txt')
    server.manifests.set(snapshotId, readFileSync(join(dir, 'manifest.bin')))
    for (const id of readdirSync(join(dir, 'chunks'))) server.chunks.set(id, readFileSync(join(dir, 'chunks', id)))
    const device = await RestoringDevice.create(Buffer.from(text('master-key.hex'), 'hex'), server)
    await device.begin(snapshotId)
    await device.run()

    const expected = JSON.parse(text('expected.json')) as { messages: Record<string, Record<string, unknown>[]>; attachments: Record<string, string>; thumbnails: Record<string, string> }
    const content = await chatsContent(device.chats)
    expect(content.conversations.map((c) => c.name).sort()).toEqual(['Ana Lima', 'Hiking club 🥾'])
    for (const [conversationId, messages] of Object.entries(expected.messages)) {
      const restored = await device.chats.messages.where('[conversationId+createdAt]').between([conversationId, Dexie.minKey], [conversationId, Dexie.maxKey]).toArray()
      expect(restored.map(({ conversationId: _c, words: _w, seq: _s, ...m }) => m)).toEqual(messages)
      expect(restored.every((m) => m.conversationId === (conversationId as ConversationId) && m.words.length > 0)).toBe(true)
      // v1 pages carry no sequence numbers: the restore numbers the messages in time order.
      expect(restored.map((m) => m.seq)).toEqual([...messages.keys()])
      expect((await device.chats.conversations.get(conversationId as ConversationId))!.nextSeq).toBe(messages.length)
    }
    expect(Object.fromEntries(content.attachments.map((a) => [a.id, a.blob]))).toEqual(expected.attachments)
    expect(Object.fromEntries(content.attachments.filter((a) => a.thumbnail).map((a) => [a.id, a.thumbnail]))).toEqual(expected.thumbnails)
  })
})
