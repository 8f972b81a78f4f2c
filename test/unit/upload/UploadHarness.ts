import { BackupHarness, patternBytes } from '../backup/BackupHarness'
import type { ChunkIdHex, OutboxChunk } from '../../../src/db/BackupDB'
import { Connectivity } from '../../../src/upload/connectivity'
import { drainOutbox, type DrainOptions } from '../../../src/upload/drainOutbox'
import { UploadQueue } from '../../../src/upload/queue'
import { ScriptedServer } from './ScriptedServer'

/** A scope with `online`/`offline` events and `navigator.onLine`, as a page or service worker has. */
export class FakeNetwork extends EventTarget {
  readonly navigator = { onLine: true }
  goOffline(): void {
    this.navigator.onLine = false
    this.dispatchEvent(new Event('offline'))
  }
  goOnline(): void {
    this.navigator.onLine = true
    this.dispatchEvent(new Event('online'))
  }
}

/**
 * The backup engine (BackupHarness) with the upload queue over a scripted server: chats are backed
 * up to the staging area for real, then drained.
 */
export class UploadHarness {
  readonly server = new ScriptedServer()
  readonly network = new FakeNetwork()
  readonly connectivity = new Connectivity(this.network)
  readonly queue: UploadQueue

  private constructor(readonly backup: BackupHarness) {
    this.queue = new UploadQueue(backup.db, backup.store)
  }

  /** Chats of `conversations` conversations with messages and an attachment of `attachmentBytes` each. */
  static async create(conversations = 3, attachmentBytes = 300_000): Promise<UploadHarness> {
    const backup = await BackupHarness.create()
    for (let c = 0; c < conversations; c++) {
      const id = await backup.conversation(`c${c}`)
      await backup.messages(id, 120)
      await backup.attachment(id, `a${c}`, patternBytes(attachmentBytes, c + 1))
    }
    return new UploadHarness(backup)
  }

  get db() {
    return this.backup.db
  }

  drain(extra: Partial<DrainOptions> = {}) {
    return drainOutbox({ queue: this.queue, transport: this.server, connectivity: this.connectivity, drainer: 'page', random: () => 0, ...extra })
  }

  async rows(state?: OutboxChunk['state']): Promise<OutboxChunk[]> {
    const all = await this.db.chunks.toArray()
    return state ? all.filter((row) => row.state === state) : all
  }

  async status() {
    return (await this.db.uploadStatus.get('outbox'))!
  }

  async stagedIds(): Promise<ChunkIdHex[]> {
    return this.backup.store.list()
  }
}
