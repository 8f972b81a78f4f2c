import { createHash } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { deriveBackupKeys, importMasterKeyBytes } from '../../../src/format/backupKeys'
import { openChunk } from '../../../src/format/chunk'
import { createChunkIdHasher } from '../../../src/format/chunkId'
import { openManifest, manifestChunkId } from '../../../src/format/manifest'
import { decodeMessagePage } from '../../../src/format/pages'

const dir = fileURLToPath(new URL('../../fixtures/backup-v1/', import.meta.url))
const text = (name: string) => readFileSync(join(dir, name), 'utf8').trim()

describe('the frozen v1 backup (test/fixtures/backup-v1)', () => {
  it('still restores: manifest, every chunk verified against its id, messages and attachments as frozen', async () => {
    const keys = await deriveBackupKeys(await importMasterKeyBytes(Buffer.from(text('master-key.hex'), 'hex')))
    const chunkIdOf = await createChunkIdHasher(keys.chunkIdKey)
    const { snapshotId, body } = await openManifest(readFileSync(join(dir, 'manifest.bin')), keys, text('snapshot-id.txt'))
    expect(snapshotId).toBe(text('snapshot-id.txt'))
    expect(body.chunks.map(([id]) => id).sort()).toEqual(readdirSync(join(dir, 'chunks')).sort())

    const chunk = (i: number) => openChunk(readFileSync(join(dir, 'chunks', body.chunks[i]![0])), manifestChunkId(body, i), body.chunks[i]![1], keys, chunkIdOf)
    const sha256 = async (parts: number[]) => {
      const hash = createHash('sha256')
      for (const part of parts) hash.update(await chunk(part))
      return hash.digest('hex')
    }
    const expected = JSON.parse(text('expected.json')) as { messages: Record<string, unknown[]>; attachments: Record<string, string>; thumbnails: Record<string, string> }
    const messages: Record<string, unknown[]> = {}
    const attachments: Record<string, string> = {}
    const thumbnails: Record<string, string> = {}
    for (const conversation of body.conversations) {
      messages[conversation.record.id] = []
      for (const page of conversation.pages) messages[conversation.record.id]!.push(...decodeMessagePage(await chunk(page))!)
      expect(messages[conversation.record.id]).toHaveLength(conversation.messageCount)
      for (const a of conversation.attachments) {
        attachments[a.record.id] = await sha256(a.parts)
        if (a.thumbnail) thumbnails[a.record.id] = await sha256(a.thumbnail.parts)
      }
    }
    expect(messages).toEqual(expected.messages)
    expect(attachments).toEqual(expected.attachments)
    expect(thumbnails).toEqual(expected.thumbnails)
    expect(body.conversations.map((c) => c.record.name)).toEqual(['Ana Lima', 'Hiking club 🥾'])
  })

  it('detects its own chunks served in another order: every swap is chunk-corrupt or truncated, never success', async () => {
    const keys = await deriveBackupKeys(await importMasterKeyBytes(Buffer.from(text('master-key.hex'), 'hex')))
    const chunkIdOf = await createChunkIdHasher(keys.chunkIdKey)
    const { body } = await openManifest(readFileSync(join(dir, 'manifest.bin')), keys)
    for (const [i, [, length]] of body.chunks.entries()) {
      for (const [j, [otherId]] of body.chunks.entries()) {
        if (i === j) continue
        const served = readFileSync(join(dir, 'chunks', otherId))
        await expect(openChunk(served, manifestChunkId(body, i), length, keys, chunkIdOf), `chunk ${j} served as ${i}`).rejects.toMatchObject({
          code: expect.stringMatching(/^(chunk-corrupt|truncated)$/),
        })
      }
    }
  })
})
