import { sequenceConversation, type ChatDB, type ConversationId, type Message } from './ChatDB'
import { withDbErrors } from './translateDbError'

/**
 * Random access into a conversation's history by row (= `Message.seq`, 0 = oldest), for a virtualized
 * view that reads only the rows on screen. A window of rows is one key range on the
 * `[conversationId+seq]` index, so its cost does not grow with the history: an IndexedDB count or
 * cursor offset over 100,000 messages takes seconds in Chromium, this takes milliseconds. A deleted
 * message leaves its row empty.
 */

/** The conversation's row count (its `nextSeq`), or undefined when it does not exist. */
export async function countRows(db: ChatDB, id: ConversationId): Promise<number | undefined> {
  return (await db.conversations.get(id))?.nextSeq
}

/** The messages in rows [start, end), oldest first; rows of deleted messages are simply missing. */
export function messagesInRows(db: ChatDB, id: ConversationId, start: number, end: number): Promise<Message[]> {
  if (end <= start) return Promise.resolve([])
  return db.messages.where('[conversationId+seq]').between([id, start], [id, end], true, false).toArray()
}

/**
 * Gives a conversation written without sequence numbers (restored from a backup made before schema v3)
 * its numbers. Cheap when there is nothing to do.
 */
export async function ensureSequenced(db: ChatDB, id: ConversationId): Promise<void> {
  const conversation = await db.conversations.get(id)
  if (!conversation || conversation.nextSeq !== undefined) return
  await withDbErrors(() =>
    db.transaction('rw', db.conversations, db.messages, async () => {
      const again = await db.conversations.get(id)
      if (again && again.nextSeq === undefined) await sequenceConversation(db.conversations, db.messages, id)
    }),
  )
}
