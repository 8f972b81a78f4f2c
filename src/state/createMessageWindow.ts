import { createEffect, createMemo, createSignal, type Accessor } from 'solid-js'
import { createStore, reconcile } from 'solid-js/store'
import type { ChatDB, ConversationId, Message } from '../db/ChatDB'
import { countMessages, messagesPage } from '../db/messagePages'
import { createLiveQuery } from './createLiveQuery'

/** Rows are loaded in pages of this many, so small scrolls do not query again. */
export const PAGE_SIZE = 50

export interface VisibleRange {
  start: number
  end: number // exclusive
}

export interface MessageWindow {
  /** How many messages the conversation has; undefined until the first read. */
  count: Accessor<number | undefined>
  /** The message at a position (0 = oldest), when it is in the loaded window (or just before it). */
  at(index: number): Message | undefined
  error: Accessor<unknown>
}

interface Loaded {
  offset: number
  messages: Message[]
}

/**
 * The part of a conversation a virtualized list shows: the visible range, widened to whole pages, is
 * read live from Dexie with the message count in one read transaction. Before the first range is known
 * the newest messages are read, so a conversation opens at its end without reading its start. Message
 * objects keep their identity across re-reads (reconciled by id), so unchanged rows do not re-render.
 */
export function createMessageWindow(db: ChatDB, conversationId: ConversationId, visible: Accessor<VisibleRange | undefined>): MessageWindow {
  const pages = createMemo(
    () => {
      const v = visible()
      if (!v) return { tail: true as const }
      const start = Math.floor(v.start / PAGE_SIZE) * PAGE_SIZE
      const end = Math.ceil(Math.max(v.end, v.start + 1) / PAGE_SIZE) * PAGE_SIZE
      return { tail: false as const, start, end }
    },
    undefined,
    { equals: (a, b) => a.tail === b.tail && (a.tail || b.tail || (a.start === b.start && a.end === b.end)) },
  )
  const [count, setCount] = createSignal<number>()
  const [loaded, setLoaded] = createStore<Loaded>({ offset: 0, messages: [] })

  const result = createLiveQuery(
    (p) =>
      db.transaction('r', db.messages, async () => {
        const total = await countMessages(db, conversationId)
        // One message more before the window, so every row shown knows its predecessor (day dividers).
        const start = p.tail ? Math.max(0, total - 2 * PAGE_SIZE) : p.start
        const offset = Math.max(0, start - 1)
        const limit = (p.tail ? total : p.end) - offset
        return { total, offset, messages: await messagesPage(db, conversationId, offset, limit, total) }
      }),
    pages,
  )
  createEffect(() => {
    const r = result()
    if (!r) return
    setLoaded('offset', r.offset)
    setLoaded('messages', reconcile(r.messages, { key: 'id' }))
    setCount(r.total)
  })

  return {
    count,
    at: (index) => {
      const i = index - loaded.offset
      return i >= 0 && i < loaded.messages.length ? loaded.messages[i] : undefined
    },
    error: result.error,
  }
}
