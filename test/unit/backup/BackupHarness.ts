import 'fake-indexeddb/auto'
import { createHash, randomBytes } from 'node:crypto'
import { ChunkSealer } from '../../../src/backup/ChunkSealer'
import { IdbStagingStore } from '../../../src/backup/IdbStagingStore'
import { runBackup, type BackupSummary, type SealerPort } from '../../../src/backup/runBackup'
import { BackupDB, type ChunkIdHex } from '../../../src/db/BackupDB'
import { ChatDB, searchTokens, type AttachmentId, type ConversationId, type Message, type MessageId } from '../../../src/db/ChatDB'
import { deriveBackupKeys, importMasterKeyBytes, type BackupKeys } from '../../../src/format/backupKeys'
import { openChunk } from '../../../src/format/chunk'
import { createChunkIdHasher } from '../../../src/format/chunkId'
import { CHUNK_ID_SIZE } from '../../../src/format/constants'
import { fromHex } from '../../../src/format/hex'
import { openManifest, type ManifestBody } from '../../../src/format/manifest'
import { decodeMessagePage } from '../../../src/format/pages'

let counter = 0

/** A chats database, a backup database and keys of their own, and the engine wired in-process. */
export class BackupHarness {
  readonly chats = new ChatDB(`keepsake-chats-backup-test-${process.pid}-${++counter}`)
  readonly db = new BackupDB(`keepsake-backup-test-${process.pid}-${counter}`)
  readonly store = new IdbStagingStore(this.db)
  private constructor(readonly keys: BackupKeys, readonly masterKey: Uint8Array) {}

  static async create(masterKey: Uint8Array = randomBytes(32)): Promise<BackupHarness> {
    return new BackupHarness(await deriveBackupKeys(await importMasterKeyBytes(masterKey)), masterKey)
  }

  /** One run with two sealers (as the app runs two workers) and a staging window of `capacity` bytes. */
  async backUp(capacity = 256 * 1024 * 1024, sealerPorts?: SealerPort[]): Promise<BackupSummary> {
    const snapshotId = randomBytes(16)
    const chunkIdOf = await createChunkIdHasher(this.keys.chunkIdKey)
    const runId = Buffer.from(snapshotId).toString('hex') as never
    const sealers = [0, 1].map(() => new ChunkSealer({ keys: this.keys, chunkIdOf, db: this.db, store: this.store, runId }))
    return runBackup({ chats: this.chats, db: this.db, store: this.store, keys: this.keys, sealers: sealerPorts ?? sealers, device: 'unit test', capacity, snapshotId, manifestNonce: randomBytes(12) })
  }

  async conversation(id: string, name = id): Promise<ConversationId> {
    await this.chats.conversations.add({ id: id as ConversationId, name, createdAt: 1, updatedAt: 1, lastMessageText: '', unread: 0, nextSeq: 0 })
    return id as ConversationId
  }

  async messages(conversationId: ConversationId, count: number, from = 0, text = (i: number) => `message number ${i} in ${conversationId}`): Promise<void> {
    const rows: Message[] = Array.from({ length: count }, (_, k) => {
      const i = from + k
      return { id: `${conversationId}-m${String(i).padStart(6, '0')}` as MessageId, conversationId, createdAt: 1_700_000_000_000 + i * 1000, author: i % 2 ? 'me' : 'Ana', text: text(i), attachments: [], words: searchTokens(text(i)), seq: i }
    })
    await this.chats.messages.bulkAdd(rows)
  }

  async attachment(conversationId: ConversationId, id: string, bytes: Uint8Array, thumbnail?: Uint8Array): Promise<void> {
    await this.chats.attachments.add({
      id: id as AttachmentId, conversationId, messageId: `${conversationId}-m000000` as MessageId, name: `${id}.bin`, type: 'application/octet-stream', size: bytes.length,
      blob: new Blob([bytes as Uint8Array<ArrayBuffer>]), ...(thumbnail ? { thumbnail: new Blob([thumbnail as Uint8Array<ArrayBuffer>], { type: 'image/png' }) } : {}),
    })
  }

  /** Every staged object's bytes, concatenated (to search for plaintext). */
  async stagedBytes(): Promise<Buffer> {
    const ids = await this.store.list()
    const objects = await Promise.all(ids.map(async (id) => Buffer.from(await (await this.store.read(id))!.arrayBuffer())))
    return Buffer.concat(objects)
  }

  /** Restores a staged snapshot the way a restore would: open the manifest, open and verify every chunk. */
  async restore(snapshotId: string): Promise<Restored> {
    const run = await this.db.runs.get(snapshotId as never)
    const { body } = await openManifest(run!.manifest!, this.keys, snapshotId)
    const chunkIdOf = await createChunkIdHasher(this.keys.chunkIdKey)
    const chunk = async (i: number) => {
      const [id, length] = body.chunks[i]!
      const object = await this.store.read(id as ChunkIdHex)
      if (!object) throw new Error(`chunk ${id} is not staged`)
      return openChunk(new Uint8Array(await object.arrayBuffer()), fromHex(id, CHUNK_ID_SIZE)!, length, this.keys, chunkIdOf)
    }
    const restored: Restored = { body, messages: new Map(), attachments: new Map(), thumbnails: new Map() }
    for (const conversation of body.conversations) {
      const messages = []
      for (const page of conversation.pages) messages.push(...decodeMessagePage(await chunk(page))!)
      restored.messages.set(conversation.record.id, messages)
      for (const attachment of conversation.attachments) {
        const hash = createHash('sha256')
        for (const part of attachment.parts) hash.update(await chunk(part))
        restored.attachments.set(attachment.record.id, hash.digest('hex'))
        if (attachment.thumbnail) {
          const thumb = createHash('sha256')
          for (const part of attachment.thumbnail.parts) thumb.update(await chunk(part))
          restored.thumbnails.set(attachment.record.id, thumb.digest('hex'))
        }
      }
    }
    return restored
  }
}

export interface Restored {
  body: ManifestBody
  messages: Map<string, Record<string, unknown>[]>
  attachments: Map<string, string>
  thumbnails: Map<string, string>
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/** Deterministic, incompressible-looking bytes. */
export function patternBytes(size: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size)
  let x = seed * 2654435761 + 1
  for (let i = 0; i < size; i++) {
    x = (x ^ (x << 13)) >>> 0
    x = (x ^ (x >>> 17)) >>> 0
    x = (x ^ (x << 5)) >>> 0
    out[i] = x & 0xff
  }
  return out
}
