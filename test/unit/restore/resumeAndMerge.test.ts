import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import type { ConversationId, Message, MessageId } from '../../../src/db/ChatDB'
import { searchTokens } from '../../../src/db/ChatDB'
import { AppError } from '../../../src/errors'
import { ATTACHMENT_PART_SIZE, PAGE_MESSAGES } from '../../../src/format/constants'
import { BackupHarness, patternBytes } from '../backup/BackupHarness'
import { chatsContent, MemoryServer, RestoringDevice, uploadBackup } from './RestoreHarness'

describe('a restore that stops half-way', () => {
  it('resumes where it stopped: verified pages and parts of a file are not downloaded again, and the result is identical', async () => {
    const h = await BackupHarness.create()
    const c = await h.conversation('conv-long', 'Long chat')
    await h.messages(c, PAGE_MESSAGES * 6 + 3)
    const large = 5 * ATTACHMENT_PART_SIZE + 99
    await h.attachment(c, 'att-large', patternBytes(large, 7))
    await h.attachment(c, 'att-small', patternBytes(1000, 8))
    const server = new MemoryServer()
    const snapshotId = await uploadBackup(h, server)
    const device = await RestoringDevice.create(h.masterKey, server)
    await device.begin(snapshotId)

    let served = 0
    server.beforeGet = () => {
      if (++served > 12) throw new AppError('offline', 'Cannot reach the server')
    }
    await expect(device.run()).rejects.toMatchObject({ code: 'offline' })
    const firstRun = new Set(server.requests.slice(0, 12))
    const staged = (await device.db.pages.count()) + (await device.db.written.count())
    expect(await device.db.job.get('current')).toMatchObject({ state: 'paused' })
    expect(staged).toBeGreaterThan(0)

    server.requests.length = 0
    server.beforeGet = () => {}
    await device.run()
    const downloadedAgain = server.requests.filter((id) => firstRun.has(id))
    expect(downloadedAgain).toEqual([])
    expect(server.requests.length + firstRun.size).toBe(server.chunks.size)
    expect(await chatsContent(device.chats)).toEqual(await chatsContent(h.chats))
    expect(await device.db.job.get('current')).toMatchObject({ state: 'done', messagesDone: PAGE_MESSAGES * 6 + 3, attachmentsDone: 2 })
  })

  it('after a failure, running again picks up from the staged chunks once the server is fixed', async () => {
    const h = await BackupHarness.create()
    const c = await h.conversation('c')
    await h.messages(c, PAGE_MESSAGES * 2)
    await h.attachment(c, 'att', patternBytes(5000, 3))
    const server = new MemoryServer()
    const snapshotId = await uploadBackup(h, server)
    const device = await RestoringDevice.create(h.masterKey, server)
    await device.begin(snapshotId)
    const [id, object] = [...server.chunks.entries()].find(([, o]) => o.length < 20_000)!
    server.chunks.delete(id)
    await expect(device.run()).rejects.toMatchObject({ code: 'chunk-missing' })
    server.chunks.set(id, object)
    await device.run()
    expect(await chatsContent(device.chats)).toEqual(await chatsContent(h.chats))
  })
})

describe('restoring onto a device that already has chats', () => {
  it('merges by id: local messages, conversations and attachments stay as they are, the backup adds what is missing', async () => {
    const h = await BackupHarness.create()
    const ana = await h.conversation('conv-ana', 'Ana (backup)')
    await h.messages(ana, 10)
    await h.attachment(ana, 'att-shared', patternBytes(2000, 1))
    await h.attachment(ana, 'att-new', patternBytes(3000, 2))
    const server = new MemoryServer()
    const snapshotId = await uploadBackup(h, server)

    const device = await RestoringDevice.create(h.masterKey, server)
    const local = device.chats
    await local.conversations.bulkAdd([
      { id: 'conv-ana' as ConversationId, name: 'Ana (this device)', createdAt: 1, updatedAt: 2, lastMessageText: 'local', unread: 3, nextSeq: 2 },
      { id: 'conv-local' as ConversationId, name: 'Only here', createdAt: 1, updatedAt: 1, lastMessageText: '', unread: 0, nextSeq: 0 },
    ])
    const edited = { id: 'conv-ana-m000003' as MessageId, conversationId: ana, createdAt: 1_700_000_003_000, author: 'me', text: 'edited on this device', attachments: [], words: searchTokens('edited on this device'), seq: 0 }
    const onlyHere = { ...edited, id: 'conv-ana-local-1' as MessageId, createdAt: 1_700_000_003_500, text: 'written offline here', words: searchTokens('written offline here'), seq: 1 }
    await local.messages.bulkAdd([edited, onlyHere])
    const localBlob = new Blob([new Uint8Array([1, 2, 3])])
    await local.attachments.add({ id: 'att-shared' as never, conversationId: ana, messageId: edited.id, name: 'kept.bin', type: 'application/octet-stream', size: 3, blob: localBlob })

    await device.begin(snapshotId, true)
    await device.run()

    const withoutSeq = ({ seq: _s, ...m }: Message) => m
    expect(withoutSeq((await local.messages.get(edited.id))!)).toEqual(withoutSeq(edited))
    expect(withoutSeq((await local.messages.get(onlyHere.id))!)).toEqual(withoutSeq(onlyHere))
    expect(await local.messages.where('conversationId').equals(ana).count()).toBe(11)
    // Restored and local messages are numbered again in time order: the local one written between m3 and m4 is fifth.
    const merged = await local.messages.where('[conversationId+seq]').between([ana, 0], [ana, Infinity]).toArray()
    expect(merged.map((m) => m.seq)).toEqual([...Array(11).keys()])
    expect(merged[4]!.id).toBe(onlyHere.id)
    expect((await local.conversations.get(ana))!.nextSeq).toBe(11)
    expect(await local.conversations.get('conv-local' as ConversationId)).toMatchObject({ name: 'Only here' })
    expect(await local.conversations.get(ana)).toMatchObject({ name: 'Ana (this device)', unread: 3 })
    expect((await local.attachments.get('att-shared' as never))!.name).toBe('kept.bin')
    expect((await local.attachments.get('att-new' as never))!.size).toBe(3000)
    expect((await device.db.job.get('current'))!.messagesDone).toBe(9)
  })
})
