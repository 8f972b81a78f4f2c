import Dexie, { type EntityTable } from 'dexie'

export type ConversationId = string & { readonly __brand: 'ConversationId' }
export type MessageId = string & { readonly __brand: 'MessageId' }
export type AttachmentId = string & { readonly __brand: 'AttachmentId' }

export interface Conversation {
  id: ConversationId
  name: string
  createdAt: number // ms since epoch
  updatedAt: number // time of the last message, or createdAt
  lastMessageText: string
  unread: number
  /**
   * The `seq` the next message gets (schema v3): one more than the highest ever given in this
   * conversation, so it is also the number of rows a conversation view has (deleted messages leave gaps).
   */
  nextSeq: number
}

export interface AttachmentRef {
  id: AttachmentId
  name: string
  type: string // MIME type
  size: number // bytes
  /** Pixel size of an image, known when its thumbnail was made (lets the UI reserve space). */
  width?: number
  height?: number
}

export interface Message {
  id: MessageId
  conversationId: ConversationId
  createdAt: number
  author: string // 'me' for this device's user, otherwise the other party's display name
  text: string
  attachments: AttachmentRef[]
  /** Lower-cased search tokens of `text` (schema v2), a multi-entry index. */
  words: string[]
  /**
   * The message's place in its conversation (schema v3): 0, 1, 2… in `createdAt` order, never reused.
   * The `[conversationId+seq]` index gives any window of a long history directly by key range.
   */
  seq: number
}

export interface Attachment extends AttachmentRef {
  conversationId: ConversationId
  messageId: MessageId
  blob: Blob
  /** A small JPEG/PNG preview for images, made when the photo is attached. */
  thumbnail?: Blob
}

export const CHAT_DB_NAME = 'keepsake-chats'

/** Splits message text into the search tokens stored in `Message.words`. */
export function searchTokens(text: string): string[] {
  const tokens = text.toLocaleLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
  return [...new Set(tokens)]
}

/**
 * The chats database. Never edit an existing `version(n)`: add `version(n + 1)` with an
 * upgrade and a test in test/unit/db/.
 */
export class ChatDB extends Dexie {
  conversations!: EntityTable<Conversation, 'id'>
  messages!: EntityTable<Message, 'id'>
  attachments!: EntityTable<Attachment, 'id'>

  constructor(name = CHAT_DB_NAME) {
    super(name)
    this.version(1).stores({
      conversations: 'id, updatedAt',
      messages: 'id, [conversationId+createdAt]',
      attachments: 'id, conversationId, messageId',
    })
    this.version(2)
      .stores({ messages: 'id, [conversationId+createdAt], *words' })
      .upgrade((tx) =>
        tx
          .table('messages')
          .toCollection()
          .modify((m: Message) => {
            m.words = searchTokens(m.text)
          }),
      )
    this.version(3)
      .stores({ messages: 'id, [conversationId+createdAt], [conversationId+seq], *words' })
      .upgrade(async (tx) => {
        const conversations = tx.table('conversations') as EntityTable<Conversation, 'id'>
        const messages = tx.table('messages') as EntityTable<Message, 'id'>
        for (const id of await conversations.toCollection().primaryKeys()) {
          await sequenceConversation(conversations, messages, id)
        }
      })
  }
}

/**
 * Numbers a conversation's messages 0, 1, 2… in time order and sets its `nextSeq`. Used by the v3
 * upgrade, and for conversations written without sequence numbers (for example restored from a backup
 * made before v3). Call it inside a read-write transaction over both tables.
 */
export async function sequenceConversation(
  conversations: EntityTable<Conversation, 'id'>,
  messages: EntityTable<Message, 'id'>,
  id: ConversationId,
): Promise<void> {
  let seq = 0
  await messages
    .where('[conversationId+createdAt]')
    .between([id, -Infinity], [id, Infinity])
    .modify((m) => {
      m.seq = seq++
    })
  await conversations.update(id, { nextSeq: seq })
}
