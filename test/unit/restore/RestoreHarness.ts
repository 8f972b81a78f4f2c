import 'fake-indexeddb/auto'
import { randomBytes } from 'node:crypto'
import { BackupDB, type ChunkIdHex, type SnapshotId } from '../../../src/db/BackupDB'
import { ChatDB } from '../../../src/db/ChatDB'
import { RestoreDB } from '../../../src/db/RestoreDB'
import { AppError } from '../../../src/errors'
import { deriveBackupKeys, importMasterKeyBytes, type BackupKeys } from '../../../src/format/backupKeys'
import { createChunkIdHasher } from '../../../src/format/chunkId'
import { openManifest } from '../../../src/format/manifest'
import { ChunkOpener, type ChunkSource, type OpenRequest } from '../../../src/restore/ChunkOpener'
import { IdbPartStore } from '../../../src/restore/IdbPartStore'
import type { OpenerPort } from '../../../src/restore/RestorePipeline'
import { beginRestore, runRestore, type RestoreSummary } from '../../../src/restore/runRestore'

let counter = 0

/** A server's chunks and manifests in memory: what a backup uploaded, and what tests tamper with. */
export class MemoryServer implements ChunkSource {
  readonly chunks = new Map<string, Uint8Array>()
  readonly manifests = new Map<string, Uint8Array>()
  readonly requests: string[] = []
  /** Called before each answer: throw to fail the request (a lost connection, say). */
  beforeGet: (id: string) => void = () => {}

  async get(id: ChunkIdHex): Promise<Uint8Array> {
    this.requests.push(id)
    this.beforeGet(id)
    const object = this.chunks.get(id)
    if (!object) throw new AppError('chunk-missing', `the server has no chunk ${id}`)
    return object.slice()
  }
}

/** A device that restores: its own chats, restore and backup databases, and openers in-process. */
export class RestoringDevice {
  readonly chats = new ChatDB(`keepsake-chats-restore-test-${process.pid}-${++counter}`)
  readonly db = new RestoreDB(`keepsake-restore-test-${process.pid}-${counter}`)
  readonly backup = new BackupDB(`keepsake-backup-restore-test-${process.pid}-${counter}`)
  readonly parts = new IdbPartStore(this.db)
  private constructor(readonly keys: BackupKeys, readonly server: MemoryServer) {}

  static async create(masterKey: Uint8Array, server: MemoryServer): Promise<RestoringDevice> {
    return new RestoringDevice(await deriveBackupKeys(await importMasterKeyBytes(masterKey)), server)
  }

  async openers(count = 2, wrap: (port: OpenerPort) => OpenerPort = (p) => p): Promise<OpenerPort[]> {
    const chunkIdOf = await createChunkIdHasher(this.keys.chunkIdKey)
    return Array.from({ length: count }, () => {
      const opener = new ChunkOpener(this.keys, chunkIdOf, this.server)
      return wrap({ open: (request: OpenRequest) => opener.open(request) })
    })
  }

  async begin(snapshotId: string, merge = false): Promise<void> {
    const manifest = this.server.manifests.get(snapshotId)!
    const { body } = await openManifest(manifest, this.keys, snapshotId)
    await beginRestore(this.db, this.parts, snapshotId as SnapshotId, manifest, body, merge)
  }

  async run(opts: { capacity?: number; wrap?: (port: OpenerPort) => OpenerPort } = {}): Promise<RestoreSummary> {
    return runRestore({ chats: this.chats, db: this.db, backup: this.backup, keys: this.keys, openers: await this.openers(2, opts.wrap), parts: this.parts, capacity: opts.capacity })
  }
}

export const randomMasterKey = () => randomBytes(32)

/** Backs up `h`'s chats and "uploads" the snapshot (manifest and staged chunk objects) to `server`. */
export async function uploadBackup(h: import('../backup/BackupHarness').BackupHarness, server: MemoryServer): Promise<SnapshotId> {
  const { snapshotId } = await h.backUp()
  const run = await h.db.runs.get(snapshotId)
  server.manifests.set(snapshotId, run!.manifest!)
  for (const id of await h.store.list()) server.chunks.set(id, new Uint8Array(await (await h.store.read(id))!.arrayBuffer()))
  return snapshotId
}

/** A device's chats as comparable data: conversations, messages by conversation, attachment and thumbnail hashes. */
export async function chatsContent(chats: ChatDB) {
  const { createHash } = await import('node:crypto')
  const hash = async (blob: Blob | undefined) => (blob ? createHash('sha256').update(new Uint8Array(await blob.arrayBuffer())).digest('hex') : null)
  const conversations = await chats.conversations.orderBy('id').toArray()
  const messages = await chats.messages.orderBy('id').toArray()
  const attachments = []
  for (const a of await chats.attachments.orderBy('id').toArray()) {
    const { blob, thumbnail, ...record } = a
    attachments.push({ ...record, blob: await hash(blob), thumbnail: await hash(thumbnail), thumbnailType: thumbnail?.type ?? null })
  }
  return { conversations, messages, attachments }
}
