import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import type { ChunkIdHex } from '../../../src/db/BackupDB'
import type { ConversationId } from '../../../src/db/ChatDB'
import { AppError } from '../../../src/errors'
import { openManifest, type ManifestBody } from '../../../src/format/manifest'
import { ATTACHMENT_PART_SIZE } from '../../../src/format/constants'
import { BackupHarness, patternBytes } from '../backup/BackupHarness'
import { MemoryServer, RestoringDevice, uploadBackup } from './RestoreHarness'

/** Two conversations, the second with a photo and a two-part file; returns the device about to restore it. */
async function backedUp() {
  const h = await BackupHarness.create()
  const ana = await h.conversation('conv-ana', 'Ana')
  const bo = await h.conversation('conv-bo', 'Bo')
  await h.chats.conversations.update(ana, { updatedAt: 10 })
  await h.messages(ana, 300)
  await h.messages(bo, 20)
  await h.attachment(bo, 'att-photo', patternBytes(90_000, 1))
  await h.attachment(bo, 'att-file', patternBytes(ATTACHMENT_PART_SIZE + 10, 2))
  const server = new MemoryServer()
  const snapshotId = await uploadBackup(h, server)
  const device = await RestoringDevice.create(h.masterKey, server)
  const { body } = await openManifest(server.manifests.get(snapshotId)!, device.keys, snapshotId)
  await device.begin(snapshotId)
  return { device, server, body }
}

const idOf = (body: ManifestBody, index: number) => body.chunks[index]![0] as ChunkIdHex
const conversation = (body: ManifestBody, id: string) => body.conversations.find((c) => c.record.id === id)!

describe('a damaged backup on the server', () => {
  it('a flipped byte in a message page stops with chunk-corrupt, and that conversation is not shown at all', async () => {
    const { device, server, body } = await backedUp()
    const page = conversation(body, 'conv-ana').pages[1]!
    server.chunks.get(idOf(body, page))![200]! ^= 0x01
    await expect(device.run()).rejects.toMatchObject({ code: 'chunk-corrupt', message: expect.stringContaining('the messages of “Ana”') })
    expect(await device.chats.conversations.get('conv-ana' as ConversationId)).toBeUndefined()
    expect(await device.chats.messages.where('conversationId').equals('conv-ana').count()).toBe(0)
    expect(await device.chats.attachments.count()).toBe(0)
    expect(await device.db.job.get('current')).toMatchObject({ state: 'failed', error: 'chunk-corrupt', errorMessage: expect.stringContaining('“Ana”') })
  })

  it('a flipped byte in an attachment part: the messages are all there, the file is not, and the restore is failed, not done', async () => {
    const { device, server, body } = await backedUp()
    const file = conversation(body, 'conv-bo').attachments.find((a) => a.record.id === 'att-file')!
    const object = server.chunks.get(idOf(body, file.parts[1]!))!
    object[object.length - 1]! ^= 0x80
    await expect(device.run()).rejects.toMatchObject({ code: 'chunk-corrupt', message: expect.stringContaining('the file “att-file.bin” in “Bo”') })
    expect(await device.chats.conversations.count()).toBe(2)
    expect(await device.chats.messages.count()).toBe(320)
    expect(await device.chats.attachments.get('att-file' as never)).toBeUndefined()
    const job = await device.db.job.get('current')
    expect(job).toMatchObject({ state: 'failed', error: 'chunk-corrupt', conversationsDone: 2 })
    expect(job!.attachmentsDone).toBeLessThan(2)
    expect(await device.backup.runs.count()).toBe(0)
  })

  it('a deleted chunk stops with chunk-missing', async () => {
    const { device, server, body } = await backedUp()
    server.chunks.delete(idOf(body, conversation(body, 'conv-bo').attachments[0]!.parts[0]!))
    await expect(device.run()).rejects.toMatchObject({ code: 'chunk-missing' })
    expect(await device.db.job.get('current')).toMatchObject({ state: 'failed', error: 'chunk-missing' })
    expect(await device.chats.attachments.get('att-photo' as never)).toBeUndefined()
  })

  it('two chunks swapped on the server: the first one asked for fails (chunk-corrupt or truncated), nothing of its conversation is written', async () => {
    const { device, server, body } = await backedUp()
    const [a, b] = conversation(body, 'conv-ana').pages.map((i) => idOf(body, i))
    const objectA = server.chunks.get(a!)!
    server.chunks.set(a!, server.chunks.get(b!)!)
    server.chunks.set(b!, objectA)
    await expect(device.run()).rejects.toMatchObject({ code: expect.stringMatching(/^(chunk-corrupt|truncated)$/) })
    expect(await device.chats.messages.where('conversationId').equals('conv-ana').count()).toBe(0)
    expect((await device.db.job.get('current'))!.state).toBe('failed')
  })

  it('a chunk of another account fails as wrong-key', async () => {
    const { device, server, body } = await backedUp()
    const other = await BackupHarness.create()
    const c = await other.conversation('x')
    await other.messages(c, 3)
    const otherServer = new MemoryServer()
    await uploadBackup(other, otherServer)
    server.chunks.set(idOf(body, conversation(body, 'conv-ana').pages[0]!), [...otherServer.chunks.values()][0]!)
    await expect(device.run()).rejects.toMatchObject({ code: 'wrong-key' })
  })

  it('a lost connection pauses (offline) instead of failing, and keeps what verified', async () => {
    const { device, server } = await backedUp()
    let served = 0
    server.beforeGet = () => {
      if (++served > 2) throw new AppError('offline', 'Cannot reach the server')
    }
    await expect(device.run()).rejects.toMatchObject({ code: 'offline' })
    expect(await device.db.job.get('current')).toMatchObject({ state: 'paused', error: 'offline' })
  })

  it('a part store that stops answering pauses the restore as interrupted (it resumes with fresh workers), keeping what was written', async () => {
    const { device } = await backedUp()
    device.parts.write = async () => {
      throw new AppError('interrupted', 'the file storage did not open a0.1.blob within 30 s')
    }
    await expect(device.run()).rejects.toMatchObject({ code: 'interrupted' })
    expect(await device.db.job.get('current')).toMatchObject({ state: 'paused', error: 'interrupted' })
    expect(await device.chats.conversations.count()).toBe(2)
    expect(await device.chats.attachments.get('att-file' as never)).toBeUndefined()
  })
})
