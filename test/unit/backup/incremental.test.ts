import { describe, expect, it } from 'vitest'
import { ATTACHMENT_PART_SIZE, PAGE_MESSAGES } from '../../../src/format/constants'
import { BackupHarness, patternBytes, sha256 } from './BackupHarness'

const P = ATTACHMENT_PART_SIZE

describe('an incremental backup', () => {
  it('seals nothing again when nothing changed, and names the first run as its parent', async () => {
    const h = await BackupHarness.create()
    const c = await h.conversation('c1')
    await h.messages(c, PAGE_MESSAGES * 2 + 10)
    await h.attachment(c, 'big', patternBytes(3 * P, 1))
    const first = await h.backUp()
    const second = await h.backUp()
    expect(second).toMatchObject({ parent: first.snapshotId, chunkCount: first.chunkCount, newChunks: 0, newBytes: 0, stagedBytes: 0 })
    expect(second.bytesRead).toBe(first.bytesRead)
  })

  it('after new messages and a new photo, seals only the last page and the photo', async () => {
    const h = await BackupHarness.create()
    const a = await h.conversation('c-a')
    const b = await h.conversation('c-b')
    await h.messages(a, PAGE_MESSAGES * 3 + 20)
    await h.messages(b, 50)
    await h.attachment(a, 'old-video', patternBytes(2 * P + 500, 2))
    const first = await h.backUp()

    await h.messages(a, 5, PAGE_MESSAGES * 3 + 20) // appended: touches only a's last page
    await h.attachment(b, 'new-photo', patternBytes(P / 2, 3))
    const second = await h.backUp()

    expect(second.newChunks).toBe(2) // a's last page + the photo's one part
    expect(second.newBytes).toBeLessThan(P / 2 + 64 * 1024)
    expect(second.chunkCount).toBe(first.chunkCount + 1) // last page replaced, photo added
    const restored = await h.restore(second.snapshotId)
    expect(restored.messages.get(a)).toHaveLength(PAGE_MESSAGES * 3 + 25)
    expect(restored.attachments.get('new-photo')).toBe(sha256(patternBytes(P / 2, 3)))
    expect(restored.attachments.get('old-video')).toBe(sha256(patternBytes(2 * P + 500, 2)))
  })

  it('a full page never changes: adding messages after it leaves its chunk id as it was', async () => {
    const h = await BackupHarness.create()
    const c = await h.conversation('c1')
    await h.messages(c, PAGE_MESSAGES)
    const first = await h.restore((await h.backUp()).snapshotId)
    await h.messages(c, 1, PAGE_MESSAGES)
    const second = await h.restore((await h.backUp()).snapshotId)
    const pageIds = (r: typeof first) => r.body.conversations[0]!.pages.map((i) => r.body.chunks[i]![0])
    expect(pageIds(second)).toHaveLength(2)
    expect(pageIds(second)[0]).toBe(pageIds(first)[0])
  })

  it('an edited message changes only its own page', async () => {
    const h = await BackupHarness.create()
    const c = await h.conversation('c1')
    await h.messages(c, PAGE_MESSAGES * 3)
    await h.backUp()
    const middle = await h.chats.messages.where('conversationId').equals(c).offset(PAGE_MESSAGES + 3).first()
    await h.chats.messages.update(middle!.id, { text: 'edited' })
    expect(await h.backUp()).toMatchObject({ newChunks: 1, chunkCount: 3 })
  })
})
