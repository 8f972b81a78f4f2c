import Dexie from 'dexie'
import type { Attachment, ChatDB, Conversation, Message } from '../db/ChatDB'
import { ATTACHMENT_PART_SIZE } from '../format/constants'
import { MessagePager, type PageMessage } from '../format/pages'
import type { Piece } from './ChunkSealer'
import type { ManifestSkeleton } from './ManifestSkeleton'

export interface PlannedPiece {
  seq: number
  piece: Piece
  /** Plaintext bytes of the piece. */
  size: number
}

/** Messages read per query: a bound on what the planner holds, not a format value. */
const READ_BATCH = 512

/**
 * Cuts the chats into pieces that follow the data (FORMAT.md §6), without holding any attachment,
 * conversation or backup in memory: message pages per conversation first (read a batch at a time
 * through `[conversationId+createdAt]`), then every attachment as `blob.slice()` parts.
 */
export async function* planChunks(chats: ChatDB, skeleton: ManifestSkeleton): AsyncGenerator<PlannedPiece> {
  const conversations = await chats.conversations.orderBy(':id').toArray()
  const entries = conversations.map((conversation) => ({ conversation, entry: skeleton.conversation(storedConversation(conversation)) }))

  for (const { conversation, entry } of entries) {
    const pager = new MessagePager()
    const page = (bytes: Uint8Array): PlannedPiece => {
      const seq = skeleton.nextPiece()
      entry.pages.push(seq)
      return { seq, piece: { kind: 'bytes', bytes }, size: bytes.length }
    }
    // Keyset paging: resume after the last createdAt seen, skipping the ties already read (an
    // index orders equal keys by primary key, so those ties are exactly the first ones).
    let lastCreatedAt = Dexie.minKey as number
    let ties = 0
    for (;;) {
      const batch: Message[] = await chats.messages
        .where('[conversationId+createdAt]')
        .between([conversation.id, lastCreatedAt], [conversation.id, Dexie.maxKey], true, true)
        .offset(ties)
        .limit(READ_BATCH)
        .toArray()
      for (const message of batch) {
        entry.messageCount++
        const closed = pager.add(message as unknown as PageMessage)
        if (closed) yield page(closed)
        if (message.createdAt === lastCreatedAt) ties++
        else [lastCreatedAt, ties] = [message.createdAt, 1]
      }
      if (batch.length < READ_BATCH) break
    }
    const last = pager.finish()
    if (last) yield page(last)
  }

  for (const { conversation, entry } of entries) {
    const attachments: Attachment[] = await chats.attachments.where('conversationId').equals(conversation.id).toArray()
    for (const attachment of attachments) {
      const { blob, thumbnail, conversationId: _c, ...record } = attachment
      const stored = { record, size: blob.size, parts: [] as number[], thumbnail: thumbnail ? { type: thumbnail.type, size: thumbnail.size, parts: [] as number[] } : null }
      entry.attachments.push(stored)
      yield* parts(blob, stored.parts, skeleton)
      if (thumbnail && stored.thumbnail) yield* parts(thumbnail, stored.thumbnail.parts, skeleton)
    }
  }
}

/** FORMAT.md §6.2: a Blob as consecutive ATTACHMENT_PART_SIZE slices; an empty Blob has no parts. */
function* parts(blob: Blob, into: number[], skeleton: ManifestSkeleton): Generator<PlannedPiece> {
  for (let offset = 0; offset < blob.size; offset += ATTACHMENT_PART_SIZE) {
    const seq = skeleton.nextPiece()
    into.push(seq)
    const slice = blob.slice(offset, Math.min(blob.size, offset + ATTACHMENT_PART_SIZE))
    yield { seq, piece: { kind: 'blob', blob: slice }, size: slice.size }
  }
}

function storedConversation(conversation: Conversation) {
  return { ...conversation }
}

/** Plaintext bytes the planner will read from attachments and thumbnails (for progress). */
export async function attachmentBytes(chats: ChatDB): Promise<number> {
  let total = 0
  await chats.attachments.each((a) => {
    total += a.blob.size + (a.thumbnail?.size ?? 0)
  })
  return total
}
