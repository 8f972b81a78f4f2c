import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { searchTokens, type Conversation, type ConversationId, type Message, type MessageId } from '../../../src/db/ChatDB'
import { createConversation } from '../../../src/db/conversations'
import { countRows, ensureSequenced, messagesInRows } from '../../../src/db/messagePages'
import { deleteMessage, sendMessage } from '../../../src/db/messages'
import { openTestDB } from './openTestDB'

describe('message rows', () => {
  it('reads any window of rows by key range, oldest first, with gaps where messages were deleted', async () => {
    const db = openTestDB()
    const c = await createConversation(db, 'Rows', 0)
    const other = await createConversation(db, 'Other', 0)
    const sent: Message[] = []
    for (let i = 0; i < 120; i++) sent.push(await sendMessage(db, { conversationId: c.id, text: `message ${i}`, now: 1000 + i }))
    await sendMessage(db, { conversationId: other.id, text: 'elsewhere', now: 5000 })
    expect(sent.map((m) => m.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i))
    expect(await countRows(db, c.id)).toBe(120)
    expect(await countRows(db, 'missing' as ConversationId)).toBeUndefined()

    expect((await messagesInRows(db, c.id, 50, 53)).map((m) => m.text)).toEqual(['message 50', 'message 51', 'message 52'])
    expect((await messagesInRows(db, c.id, 115, 200)).map((m) => m.seq)).toEqual([115, 116, 117, 118, 119])
    expect(await messagesInRows(db, c.id, 10, 10)).toEqual([])

    await deleteMessage(db, sent[51]!.id)
    expect((await messagesInRows(db, c.id, 50, 53)).map((m) => m.seq)).toEqual([50, 52])
    expect(await countRows(db, c.id)).toBe(120)
    const next = await sendMessage(db, { conversationId: c.id, text: 'after the delete' })
    expect(next.seq).toBe(120)
    expect(await countRows(db, c.id)).toBe(121)
  })

  it('numbers a conversation restored without sequence numbers, in time order, once', async () => {
    const db = openTestDB()
    const id = 'restored' as ConversationId
    // A record from before schema v3, as a restore of an older backup writes it.
    const legacy = { id, name: 'Restored', createdAt: 1, updatedAt: 30, lastMessageText: 'c', unread: 0 } as Omit<Conversation, 'nextSeq'>
    await db.conversations.add(legacy as Conversation)
    const messages = ['b', 'a', 'c'].map((text, k) => ({
      id: `m-${text}` as MessageId, conversationId: id, createdAt: [20, 10, 30][k]!, author: 'me', text, attachments: [], words: searchTokens(text),
    }))
    await db.messages.bulkAdd(messages as unknown as Message[])
    expect(await countRows(db, id)).toBeUndefined()

    await ensureSequenced(db, id)
    expect(await countRows(db, id)).toBe(3)
    expect((await messagesInRows(db, id, 0, 3)).map((m) => m.text)).toEqual(['a', 'b', 'c'])
    await ensureSequenced(db, id)
    expect((await messagesInRows(db, id, 0, 3)).map((m) => m.seq)).toEqual([0, 1, 2])
  })

  it('sending into an unnumbered conversation numbers it first', async () => {
    const db = openTestDB()
    const id = 'old' as ConversationId
    await db.conversations.add({ id, name: 'Old', createdAt: 1, updatedAt: 1, lastMessageText: '', unread: 0 } as Omit<Conversation, 'nextSeq'> as Conversation)
    await db.messages.add({ id: 'm1' as MessageId, conversationId: id, createdAt: 5, author: 'me', text: 'hi', attachments: [], words: ['hi'] } as Omit<Message, 'seq'> as Message)
    const sent = await sendMessage(db, { conversationId: id, text: 'new', now: 10 })
    expect(sent.seq).toBe(1)
    expect((await messagesInRows(db, id, 0, 2)).map((m) => m.text)).toEqual(['hi', 'new'])
  })
})
