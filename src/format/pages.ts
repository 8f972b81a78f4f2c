import { PAGE_MAX_BYTES, PAGE_MESSAGES } from './constants'
import { canonicalJson } from './canonicalJson'
import { utf8, type Bytes } from './keys/bytes'

/** A message as a page stores it: every field except `conversationId` (the page's) and `words` (derived). */
export type PageMessage = Readonly<Record<string, unknown> & { id: string; createdAt: number }>

/**
 * FORMAT.md §6.1: cuts one conversation's messages, in `[conversationId+createdAt]` order, into
 * pages. A page closes after PAGE_MESSAGES messages, or before a message that would take it past
 * PAGE_MAX_BYTES; the rule looks only at messages already in the page, so a closed page never
 * changes when messages are added after it.
 */
export class MessagePager {
  private encoded: string[] = []
  private bytes = 2 // "[" and "]"

  /** Adds a message; returns the page it closed, if adding it closed one. */
  add(message: PageMessage): Bytes | null {
    const { conversationId: _c, words: _w, ...stored } = message as Record<string, unknown>
    const item = canonicalJson(stored)
    const itemLength = utf8(item).length
    let closed: Bytes | null = null
    if (this.encoded.length > 0 && this.bytes + 1 + itemLength > PAGE_MAX_BYTES) closed = this.take()
    this.bytes += itemLength + (this.encoded.length > 0 ? 1 : 0)
    this.encoded.push(item)
    if (this.encoded.length === PAGE_MESSAGES) {
      if (closed) throw new Error('format: internal error: two pages closed at once')
      closed = this.take()
    }
    return closed
  }

  /** The last, partly filled page, if any. */
  finish(): Bytes | null {
    return this.encoded.length ? this.take() : null
  }

  private take(): Bytes {
    const page = utf8(`[${this.encoded.join(',')}]`)
    this.encoded = []
    this.bytes = 2
    return page
  }
}

/** The messages of a page (restore side); null when the bytes are not a page. */
export function decodeMessagePage(page: Uint8Array): PageMessage[] | null {
  try {
    const messages: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(page))
    if (!Array.isArray(messages)) return null
    const valid = messages.every(
      (m) => m !== null && typeof m === 'object' && typeof (m as PageMessage).id === 'string' && typeof (m as PageMessage).createdAt === 'number',
    )
    return valid ? (messages as PageMessage[]) : null
  } catch {
    return null
  }
}
