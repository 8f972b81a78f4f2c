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
  }
}
