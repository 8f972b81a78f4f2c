import type { Attachment, ChatDB, Conversation, ConversationId, Message } from '../db/ChatDB'
import { searchTokens, sequenceConversation } from '../db/ChatDB'
import type { RestoreDB } from '../db/RestoreDB'
import { AppError } from '../errors'
import type { ManifestBody } from '../format/manifest'
import type { PageMessage } from '../format/pages'
import type { PartStore } from './PartStore'
import type { AttachmentUnit, ConversationUnit } from './planRestore'

/** Staged pages read and written per transaction when a conversation is committed. */
const PAGES_PER_BATCH = 8

/** An attachment ready to write: its parts and thumbnail parts by chunk index (held, or read from staging). */
export interface ReadyAttachment {
  unit: AttachmentUnit
  held: ReadonlyMap<number, Blob>
}

/**
 * Writes verified content into the chats (DESIGN §6): a conversation appears only once all its
 * pages verified and its messages are written (its row goes last), an attachment only whole. Merges
 * by id: whatever this device already has stays as it is. Every commit can run again after a crash.
 */
export class RestoreWriter {
  constructor(
    private readonly chats: ChatDB,
    private readonly db: RestoreDB,
    private readonly body: ManifestBody,
    private readonly parts: PartStore,
  ) {}

  stagePage(chunk: number, messages: PageMessage[]): Promise<unknown> {
    return this.db.pages.put({ chunk, messages })
  }

  /** Writes a conversation's staged pages, then its row; returns the messages written (local ones are kept). */
  async commitConversation(unit: ConversationUnit): Promise<number> {
    const entry = this.body.conversations[unit.conversation]!
    const record = entry.record as unknown as Conversation
    const conversationId = record.id as ConversationId
    let seen = 0
    let written = 0
    let unnumbered = typeof record.nextSeq !== 'number'
    for (let i = 0; i < unit.pages.length; i += PAGES_PER_BATCH) {
      const indices = unit.pages.slice(i, i + PAGES_PER_BATCH)
      const staged = await this.db.pages.bulkGet(indices)
      const rows: Message[] = []
      staged.forEach((page, k) => {
        if (!page) throw new Error(`restore: internal error: page ${indices[k]} is not staged`)
        for (const message of page.messages) rows.push(toMessage(message, conversationId))
      })
      seen += rows.length
      unnumbered ||= rows.some((m) => typeof m.seq !== 'number')
      written += await this.chats.transaction('rw', this.chats.messages, async () => {
        const local = await this.chats.messages.bulkGet(rows.map((m) => m.id))
        const fresh = rows.filter((_, k) => !local[k])
        await this.chats.messages.bulkAdd(fresh)
        return fresh.length
      })
    }
    if (seen !== entry.messageCount) {
      throw new AppError('manifest-corrupt', `“${record.name}” has ${seen} messages in its pages, the manifest says ${entry.messageCount}`)
    }
    await this.chats.transaction('rw', this.chats.conversations, this.chats.messages, async () => {
      const local = await this.chats.conversations.get(conversationId)
      await this.chats.conversations.put(local ? mergeConversation(local, record) : { ...record })
      // Renumber the rows (Message.seq, docs/APP.md) when restored and local messages interleave by
      // time, or the backup was made before sequence numbers existed; otherwise they stay as backed up.
      if (local || unnumbered) await sequenceConversation(this.chats.conversations, this.chats.messages, conversationId)
    })
    return written
  }

  /** Writes whole attachments in one transaction; those this device already has stay as they are. */
  async commitAttachments(ready: readonly ReadyAttachment[]): Promise<void> {
    const rows: Attachment[] = []
    for (const { unit, held } of ready) {
      const conversation = this.body.conversations[unit.conversation]!
      const entry = conversation.attachments[unit.attachment]!
      const record = entry.record as unknown as Omit<Attachment, 'blob' | 'thumbnail' | 'conversationId'>
      const type = String(record.type ?? '')
      const blob = unit.staged ? await this.parts.read(unit.key, 'blob', unit.parts.length, type) : new Blob(this.blobs(unit.parts, held), { type })
      if (blob.size !== entry.size) throw new Error(`restore: internal error: attachment ${record.id} assembled to ${blob.size} bytes`)
      const row: Attachment = { ...record, conversationId: conversation.record.id as ConversationId, blob }
      if (entry.thumbnail) {
        const { type: thumbnailType, parts } = entry.thumbnail
        row.thumbnail = unit.staged && parts.length > 0 ? await this.parts.read(unit.key, 'thumbnail', parts.length, thumbnailType) : new Blob(this.blobs(unit.thumbnail, held), { type: thumbnailType })
      }
      rows.push(row)
    }
    await this.chats.transaction('rw', this.chats.attachments, async () => {
      const local = await this.chats.attachments.bulkGet(rows.map((a) => a.id))
      await this.chats.attachments.bulkAdd(rows.filter((_, k) => !local[k]))
    })
  }

  /** Records units as written and deletes staged pages no unit left needs. */
  async markCommitted(keys: readonly string[], unneededPages: readonly number[]): Promise<void> {
    await this.db.transaction('rw', this.db.committed, this.db.pages, async () => {
      await this.db.committed.bulkPut(keys.map((key) => ({ key })))
      if (unneededPages.length) await this.db.pages.bulkDelete([...unneededPages])
    })
  }

  private blobs(chunks: readonly number[], held: ReadonlyMap<number, Blob>): Blob[] {
    return chunks.map((i) => {
      const blob = held.get(i)
      if (!blob) throw new Error(`restore: internal error: part ${i} is not held`)
      return blob
    })
  }
}

/** A page's message back as the chats database stores it (FORMAT.md §6.1: `words` is derived again). */
export function toMessage(message: PageMessage, conversationId: ConversationId): Message {
  const stored = message as unknown as Omit<Message, 'conversationId' | 'words'>
  return { ...stored, conversationId, words: searchTokens(typeof stored.text === 'string' ? stored.text : '') }
}

/** Local fields win; the list's order and preview follow whichever side has the newer message. */
export function mergeConversation(local: Conversation, restored: Conversation): Conversation {
  if (restored.updatedAt <= local.updatedAt) return local
  return { ...local, updatedAt: restored.updatedAt, lastMessageText: restored.lastMessageText }
}
