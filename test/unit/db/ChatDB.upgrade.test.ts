import 'fake-indexeddb/auto'
import Dexie from 'dexie'
import { describe, expect, it } from 'vitest'
import { ChatDB } from '../../../src/db/ChatDB'

describe('ChatDB schema upgrades', () => {
  it('v1 → current: keeps every record and fills the words index from message text', async () => {
    const name = `upgrade-v1-${Date.now()}`
    const v1 = new Dexie(name)
    v1.version(1).stores({
      conversations: 'id, updatedAt',
      messages: 'id, [conversationId+createdAt]',
      attachments: 'id, conversationId, messageId',
    })
    await v1.table('conversations').add({ id: 'c1', name: 'Alex', createdAt: 1, updatedAt: 3, lastMessageText: 'Bye', unread: 1 })
    await v1.table('messages').bulkAdd([
      { id: 'm1', conversationId: 'c1', createdAt: 2, author: 'Alex', text: 'Meet at the Café, 8pm?', attachments: [] },
      { id: 'm2', conversationId: 'c1', createdAt: 3, author: 'me', text: '', attachments: [{ id: 'a1', name: 'x.bin', type: 'application/octet-stream', size: 3 }] },
    ])
    await v1.table('attachments').add({ id: 'a1', name: 'x.bin', type: 'application/octet-stream', size: 3, conversationId: 'c1', messageId: 'm2', blob: new Blob([new Uint8Array([1, 2, 3])]) })
    v1.close()

    const db = new ChatDB(name)
    await db.open()
    expect(db.verno).toBe(2)
    expect(await db.conversations.count()).toBe(1)
    const m1 = await db.messages.get('m1' as never)
    expect(m1?.words).toEqual(['meet', 'at', 'the', 'café', '8pm'])
    expect((await db.messages.get('m2' as never))?.words).toEqual([])
    expect(await db.messages.where('words').equals('café').primaryKeys()).toEqual(['m1'])
    const attachment = await db.attachments.get('a1' as never)
    expect(new Uint8Array(await attachment!.blob.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]))
    db.close()
  })
})
