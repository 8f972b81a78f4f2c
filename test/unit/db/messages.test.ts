import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import type { MessageId } from '../../../src/db/ChatDB'
import { createConversation, conversationsByRecency, deleteConversation, markConversationRead } from '../../../src/db/conversations'
import { deleteMessage, previewText, sendMessage } from '../../../src/db/messages'
import { openTestDB } from './openTestDB'

describe('conversations and messages', () => {
  it('sends text and files in one transaction and summarises the conversation', async () => {
    const db = openTestDB()
    const alex = await createConversation(db, '  Alex  ', 1000)
    expect(alex.name).toBe('Alex')
    const photo = new Blob([new Uint8Array([9, 8, 7])], { type: 'image/jpeg' })
    const thumb = new Blob([new Uint8Array([1])], { type: 'image/jpeg' })
    const sent = await sendMessage(db, {
      conversationId: alex.id,
      text: '  Look at this Sunset!  ',
      attachments: [{ name: 'sunset.jpg', type: 'image/jpeg', blob: photo, thumbnail: thumb, width: 640, height: 480 }],
      now: 2000,
    })
    expect(sent.text).toBe('Look at this Sunset!')
    expect(sent.words).toEqual(['look', 'at', 'this', 'sunset'])
    expect(sent.attachments).toEqual([{ id: sent.attachments[0]!.id, name: 'sunset.jpg', type: 'image/jpeg', size: 3, width: 640, height: 480 }])
    const stored = await db.attachments.get(sent.attachments[0]!.id)
    expect(new Uint8Array(await stored!.blob.arrayBuffer())).toEqual(new Uint8Array([9, 8, 7]))
    expect(stored!.thumbnail?.size).toBe(1)
    const conversation = await db.conversations.get(alex.id)
    expect(conversation).toMatchObject({ updatedAt: 2000, lastMessageText: 'Look at this Sunset!', unread: 0 })
  })

  it('keeps message times strictly increasing even within one millisecond', async () => {
    const db = openTestDB()
    const c = await createConversation(db, 'Sam', 0)
    const a = await sendMessage(db, { conversationId: c.id, text: 'one', now: 5000 })
    const b = await sendMessage(db, { conversationId: c.id, text: 'two', now: 5000 })
    const d = await sendMessage(db, { conversationId: c.id, text: 'three', now: 4000 })
    expect([a.createdAt, b.createdAt, d.createdAt]).toEqual([5000, 5001, 5002])
  })

  it('counts messages from others as unread until the conversation is read', async () => {
    const db = openTestDB()
    const c = await createConversation(db, 'Mum')
    await sendMessage(db, { conversationId: c.id, text: 'Call me', author: 'Mum' })
    await sendMessage(db, { conversationId: c.id, text: 'Please', author: 'Mum' })
    await sendMessage(db, { conversationId: c.id, text: 'Ok', author: 'me' })
    expect((await db.conversations.get(c.id))?.unread).toBe(2)
    await markConversationRead(db, c.id)
    expect((await db.conversations.get(c.id))?.unread).toBe(0)
  })

  it('lists conversations by latest activity', async () => {
    const db = openTestDB()
    const a = await createConversation(db, 'A', 1)
    const b = await createConversation(db, 'B', 2)
    expect((await conversationsByRecency(db)).map((c) => c.name)).toEqual(['B', 'A'])
    await sendMessage(db, { conversationId: a.id, text: 'hi', now: 3 })
    expect((await conversationsByRecency(db)).map((c) => c.name)).toEqual(['A', 'B'])
    expect(b.name).toBe('B')
  })

  it('deleting a message removes its attachments and updates the preview', async () => {
    const db = openTestDB()
    const c = await createConversation(db, 'Priya')
    const first = await sendMessage(db, { conversationId: c.id, text: 'first' })
    const second = await sendMessage(db, {
      conversationId: c.id,
      text: '',
      attachments: [{ name: 'notes.txt', type: 'text/plain', blob: new Blob(['hello']) }],
    })
    expect((await db.conversations.get(c.id))?.lastMessageText).toBe('notes.txt')
    await deleteMessage(db, second.id)
    expect(await db.messages.get(second.id)).toBeUndefined()
    expect(await db.attachments.count()).toBe(0)
    expect((await db.conversations.get(c.id))?.lastMessageText).toBe('first')
    await deleteMessage(db, first.id)
    expect((await db.conversations.get(c.id))?.lastMessageText).toBe('')
    await expect(deleteMessage(db, 'missing' as MessageId)).resolves.toBeUndefined()
  })

  it('deleting a conversation removes its messages and attachments, and only its own', async () => {
    const db = openTestDB()
    const keep = await createConversation(db, 'Keep')
    const drop = await createConversation(db, 'Drop')
    for (const c of [keep, drop]) {
      await sendMessage(db, { conversationId: c.id, text: 'text' })
      await sendMessage(db, { conversationId: c.id, text: 'file', attachments: [{ name: 'a.bin', type: '', blob: new Blob(['x']) }] })
    }
    await deleteConversation(db, drop.id)
    expect(await db.conversations.toCollection().primaryKeys()).toEqual([keep.id])
    expect((await db.messages.toArray()).every((m) => m.conversationId === keep.id)).toBe(true)
    expect(await db.messages.count()).toBe(2)
    expect((await db.attachments.toArray()).map((a) => a.conversationId)).toEqual([keep.id])
  })

  it('refuses an empty message and an empty name as programming errors', async () => {
    const db = openTestDB()
    await expect(createConversation(db, '   ')).rejects.toThrow(/empty name/)
    const c = await createConversation(db, 'X')
    await expect(sendMessage(db, { conversationId: c.id, text: '  ' })).rejects.toThrow(/empty message/)
    expect(await db.messages.count()).toBe(0)
  })

  it('previews photos and files when a message has no text', () => {
    const ref = (name: string, type: string) => ({ id: 'a' as never, name, type, size: 1 })
    expect(previewText({ text: '', attachments: [ref('p.jpg', 'image/jpeg')] })).toBe('Photo')
    expect(previewText({ text: '', attachments: [ref('a.pdf', 'application/pdf'), ref('b.pdf', 'application/pdf')] })).toBe('a.pdf (+1)')
    expect(previewText({ text: 'line\n\nbreak', attachments: [] })).toBe('line break')
  })
})
