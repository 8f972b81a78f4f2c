import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { createConversation } from '../../../src/db/conversations'
import { sendMessage } from '../../../src/db/messages'
import { searchMessages, snippetOf } from '../../../src/db/search'
import { openTestDB } from './openTestDB'

describe('searchMessages', () => {
  it('finds messages whose words start with every query word, newest first, across conversations', async () => {
    const db = openTestDB()
    const alex = await createConversation(db, 'Alex', 0)
    const club = await createConversation(db, 'Book club', 0)
    await sendMessage(db, { conversationId: alex.id, text: 'Dinner at the Italian place?', now: 1000 })
    await sendMessage(db, { conversationId: club.id, text: 'Next book: Italian Journey by Goethe', now: 2000 })
    await sendMessage(db, { conversationId: alex.id, text: 'Running late for dinner', now: 3000 })

    const dinner = await searchMessages(db, 'DINNER')
    expect(dinner.map((h) => h.message.text)).toEqual(['Running late for dinner', 'Dinner at the Italian place?'])
    expect(dinner.every((h) => h.conversation.name === 'Alex')).toBe(true)

    const both = await searchMessages(db, 'ital dinn')
    expect(both.map((h) => h.message.text)).toEqual(['Dinner at the Italian place?'])

    const italian = await searchMessages(db, 'italian')
    expect(italian.map((h) => h.conversation.name)).toEqual(['Book club', 'Alex'])
    expect(await searchMessages(db, 'nothing-here')).toEqual([])
    expect(await searchMessages(db, '   ')).toEqual([])
  })

  it('returns at most `limit` hits and each message once', async () => {
    const db = openTestDB()
    const c = await createConversation(db, 'Echo', 0)
    for (let i = 0; i < 30; i++) await sendMessage(db, { conversationId: c.id, text: `echo echoes echoing ${i}`, now: 1000 + i })
    const hits = await searchMessages(db, 'echo', 10)
    expect(hits).toHaveLength(10)
    expect(new Set(hits.map((h) => h.message.id)).size).toBe(10)
    expect(hits[0]!.message.text).toBe('echo echoes echoing 29')
  })
})

describe('snippetOf', () => {
  it('cuts around the first match at a word start and keeps the original case', () => {
    const text = 'We talked for hours about everything and nothing, and then Maria mentioned the Pineapple festival next Saturday at the old harbour.'
    const s = snippetOf(text, ['pineapple'])
    expect(s.match).toBe('Pineapple')
    expect(s.before.startsWith('…')).toBe(true)
    expect(s.before.endsWith('mentioned the ')).toBe(true)
    expect(s.after).toBe(' festival next Saturday at the old harbour.')
  })

  it('does not match inside a word, and falls back to the start of the text', () => {
    expect(snippetOf('the apple', ['pple'])).toEqual({ before: '', match: '', after: 'the apple' })
    expect(snippetOf('Apple pie', ['app'])).toEqual({ before: '', match: 'App', after: 'le pie' })
  })
})
