import type { ManifestBody } from '../format/manifest'
import { partKey, type PartStream } from './PartStore'

/** A conversation's message pages: written to the chats only once every page verified. */
export interface ConversationUnit {
  kind: 'conversation'
  key: string
  conversation: number
  /** Chunk indices of its pages, in order. */
  pages: number[]
}

/** One part of a multi-part attachment's blob or thumbnail, and where it goes in the part store. */
export interface PartPosition {
  stream: PartStream
  position: number
  chunk: number
  offset: number
  key: string
}

/** An attachment with its thumbnail: written once every part verified. */
export interface AttachmentUnit {
  kind: 'attachment'
  key: string
  conversation: number
  attachment: number
  parts: number[]
  thumbnail: number[]
  /** Several parts: each goes to the part store as it verifies instead of being held until the attachment is whole. */
  staged: boolean
  /** For a staged attachment, the parts not in the part store yet. */
  missing: PartPosition[]
}

export type RestoreUnit = ConversationUnit | AttachmentUnit

export interface RestorePlan {
  /** What is left to write, messages first: every conversation, newest first, then their attachments. */
  units: RestoreUnit[]
  conversationsTotal: number
  attachmentsTotal: number
  /** Plaintext bytes of the distinct chunks the snapshot names, and of those already verified and kept. */
  bytesTotal: number
  bytesDone: number
  /** Chunk indices whose bytes count as done (a chunk named twice counts once). */
  counted: Set<number>
}

export const conversationKey = (c: number) => `c${c}`
export const attachmentKey = (c: number, a: number) => `a${c}.${a}`

/**
 * Orders the restore of a snapshot (DESIGN §6): message pages of every conversation before any
 * attachment, so chats are readable while media still arrive; the most recently active
 * conversations first. Units already written (`committed`) are left out; pages already staged
 * (`stagedPages`) and parts already in the part store (`written`) count as done and are not
 * downloaded again.
 */
export function planRestore(body: ManifestBody, committed: ReadonlySet<string>, stagedPages: ReadonlySet<number>, written: ReadonlySet<string>): RestorePlan {
  const order = body.conversations
    .map((conversation, index) => ({ index, updatedAt: Number(conversation.record.updatedAt) || 0 }))
    .sort((a, b) => b.updatedAt - a.updatedAt || a.index - b.index)
    .map(({ index }) => index)
  const lengthOf = (i: number) => body.chunks[i]![1]

  const units: RestoreUnit[] = []
  const counted = new Set<number>()
  let attachmentsTotal = 0
  for (const c of order) {
    const conversation = body.conversations[c]!
    const key = conversationKey(c)
    if (committed.has(key)) conversation.pages.forEach((i) => counted.add(i))
    else {
      conversation.pages.filter((i) => stagedPages.has(i)).forEach((i) => counted.add(i))
      units.push({ kind: 'conversation', key, conversation: c, pages: [...conversation.pages] })
    }
  }
  for (const c of order) {
    body.conversations[c]!.attachments.forEach((attachment, a) => {
      attachmentsTotal++
      const key = attachmentKey(c, a)
      const thumbnail = attachment.thumbnail?.parts ?? []
      if (committed.has(key)) return [...attachment.parts, ...thumbnail].forEach((i) => counted.add(i))
      // An attachment of several parts sends each part to the part store as it verifies, so a
      // reload never downloads a verified part again; a one-part attachment (a photo, say) is
      // written as soon as it arrives.
      const staged = attachment.parts.length > 1
      const missing: PartPosition[] = []
      if (staged) {
        for (const [stream, chunks] of [['blob', attachment.parts], ['thumbnail', thumbnail]] as const) {
          let offset = 0
          chunks.forEach((chunk, position) => {
            const part = { stream, position, chunk, offset, key: partKey(key, stream, position) }
            offset += lengthOf(chunk)
            if (written.has(part.key)) counted.add(chunk)
            else missing.push(part)
          })
        }
      }
      units.push({ kind: 'attachment', key, conversation: c, attachment: a, parts: [...attachment.parts], thumbnail: [...thumbnail], staged, missing })
    })
  }
  const referenced = new Set<number>()
  for (const conversation of body.conversations) {
    conversation.pages.forEach((i) => referenced.add(i))
    for (const a of conversation.attachments) [...a.parts, ...(a.thumbnail?.parts ?? [])].forEach((i) => referenced.add(i))
  }
  let bytesTotal = 0
  for (const i of referenced) bytesTotal += lengthOf(i)
  let bytesDone = 0
  for (const i of counted) bytesDone += lengthOf(i)
  return { units, conversationsTotal: body.conversations.length, attachmentsTotal, bytesTotal, bytesDone, counted }
}

/** Chunk indices of a unit, in the order it uses them (a repeated chunk appears once). */
export function unitChunks(unit: RestoreUnit): number[] {
  return [...new Set(unit.kind === 'conversation' ? unit.pages : [...unit.parts, ...unit.thumbnail])]
}
