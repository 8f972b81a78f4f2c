import { describe, expect, it } from 'vitest'
import { canonicalJson } from '../../../src/format/canonicalJson'
import { PAGE_MAX_BYTES, PAGE_MESSAGES } from '../../../src/format/constants'
import { decodeMessagePage, MessagePager, type PageMessage } from '../../../src/format/pages'

const message = (i: number, text = `message ${i}`): PageMessage => ({ id: `m${i}`, conversationId: 'c', createdAt: 1000 + i, author: 'me', text, attachments: [], words: ['x'] })

function cut(messages: PageMessage[]): Uint8Array[] {
  const pager = new MessagePager()
  const pages = messages.map((m) => pager.add(m)).filter((p): p is NonNullable<typeof p> => p !== null)
  const last = pager.finish()
  return last ? [...pages, last] : pages
}

describe('message pages', () => {
  it.each([
    [0, 0], [1, 1], [PAGE_MESSAGES - 1, 1], [PAGE_MESSAGES, 1], [PAGE_MESSAGES + 1, 2], [2 * PAGE_MESSAGES + 500, 4],
  ])('%i messages make %i pages', (count, pages) => {
    expect(cut(Array.from({ length: count }, (_, i) => message(i)))).toHaveLength(pages)
  })

  it('keep a full page byte for byte when messages are added after it', () => {
    const before = cut(Array.from({ length: PAGE_MESSAGES + 3 }, (_, i) => message(i)))
    const after = cut(Array.from({ length: PAGE_MESSAGES + 40 }, (_, i) => message(i)))
    expect(Buffer.from(after[0]!).equals(Buffer.from(before[0]!))).toBe(true)
    expect(Buffer.from(after[1]!).equals(Buffer.from(before[1]!))).toBe(false)
  })

  it('close before a message that would pass PAGE_MAX_BYTES, and no page but a lone message is larger', () => {
    const big = 'x'.repeat(PAGE_MAX_BYTES / 3)
    const pages = cut(Array.from({ length: 7 }, (_, i) => message(i, big)))
    expect(pages.map((p) => decodeMessagePage(p)!.length)).toEqual([2, 2, 2, 1])
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(PAGE_MAX_BYTES)
  })

  it('store every field but conversationId and words, in canonical JSON, and decode back', () => {
    const m = { ...message(1), attachments: [{ size: 3, id: 'a', name: 'é.png', type: 'image/png', width: 4 }] }
    const [page] = cut([m])
    expect(new TextDecoder().decode(page)).toBe(`[${canonicalJson({ attachments: m.attachments, author: 'me', createdAt: 1001, id: 'm1', text: 'message 1' })}]`)
    expect(decodeMessagePage(page!)).toEqual([{ id: 'm1', createdAt: 1001, author: 'me', text: 'message 1', attachments: m.attachments }])
  })

  it('decode to null when the bytes are not a page', () => {
    expect(decodeMessagePage(new TextEncoder().encode('{"id":1}'))).toBeNull()
    expect(decodeMessagePage(new Uint8Array([0xff, 0xfe]))).toBeNull()
  })
})

describe('canonical JSON', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}')
  })
})
