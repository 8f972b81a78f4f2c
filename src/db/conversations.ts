import type { ChatDB, Conversation, ConversationId } from './ChatDB'
import { newId } from './newId'
import { withDbErrors } from './translateDbError'

/** The longest conversation name kept; longer input is cut (the UI's text box has the same limit). */
export const MAX_CONVERSATION_NAME = 80

/** Creates an empty conversation and returns it. The name is trimmed and must not be empty. */
export async function createConversation(db: ChatDB, name: string, now = Date.now()): Promise<Conversation> {
  const trimmed = name.trim().slice(0, MAX_CONVERSATION_NAME)
  if (!trimmed) throw new Error('createConversation: internal error: empty name')
  const conversation: Conversation = {
    id: newId(now) as ConversationId,
    name: trimmed,
    createdAt: now,
    updatedAt: now,
    lastMessageText: '',
    unread: 0,
    nextSeq: 0,
  }
  await withDbErrors(() => db.conversations.add(conversation))
  return conversation
}

/** Conversations, the one with the latest activity first. */
export function conversationsByRecency(db: ChatDB): Promise<Conversation[]> {
  return db.conversations.orderBy('updatedAt').reverse().toArray()
}

/** Deletes a conversation with all its messages and attachments, in one transaction. */
export async function deleteConversation(db: ChatDB, id: ConversationId): Promise<void> {
  await withDbErrors(() =>
    db.transaction('rw', db.conversations, db.messages, db.attachments, async () => {
      await db.attachments.where('conversationId').equals(id).delete()
      await db.messages.where('[conversationId+createdAt]').between([id, -Infinity], [id, Infinity], true, true).delete()
      await db.conversations.delete(id)
    }),
  )
}

/** Clears the unread count. Writes only when there is something to clear, so live queries stay quiet. */
export async function markConversationRead(db: ChatDB, id: ConversationId): Promise<void> {
  await withDbErrors(() =>
    db.transaction('rw', db.conversations, async () => {
      const conversation = await db.conversations.get(id)
      if (conversation && conversation.unread !== 0) await db.conversations.update(id, { unread: 0 })
    }),
  )
}
