import 'fake-indexeddb/auto'
import Dexie from 'dexie'
import { describe, expect, it } from 'vitest'
import { ChatDB } from '../../../src/db/ChatDB'

function v1Schema(db: Dexie): void {
  db.version(1).stores({
    conversations: 'id, updatedAt',
    messages: 'id, [conversationId+createdAt]',
    attachments: 'id, conversationId, messageId',
  })
}

describe('ChatDB schema upgrades', () => {
  it('v1 → current: keeps every record, fills the words index and numbers messages in time order', async () => {
    const name = `upgrade-v1-${Date.now()}`
    const v1 = new Dexie(name)
    v1Schema(v1)
    await v1.table('conversations').add({ id: 'c1', name: 'Alex', createdAt: 1, updatedAt: 3, lastMessageText: 'Bye', unread: 1 })
    await v1.table('messages').bulkAdd([
      { id: 'm1', conversationId: 'c1', createdAt: 2, author: 'Alex', text: 'Meet at the Café, 8pm?', attachments: [] },
      { id: 'm2', conversationId: 'c1', createdAt: 3, author: 'me', text: '', attachments: [{ id: 'a1', name: 'x.bin', type: 'application/octet-stream', size: 3 }] },
    ])
    await v1.table('attachments').add({ id: 'a1', name: 'x.bin', type: 'application/octet-stream', size: 3, conversationId: 'c1', messageId: 'm2', blob: new Blob([new Uint8Array([1, 2, 3])]) })
    v1.close()

    const db = new ChatDB(name)
    await db.open()
    expect(db.verno).toBe(3)
    expect(await db.conversations.count()).toBe(1)
    const m1 = await db.messages.get('m1' as never)
    expect(m1?.words).toEqual(['meet', 'at', 'the', 'café', '8pm'])
    expect((await db.messages.get('m2' as never))?.words).toEqual([])
    expect(await db.messages.where('words').equals('café').primaryKeys()).toEqual(['m1'])
    const attachment = await db.attachments.get('a1' as never)
    expect(new Uint8Array(await attachment!.blob.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]))
    expect([m1?.seq, (await db.messages.get('m2' as never))?.seq]).toEqual([0, 1])
    expect((await db.conversations.get('c1' as never))?.nextSeq).toBe(2)
    db.close()
  })

  it('v2 → v3: numbers each conversation separately by time, ties by id', async () => {
    const name = `upgrade-v2-${Date.now()}`
    const v2 = new Dexie(name)
    v1Schema(v2)
    v2.version(2).stores({ messages: 'id, [conversationId+createdAt], *words' })
    await v2.table('conversations').bulkAdd([
      { id: 'a', name: 'A', createdAt: 1, updatedAt: 9, lastMessageText: '', unread: 0 },
      { id: 'b', name: 'B', createdAt: 1, updatedAt: 9, lastMessageText: '', unread: 0 },
      { id: 'empty', name: 'Empty', createdAt: 1, updatedAt: 1, lastMessageText: '', unread: 0 },
    ])
    const message = (id: string, conversationId: string, createdAt: number) => ({ id, conversationId, createdAt, author: 'me', text: id, attachments: [], words: [id] })
    await v2.table('messages').bulkAdd([message('a3', 'a', 30), message('a1', 'a', 10), message('b1', 'b', 20), message('a2y', 'a', 20), message('a2x', 'a', 20)])
    v2.close()

    const db = new ChatDB(name)
    const seqs = Object.fromEntries((await db.messages.toArray()).map((m) => [m.id, m.seq]))
    expect(seqs).toEqual({ a1: 0, a2x: 1, a2y: 2, a3: 3, b1: 0 })
    expect((await db.conversations.toArray()).map((c) => [c.id, c.nextSeq])).toEqual([['a', 4], ['b', 1], ['empty', 0]])
    expect(await db.messages.where('[conversationId+seq]').between(['a', 1], ['a', 3]).primaryKeys()).toEqual(['a2x', 'a2y'])
    db.close()
  })
})
