import 'fake-indexeddb/auto'
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { ChatDB } from '../../../src/db/ChatDB'
import { generateSampleData, type SampleDataProgress } from '../../../src/db/sampleData'
import { SAMPLE_MARKER_WORDS } from '../../../src/db/sampleText'
import { searchMessages } from '../../../src/db/search'
import { openTestDB } from './openTestDB'

const MiB = 1024 * 1024
const NOW = Date.UTC(2026, 10, 24, 12)

async function fingerprint(db: ChatDB): Promise<string> {
  const hash = createHash('sha256')
  for (const c of await db.conversations.orderBy('id').toArray()) hash.update(JSON.stringify(c))
  for (const m of await db.messages.orderBy('id').toArray()) hash.update(JSON.stringify(m))
  for (const a of await db.attachments.orderBy('id').toArray()) {
    const { blob, thumbnail, ...meta } = a
    hash.update(JSON.stringify(meta)).update(new Uint8Array(await blob.arrayBuffer()))
    if (thumbnail) hash.update(new Uint8Array(await thumbnail.arrayBuffer()))
  }
  return hash.digest('hex')
}

describe('generateSampleData', () => {
  it('writes exactly the attachment bytes asked for, with consistent records and progress', async () => {
    const db = openTestDB()
    const progress: SampleDataProgress[] = []
    const result = await generateSampleData(db, { attachmentBytes: 24 * MiB, conversations: 5, seed: 42, now: NOW }, (p) => progress.push(p))

    expect(result.conversations).toBe(5)
    expect(result.attachmentBytes).toBe(24 * MiB)
    expect(await db.conversations.count()).toBe(5)
    expect(await db.messages.count()).toBe(result.messages)
    const attachments = await db.attachments.toArray()
    expect(attachments).toHaveLength(result.attachments)
    expect(attachments.reduce((n, a) => n + a.blob.size, 0)).toBe(24 * MiB)
    expect(attachments.some((a) => a.type === 'image/png' && a.thumbnail)).toBe(true)
    expect(attachments.some((a) => a.type !== 'image/png')).toBe(true)

    for (const a of attachments) {
      const message = await db.messages.get(a.messageId)
      expect(message?.attachments.map((r) => r.id)).toEqual([a.id])
      expect(message?.conversationId).toBe(a.conversationId)
    }
    for (const c of await db.conversations.toArray()) {
      const messages = await db.messages.where('[conversationId+createdAt]').between([c.id, -Infinity], [c.id, Infinity]).toArray()
      expect(messages.length).toBeGreaterThanOrEqual(40)
      expect(c.updatedAt).toBe(messages.at(-1)!.createdAt)
      expect(c.updatedAt).toBeLessThanOrEqual(NOW)
      expect(messages.every((m, i) => i === 0 || m.createdAt > messages[i - 1]!.createdAt)).toBe(true)
      expect(messages.every((m, i) => m.seq === i)).toBe(true)
      expect(c.nextSeq).toBe(messages.length)
    }

    expect(progress.at(-1)).toEqual({ bytesWritten: 24 * MiB, messagesWritten: result.messages })
    expect(progress.every((p, i) => i === 0 || (p.bytesWritten >= progress[i - 1]!.bytesWritten && p.messagesWritten >= progress[i - 1]!.messagesWritten))).toBe(true)
  })

  it('is deterministic for a seed and differs for another seed', async () => {
    const opts = { attachmentBytes: 3 * MiB, conversations: 3, now: NOW }
    const [a, b, c] = [openTestDB(), openTestDB(), openTestDB()]
    await generateSampleData(a, { ...opts, seed: 7 })
    await generateSampleData(b, { ...opts, seed: 7 })
    await generateSampleData(c, { ...opts, seed: 8 })
    const fa = await fingerprint(a)
    expect(await fingerprint(b)).toBe(fa)
    expect(await fingerprint(c)).not.toBe(fa)
  })

  it('writes text-only chats when no attachment bytes are asked for, with searchable marker words', async () => {
    const db = openTestDB()
    const result = await generateSampleData(db, { attachmentBytes: 0, conversations: 30, seed: 3, now: NOW })
    expect(result).toMatchObject({ conversations: 30, attachments: 0, attachmentBytes: 0 })
    expect(result.messages).toBeGreaterThanOrEqual(30 * 40)
    const names = (await db.conversations.toArray()).map((c) => c.name)
    expect(new Set(names).size).toBe(30)
    // Messages 25, 75, 125… of each conversation carry marker words, one after another; no other message does.
    const all = await db.messages.toArray()
    const markersOf = (m: { words: string[] }) => SAMPLE_MARKER_WORDS.filter((w) => m.words.includes(w))
    expect(all.filter((m) => m.seq % 50 !== 25).every((m) => markersOf(m).length === 0)).toBe(true)
    for (const c of await db.conversations.toArray()) {
      const [first, second] = [25, 75].map((seq) => all.find((m) => m.conversationId === c.id && m.seq === seq))
      const [a] = markersOf(first!)
      expect(a).toBeDefined()
      if (second) expect(markersOf(second)).toEqual([SAMPLE_MARKER_WORDS[(SAMPLE_MARKER_WORDS.indexOf(a!) + 1) % SAMPLE_MARKER_WORDS.length]])
    }
    const marked = all.filter((m) => m.words.includes('pineapple'))
    expect(marked.length).toBeGreaterThanOrEqual(6) // message 25 of conversations 0, 5, 10, 15, 20, 25
    const hits = await searchMessages(db, 'pineapple', 1000)
    expect(hits.map((h) => h.message.id).sort()).toEqual(marked.map((m) => m.id).sort())
    expect(SAMPLE_MARKER_WORDS).toContain('pineapple')
  })

  it('stops between writes when aborted and reports what it wrote', async () => {
    const db = openTestDB()
    const controller = new AbortController()
    const result = await generateSampleData(db, { attachmentBytes: 64 * MiB, conversations: 4, seed: 5, now: NOW, signal: controller.signal }, (p) => {
      if (p.bytesWritten > 8 * MiB) controller.abort()
    })
    expect(result.attachmentBytes).toBeGreaterThan(8 * MiB)
    expect(result.attachmentBytes).toBeLessThan(64 * MiB)
    expect(await db.messages.count()).toBe(result.messages)
    expect(await db.attachments.count()).toBe(result.attachments)
  })
})
