import { createEffect, createMemo, createSignal, type Accessor } from 'solid-js'
import { createStore, reconcile } from 'solid-js/store'
import type { ChatDB, ConversationId, Message } from '../db/ChatDB'
import { messagesInRows } from '../db/messagePages'
import { createLiveQuery } from './createLiveQuery'

/** Rows are read in pages of this many, so small scrolls do not query again. */
export const PAGE_SIZE = 50

export interface VisibleRange {
  start: number
  end: number // exclusive
}

export interface MessageWindow {
  /** Rows in the conversation (deleted messages leave empty rows); undefined until the first read. */
  count: Accessor<number | undefined>
  /** The message in a row, when the row is loaded and its message not deleted. */
  at(row: number): Message | undefined
  /** Whether the row is loaded: a loaded row without a message is the gap of a deleted one. */
  loaded(row: number): boolean
  /** The nearest message before a row, or null when there is none; undefined when not loaded yet. */
  previous(row: number): Message | null | undefined
  /** True once it is known that the conversation has no messages. */
  empty: Accessor<boolean>
  /**
   * The row's message (null for a deleted one, undefined when not loaded) without reactive tracking:
   * cheap enough to call for every row of a long history, as a size estimate does.
   */
  peek(row: number): Message | null | undefined
  error: Accessor<unknown>
}

interface Loaded {
  start: number
  end: number
  bySeq: Record<number, Message>
}

/**
 * The part of a conversation a virtualized list shows: the visible rows widened to whole pages (plus
 * the page before, for day dividers), read live from Dexie together with the row count. Before the
 * first range is known the newest rows are read, so a conversation opens at its end. Message objects
 * keep their identity across re-reads (reconciled by id), so unchanged rows do not re-render.
 */
export function createMessageWindow(db: ChatDB, conversationId: ConversationId, visible: Accessor<VisibleRange | undefined>): MessageWindow {
  const pages = createMemo(
    () => {
      const v = visible()
      if (!v) return { tail: true as const }
      const start = Math.max(0, Math.floor(v.start / PAGE_SIZE) - 1) * PAGE_SIZE
      const end = Math.ceil(Math.max(v.end, v.start + 1) / PAGE_SIZE) * PAGE_SIZE
      return { tail: false as const, start, end }
    },
    undefined,
    { equals: (a, b) => a.tail === b.tail && (a.tail || b.tail || (a.start === b.start && a.end === b.end)) },
  )
  const [count, setCount] = createSignal<number>()
  const [loadedRows, setLoaded] = createStore<Loaded>({ start: 0, end: 0, bySeq: {} })
  let plain = { start: 0, end: 0, bySeq: new Map<number, Message>() }

  const result = createLiveQuery(
    (p) =>
      db.transaction('r', db.conversations, db.messages, async () => {
        const total = (await db.conversations.get(conversationId))?.nextSeq ?? 0
        const start = p.tail ? Math.max(0, total - 2 * PAGE_SIZE) : Math.min(p.start, total)
        const end = p.tail ? total : Math.min(p.end, total)
        return { total, start, end, messages: await messagesInRows(db, conversationId, start, end) }
      }),
    pages,
  )
  createEffect(() => {
    const r = result()
    if (!r) return
    const bySeq: Record<number, Message> = {}
    for (const m of r.messages) bySeq[m.seq] = m
    plain = { start: r.start, end: r.end, bySeq: new Map(r.messages.map((m) => [m.seq, m])) }
    setLoaded({ start: r.start, end: r.end })
    setLoaded('bySeq', reconcile(bySeq, { key: 'id' }))
    setCount(r.total)
  })

  const loaded = (row: number) => row >= loadedRows.start && row < loadedRows.end
  return {
    count,
    at: (row) => (loaded(row) ? loadedRows.bySeq[row] : undefined),
    loaded,
    previous: (row) => {
      for (let r = row - 1; r >= 0; r--) {
        if (!loaded(r)) return undefined
        const m = loadedRows.bySeq[r]
        if (m) return m
      }
      return null
    },
    empty: () => {
      const c = count()
      return c === 0 || (c !== undefined && loadedRows.start === 0 && loadedRows.end === c && Object.keys(loadedRows.bySeq).length === 0)
    },
    error: result.error,
    peek: (row) => (row >= plain.start && row < plain.end ? (plain.bySeq.get(row) ?? null) : undefined),
  }
}
