import {
  searchTokens,
  sequenceConversation,
  type Attachment,
  type AttachmentId,
  type AttachmentRef,
  type ChatDB,
  type ConversationId,
  type Message,
  type MessageId,
} from './ChatDB'
import { newId } from './newId'
import { withDbErrors } from './translateDbError'

/** A file picked for a new message; `thumbnail`, `width` and `height` are set for photos. */
export interface NewAttachment {
  name: string
  type: string
  blob: Blob
  thumbnail?: Blob
  width?: number
  height?: number
}

export interface NewMessage {
  conversationId: ConversationId
  text: string
  attachments?: NewAttachment[]
  /** 'me' (the default) for this device's user. */
  author?: string
  now?: number
}

/** The line a conversation list shows for a message. */
export function previewText(message: Pick<Message, 'text' | 'attachments'>): string {
  const text = message.text.replace(/\s+/g, ' ').trim()
  if (text) return text.slice(0, 200)
  const first = message.attachments[0]
  if (!first) return ''
  const more = message.attachments.length > 1 ? ` (+${message.attachments.length - 1})` : ''
  return (first.type.startsWith('image/') ? 'Photo' : first.name) + more
}

/**
 * Stores a message, its attachments (as Blobs) and the conversation's summary in one transaction:
 * either everything is written or nothing is. Message times are strictly increasing within a
 * conversation, so the `[conversationId+createdAt]` order is the order messages were sent.
 */
export async function sendMessage(db: ChatDB, input: NewMessage): Promise<Message> {
  const text = input.text.trim()
  const files = input.attachments ?? []
  if (!text && files.length === 0) throw new Error('sendMessage: internal error: empty message')
  return withDbErrors(() =>
    db.transaction('rw', db.conversations, db.messages, db.attachments, async () => {
      let conversation = await db.conversations.get(input.conversationId)
      if (!conversation) throw new Error('sendMessage: internal error: no such conversation')
      if (conversation.nextSeq === undefined) {
        await sequenceConversation(db.conversations, db.messages, conversation.id)
        conversation = (await db.conversations.get(input.conversationId))!
      }
      const last = await db.messages
        .where('[conversationId+createdAt]')
        .between([input.conversationId, -Infinity], [input.conversationId, Infinity])
        .last()
      const createdAt = Math.max(input.now ?? Date.now(), (last?.createdAt ?? 0) + 1)
      const messageId = newId(createdAt) as MessageId
      const attachments: Attachment[] = files.map((f) => ({
        id: newId(createdAt) as AttachmentId,
        name: f.name,
        type: f.type || 'application/octet-stream',
        size: f.blob.size,
        ...(f.width && f.height ? { width: f.width, height: f.height } : {}),
        conversationId: input.conversationId,
        messageId,
        blob: f.blob,
        ...(f.thumbnail ? { thumbnail: f.thumbnail } : {}),
      }))
      const message: Message = {
        id: messageId,
        conversationId: input.conversationId,
        createdAt,
        author: input.author ?? 'me',
        text,
        attachments: attachments.map(toRef),
        words: searchTokens(text),
        seq: conversation.nextSeq,
      }
      if (attachments.length) await db.attachments.bulkAdd(attachments)
      await db.messages.add(message)
      const fromOther = message.author !== 'me'
      await db.conversations.update(input.conversationId, {
        updatedAt: createdAt,
        nextSeq: message.seq + 1,
        lastMessageText: previewText(message),
        unread: fromOther ? conversation.unread + 1 : conversation.unread,
      })
      return message
    }),
  )
}

/** Deletes a message and its attachments; the conversation's summary follows its new last message. */
export async function deleteMessage(db: ChatDB, id: MessageId): Promise<void> {
  await withDbErrors(() =>
    db.transaction('rw', db.conversations, db.messages, db.attachments, async () => {
      const message = await db.messages.get(id)
      if (!message) return
      await db.attachments.where('messageId').equals(id).delete()
      await db.messages.delete(id)
      const c = message.conversationId
      const last = await db.messages.where('[conversationId+createdAt]').between([c, -Infinity], [c, Infinity]).last()
      await db.conversations.update(c, { lastMessageText: last ? previewText(last) : '' })
    }),
  )
}

function toRef(a: Attachment): AttachmentRef {
  const ref: AttachmentRef = { id: a.id, name: a.name, type: a.type, size: a.size }
  if (a.width && a.height) Object.assign(ref, { width: a.width, height: a.height })
  return ref
}
