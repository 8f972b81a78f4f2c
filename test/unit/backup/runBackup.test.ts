import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/errors'
import { ATTACHMENT_PART_SIZE, PAGE_MESSAGES } from '../../../src/format/constants'
import { BackupHarness, patternBytes, sha256 } from './BackupHarness'

const P = ATTACHMENT_PART_SIZE

describe('a backup run', () => {
  it('backs up nothing from an empty chats database, and the manifest still opens', async () => {
    const h = await BackupHarness.create()
    const summary = await h.backUp()
    expect(summary).toMatchObject({ chunkCount: 0, newChunks: 0, stagedBytes: 0, parent: null })
    const restored = await h.restore(summary.snapshotId)
    expect(restored.body.conversations).toEqual([])
    expect(await h.store.list()).toEqual([])
  })

  it('restores every message and attachment byte for byte, at the part-size boundaries', async () => {
    const h = await BackupHarness.create()
    const a = await h.conversation('c-a', 'Ana')
    const b = await h.conversation('c-b', 'Empty chat')
    await h.messages(a, 2 * PAGE_MESSAGES + 7)
    const sizes = [0, 1, P - 1, P, P + 1, 2 * P + 500]
    for (const [i, size] of sizes.entries()) await h.attachment(a, `att-${size}`, patternBytes(size, i + 1), i === 1 ? patternBytes(300, 99) : undefined)

    const summary = await h.backUp()
    const restored = await h.restore(summary.snapshotId)

    const original = await h.chats.messages.where('conversationId').equals(a).sortBy('createdAt')
    expect(restored.messages.get(a)).toEqual(original.map(({ conversationId: _c, words: _w, ...m }) => m))
    expect(restored.messages.get(b)).toEqual([])
    const conversation = restored.body.conversations.find((c) => c.record.id === a)!
    expect(conversation.pages).toHaveLength(3)
    expect(conversation.record).toMatchObject({ name: 'Ana' })
    for (const [i, size] of sizes.entries()) {
      expect(restored.attachments.get(`att-${size}`), `attachment of ${size} bytes`).toBe(sha256(patternBytes(size, i + 1)))
      const parts = conversation.attachments.find((x) => x.record.id === `att-${size}`)!.parts
      expect(parts).toHaveLength(Math.ceil(size / P))
    }
    expect(restored.thumbnails.get('att-1')).toBe(sha256(patternBytes(300, 99)))
    // 3 pages + parts 0+1+1+1+2+3 + 1 thumbnail
    expect(summary).toMatchObject({ chunkCount: 3 + 8 + 1, newChunks: 3 + 8 + 1 })
  })

  it('stages no plaintext: neither message text nor attachment bytes appear in the staged objects', async () => {
    const h = await BackupHarness.create()
    const c = await h.conversation('c-secret')
    await h.messages(c, 40, 0, (i) => `the vault code is 7731-${i}`)
    const file = patternBytes(100_000, 7)
    await h.attachment(c, 'secret-file', file)
    await h.backUp()
    const staged = await h.stagedBytes()
    expect(staged.length).toBeGreaterThan(100_000)
    expect(staged.includes(Buffer.from('the vault code is'))).toBe(false)
    expect(staged.includes(Buffer.from(file.subarray(5000, 5064)))).toBe(false)
  })

  it('names identical content once: the same file attached twice is one chunk', async () => {
    const h = await BackupHarness.create()
    const c = await h.conversation('c-dup')
    const file = patternBytes(P + 10, 3)
    await h.attachment(c, 'copy-1', file)
    await h.attachment(c, 'copy-2', file)
    const summary = await h.backUp()
    expect(summary.chunkCount).toBe(2)
    expect(summary.newChunks).toBe(2)
    const restored = await h.restore(summary.snapshotId)
    expect(restored.attachments.get('copy-2')).toBe(sha256(file))
  })

  it('records a failed run with its error code, and the next run starts clean', async () => {
    const h = await BackupHarness.create()
    const c = await h.conversation('c-full')
    await h.messages(c, 10)
    await h.attachment(c, 'photo', patternBytes(P + 1, 5))
    const full = { sealJob: () => Promise.reject(new AppError('quota-exceeded', 'disk full')) }
    await expect(h.backUp(undefined, [full])).rejects.toMatchObject({ code: 'quota-exceeded' })
    expect((await h.db.runs.toArray()).map((r) => [r.state, r.error])).toEqual([['failed', 'quota-exceeded']])

    const summary = await h.backUp()
    expect(summary).toMatchObject({ parent: null, newChunks: 3 })
    expect((await h.restore(summary.snapshotId)).attachments.get('photo')).toBe(sha256(patternBytes(P + 1, 5)))
  })
})
