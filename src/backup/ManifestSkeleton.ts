import type { ChunkIdHex } from '../db/BackupDB'
import type { ManifestBody } from '../format/manifest'

/** Records as the manifest stores them: plain fields only (no Blobs). */
type StoredRecord = Readonly<{ id: string } & Record<string, unknown>>

interface SkeletonAttachment {
  record: StoredRecord
  size: number
  parts: number[]
  thumbnail: { type: string; size: number; parts: number[] } | null
}

interface SkeletonConversation {
  record: StoredRecord
  messageCount: number
  pages: number[]
  attachments: SkeletonAttachment[]
}

/**
 * The manifest while a backup runs: records point at piece sequence numbers, in the order the
 * planner made them; `build` turns those into indices of the manifest's chunk list once every piece
 * has its id (FORMAT.md §5.2). Holds metadata only: no plaintext.
 */
export class ManifestSkeleton {
  readonly conversations: SkeletonConversation[] = []
  private readonly pieces: ([ChunkIdHex, number] | undefined)[] = []

  conversation(record: StoredRecord): SkeletonConversation {
    const conversation: SkeletonConversation = { record, messageCount: 0, pages: [], attachments: [] }
    this.conversations.push(conversation)
    return conversation
  }

  /** A new piece's sequence number. */
  nextPiece(): number {
    this.pieces.push(undefined)
    return this.pieces.length - 1
  }

  get pieceCount(): number {
    return this.pieces.length
  }

  named(seq: number, id: ChunkIdHex, length: number): void {
    this.pieces[seq] = [id, length]
  }

  build(head: Pick<ManifestBody, 'parent' | 'createdAt' | 'device'>): ManifestBody {
    const chunks: [string, number][] = []
    const indexOf = new Map<string, number>()
    const toIndex = (seq: number) => {
      const piece = this.pieces[seq]
      if (!piece) throw new Error(`backup: internal error: piece ${seq} has no id`)
      let index = indexOf.get(piece[0])
      if (index === undefined) {
        index = chunks.push(piece) - 1
        indexOf.set(piece[0], index)
      }
      return index
    }
    // Pages before attachments in the chunk list too, so a restore can bring messages back first.
    const pages = this.conversations.map((c) => c.pages.map(toIndex))
    const conversations = this.conversations.map((c, i) => ({
      record: c.record,
      messageCount: c.messageCount,
      pages: pages[i]!,
      attachments: c.attachments.map((a) => ({
        record: a.record,
        size: a.size,
        parts: a.parts.map(toIndex),
        thumbnail: a.thumbnail && { ...a.thumbnail, parts: a.thumbnail.parts.map(toIndex) },
      })),
    }))
    return { ...head, chunks, conversations }
  }
}
