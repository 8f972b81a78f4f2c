import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { searchTokens, type Message, type MessageId } from '../../../src/db/ChatDB'
import { createConversation } from '../../../src/db/conversations'
import { countMessages, messagePosition, messagesPage } from '../../../src/db/messagePages'
import { openTestDB } from './openTestDB'

describe('message pages', () => {
  it('reads any window of a conversation, from either end, in time order', async () => {
    const db = openTestDB()
    const c = await createConversation(db, 'Big')
    const other = await createConversation(db, 'Other')
    const all: Message[] = Array.from({ length: 1000 }, (_, i) => ({
      id: `m${String(i).padStart(4, '0')}` as MessageId,
      conversationId: c.id,
      // pairs of messages share a time: ties are ordered by id
      createdAt: 10_000 + Math.floor(i / 2),
      author: 'me',
      text: `message ${i}`,
      attachments: [],
      words: searchTokens(`message ${i}`),
    }))
    await db.messages.bulkAdd([...all].reverse())
    await db.messages.add({ ...all[0]!, id: 'x' as MessageId, conversationId: other.id })
    const count = await countMessages(db, c.id)
    expect(count).toBe(1000)
    for (const [offset, limit] of [[0, 50], [475, 50], [500, 50], [950, 50], [990, 50], [999, 1], [0, 1000], [1000, 10], [-5, 10]] as const) {
      const page = await messagesPage(db, c.id, offset, limit, count)
      const from = Math.max(0, offset)
      expect(page.map((m) => m.id), `offset ${offset}`).toEqual(all.slice(from, Math.max(from, offset + limit)).map((m) => m.id))
    }
    for (const i of [0, 1, 2, 499, 998, 999]) expect(await messagePosition(db, all[i]!)).toBe(i)
  })
})
