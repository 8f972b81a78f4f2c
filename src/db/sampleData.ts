import { searchTokens, type Attachment, type AttachmentId, type ChatDB, type Conversation, type ConversationId, type Message, type MessageId } from './ChatDB'
import { previewText } from './messages'
import { newId } from './newId'
import { SampleRandom } from './SampleRandom'
import { pngSize, samplePhoto } from './samplePng'
import { SAMPLE_FILE_KINDS, SAMPLE_GROUPS, SAMPLE_PEOPLE, SAMPLE_PHOTO_SIZES, sampleMarker, sampleSentence } from './sampleText'
import { withDbErrors } from './translateDbError'

export interface SampleDataOptions {
  /** Total bytes of attachment files to write (thumbnails not counted). 0 writes text chats only. */
  attachmentBytes: number
  /** Number of conversations (default 8). */
  conversations?: number
  /** The same seed (default 1) and `now` give the same chats, byte for byte. */
  seed?: number
  /** The time the newest messages are placed near (default: the current time). */
  now?: number
  /** Stops between two writes; the promise then resolves with what was written so far. */
  signal?: AbortSignal
}

export interface SampleDataProgress {
  bytesWritten: number
  messagesWritten: number
}

export interface SampleDataResult {
  conversations: number
  messages: number
  attachments: number
  attachmentBytes: number
}

const HOUR = 3_600_000
const DAY = 24 * HOUR
const TYPICAL_ATTACHMENT = 2 * 1024 * 1024
const MESSAGES_PER_ATTACHMENT = 6
const BATCH = 500
const SAMPLE_THUMBNAIL_SIZE = 280

/**
 * Fills the chats database with realistic conversations, photos and files, deterministically from a
 * seed. Memory stays flat at any size: each attachment is made, written as a Blob in its own
 * transaction and dropped before the next; text messages are written in batches with `bulkAdd`.
 */
export async function generateSampleData(
  db: ChatDB,
  opts: SampleDataOptions,
  onProgress?: (p: SampleDataProgress) => void,
): Promise<SampleDataResult> {
  const total = opts.attachmentBytes
  const count = opts.conversations ?? 8
  if (!Number.isSafeInteger(total) || total < 0) throw new Error('generateSampleData: internal error: attachmentBytes')
  if (!Number.isSafeInteger(count) || count < 1) throw new Error('generateSampleData: internal error: conversations')
  const random = new SampleRandom(opts.seed ?? 1)
  const now = opts.now ?? Date.now()
  const result: SampleDataResult = { conversations: 0, messages: 0, attachments: 0, attachmentBytes: 0 }
  const weights = Array.from({ length: count }, () => 0.3 + random.next() * 1.4)
  const weightSum = weights.reduce((a, b) => a + b, 0)
  let carried = 0
  let groups = 0
  let people = 0

  for (let c = 0; c < count && !opts.signal?.aborted; c++) {
    const last = c === count - 1
    let budget = last ? total - result.attachmentBytes : Math.round((total * weights[c]!) / weightSum) + carried
    const isGroup = random.chance(0.3)
    const names = isGroup ? SAMPLE_GROUPS : SAMPLE_PEOPLE
    const index = isGroup ? groups++ : people++
    const name = names[index % names.length]! + (index >= names.length ? ` ${Math.floor(index / names.length) + 1}` : '')
    const members = isGroup ? Array.from({ length: random.int(2, 5) }, () => random.pick(SAMPLE_PEOPLE)) : [name]
    const messages = random.int(40, 160) + Math.round((budget / TYPICAL_ATTACHMENT) * MESSAGES_PER_ATTACHMENT)
    const attachProbability = Math.min(0.5, budget / TYPICAL_ATTACHMENT / messages)
    const end = now - random.int(2 * HOUR, 3 * DAY)
    const start = end - random.int(30, 180) * DAY
    let time = start
    const conversation: Conversation = {
      id: newId(start, () => random.hex16()) as ConversationId,
      name, createdAt: start, updatedAt: start, lastMessageText: '', unread: 0, nextSeq: 0,
    }
    await withDbErrors(() => db.conversations.add(conversation))
    result.conversations++

    let pending: Message[] = []
    let lastMessage: Message | undefined
    let trailingFromOthers = 0
    const flush = async (attachment?: Attachment) => {
      const batch = pending
      pending = []
      await withDbErrors(() =>
        db.transaction('rw', db.conversations, db.messages, db.attachments, async () => {
          if (attachment) await db.attachments.add(attachment)
          await db.messages.bulkAdd(batch)
          if (lastMessage) {
            const summary = { updatedAt: lastMessage.createdAt, lastMessageText: previewText(lastMessage), nextSeq: lastMessage.seq + 1 }
            await db.conversations.update(conversation.id, summary)
          }
        }),
      )
      result.messages += batch.length
      if (attachment) {
        result.attachments++
        result.attachmentBytes += attachment.size
      }
      onProgress?.({ bytesWritten: result.attachmentBytes, messagesWritten: result.messages })
    }

    for (let i = 0; (i < messages || (last && budget > 0)) && !opts.signal?.aborted; i++) {
      // Spread over [start, end]; files still left to write after that follow within seconds.
      const planned = i < messages ? start + Math.round(((end - start) * (i + random.next())) / messages) : time + random.int(1, 3000)
      time = Math.max(time + 1, planned)
      const author = random.chance(0.45) ? 'me' : random.pick(members)
      trailingFromOthers = author === 'me' ? 0 : trailingFromOthers + 1
      const withFile = budget > 0 && (i >= messages || random.chance(attachProbability))
      const id = newId(time, () => random.hex16()) as MessageId
      const file = withFile ? sampleAttachment(random, budget, conversation.id, id) : undefined
      const marker = sampleMarker(c, i)
      const text = marker ? `${sampleSentence(random)} Also, ${marker}!` : file && random.chance(0.6) ? '' : sampleSentence(random)
      const message: Message = {
        id, conversationId: conversation.id, createdAt: time, author, text, words: searchTokens(text), seq: i,
        attachments: file ? [{ id: file.id, name: file.name, type: file.type, size: file.size, ...(file.width ? { width: file.width, height: file.height } : {}) }] : [],
      }
      pending.push(message)
      lastMessage = message
      if (file) {
        budget -= file.size
        await flush(file)
      } else if (pending.length >= BATCH) {
        await flush()
      }
    }
    if (pending.length) await flush()
    carried = Math.max(0, budget)
    const unread = random.chance(0.4) ? Math.min(trailingFromOthers, 9) : 0
    if (unread) await withDbErrors(() => db.conversations.update(conversation.id, { unread }))
  }
  return result
}

/** A photo (a real PNG with its thumbnail) or a file of pseudo-random bytes, at most `budget` bytes. */
function sampleAttachment(random: SampleRandom, budget: number, conversationId: ConversationId, messageId: MessageId): Attachment {
  const id = `${messageId}-${random.hex16().slice(0, 4)}` as AttachmentId
  const [width, height] = random.pick(SAMPLE_PHOTO_SIZES)
  if (random.chance(0.45) && pngSize(width, height) <= budget) {
    const scene = random.uint32()
    const blob = new Blob([samplePhoto(new SampleRandom(scene), width, height)], { type: 'image/png' })
    const scale = SAMPLE_THUMBNAIL_SIZE / Math.max(width, height) // the size a photo is shown at in a bubble
    const thumbnail = new Blob([samplePhoto(new SampleRandom(scene), Math.round(width * scale), Math.round(height * scale))], { type: 'image/png' })
    const name = `IMG_${String(random.int(1000, 9999))}.png`
    return { id, name, type: 'image/png', size: blob.size, width, height, conversationId, messageId, blob, thumbnail }
  }
  const kind = random.pick(SAMPLE_FILE_KINDS)
  const size = Math.min(budget, random.logUniform(kind.min, kind.max))
  const blob = new Blob([random.fill(new Uint8Array(size))], { type: kind.type })
  return { id, name: kind.name, type: kind.type, size, conversationId, messageId, blob }
}
