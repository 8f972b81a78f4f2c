import { expose } from 'comlink'
import { BackupDB, type SnapshotId } from '../src/db/BackupDB'
import { ChatDB } from '../src/db/ChatDB'
import { RestoreDB } from '../src/db/RestoreDB'
import { translateDbError } from '../src/db/translateDbError'
import { isAppError } from '../src/errors'
import { deriveBackupKeys, type BackupKeys } from '../src/format/backupKeys'
import { openManifest } from '../src/format/manifest'
import { openPartStore, type PartStore } from '../src/restore/PartStore'
import { beginRestore, runRestore } from '../src/restore/runRestore'
import { snapshotApi } from '../src/restore/snapshotApi'
import type { Failure, ListOutcome, RestoreApi, RestoreOutcome, SnapshotSummary } from './restore.api'
import { connectOpener } from './restoreOpener.client'

/** One restore at a time per origin, across tabs (DESIGN §5–§6). */
const RESTORE_LOCK = 'keepsake-restore'
/** Held too, so no backup of a half-restored device runs (and uploads) meanwhile. */
const BACKUP_LOCK = 'keepsake-backup'

function failure(e: unknown): Failure {
  const translated = translateDbError(e)
  if (isAppError(translated)) return { ok: false, code: translated.code, message: translated.message }
  throw e
}

/** Restores with the openers on `ports` while holding both locks; null when another tab is restoring. */
async function withRestore(ports: MessagePort[], masterKey: CryptoKey, before: (db: RestoreDB, keys: BackupKeys, parts: PartStore) => Promise<void>): Promise<RestoreOutcome> {
  const openers = ports.map(connectOpener)
  try {
    return await navigator.locks.request(RESTORE_LOCK, { ifAvailable: true }, async (lock) => {
      if (!lock) return { ok: true, summary: null } as const
      return navigator.locks.request(BACKUP_LOCK, async () => {
        const keys = await deriveBackupKeys(masterKey)
        const [db, chats, backup] = [new RestoreDB(), new ChatDB(), new BackupDB()]
        try {
          const parts = await openPartStore(db)
          await before(db, keys, parts)
          const { keyId, chunkIdKey, chunkEncKey } = keys
          await Promise.all(openers.map((o) => o.setUp({ keyId, chunkIdKey, chunkEncKey })))
          return { ok: true, summary: await runRestore({ chats, db, backup, keys, openers, parts }) } as const
        } finally {
          db.close()
          chats.close()
          backup.close()
        }
      })
    })
  } catch (e) {
    return failure(e)
  } finally {
    for (const opener of openers) opener.close()
  }
}

const api: RestoreApi = {
  async list(masterKey): Promise<ListOutcome> {
    try {
      const keys = await deriveBackupKeys(masterKey)
      const snapshots: SnapshotSummary[] = []
      for (const listed of await snapshotApi.list()) {
        const summary: SnapshotSummary = { ...listed, device: null, conversations: 0, messages: 0, attachments: 0, error: null }
        try {
          const { body } = await openManifest((await snapshotApi.get(listed.id)).manifest, keys, listed.id)
          summary.device = body.device
          summary.conversations = body.conversations.length
          summary.messages = body.conversations.reduce((n, c) => n + c.messageCount, 0)
          summary.attachments = body.conversations.reduce((n, c) => n + c.attachments.length, 0)
        } catch (e) {
          // A snapshot that does not open is listed with its error: the others can still be restored.
          summary.error = failure(e).code
        }
        snapshots.push(summary)
      }
      return { ok: true, snapshots }
    } catch (e) {
      return failure(e)
    }
  },

  start: ({ masterKey, snapshotId, merge, openers }) =>
    withRestore(openers, masterKey, async (db, keys, parts) => {
      const record = await snapshotApi.get(snapshotId)
      const { body } = await openManifest(record.manifest, keys, snapshotId)
      await beginRestore(db, parts, snapshotId as SnapshotId, record.manifest, body, merge)
    }),

  resume: ({ masterKey, openers }) => withRestore(openers, masterKey, async () => {}),
}

expose(api)
