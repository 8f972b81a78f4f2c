import type { ChatDB, ConversationId, Message } from './ChatDB'

/**
 * Random access into a conversation's history by position (0 = oldest), for a virtualized view that
 * loads only the rows on screen. Positions follow the `[conversationId+createdAt]` index, whose ties are
 * broken by primary key, so a position is stable until a message is added or deleted.
 */

function conversationRange(db: ChatDB, id: ConversationId) {
  return db.messages.where('[conversationId+createdAt]').between([id, -Infinity], [id, Infinity])
}

export function countMessages(db: ChatDB, id: ConversationId): Promise<number> {
  return conversationRange(db, id).count()
}

/**
 * Messages at positions [offset, offset + limit), oldest first. An IndexedDB cursor skips rows one by
 * one, so the page is read from whichever end of the conversation is nearer: opening at the newest
 * messages skips nothing, and no read skips more than half of the history.
 */
export async function messagesPage(
  db: ChatDB,
  id: ConversationId,
  offset: number,
  limit: number,
  count: number,
): Promise<Message[]> {
  const start = Math.max(0, Math.min(offset, count))
  const end = Math.max(start, Math.min(offset + limit, count))
  if (end === start) return []
  if (start <= count - end) return conversationRange(db, id).offset(start).limit(end - start).toArray()
  const fromEnd = await conversationRange(db, id)
    .reverse()
    .offset(count - end)
    .limit(end - start)
    .toArray()
  return fromEnd.reverse()
}

/** The position of a message in its conversation (what `messagesPage` would find it at). */
export async function messagePosition(db: ChatDB, message: Pick<Message, 'id' | 'conversationId' | 'createdAt'>): Promise<number> {
  const c = message.conversationId
  const before = await db.messages
    .where('[conversationId+createdAt]')
    .between([c, -Infinity], [c, message.createdAt], true, false)
    .count()
  const sameTime = await db.messages.where('[conversationId+createdAt]').equals([c, message.createdAt]).primaryKeys()
  return before + sameTime.filter((k) => k < message.id).length
}
