import { expose } from 'comlink'
import { runBackup } from '../src/backup/runBackup'
import { openStagingStore } from '../src/backup/StagingStore'
import { BACKUP_LOCK } from '../src/upload/uploadLock'
import { BackupDB, type SnapshotId } from '../src/db/BackupDB'
import { ChatDB } from '../src/db/ChatDB'
import { translateDbError } from '../src/db/translateDbError'
import { isAppError } from '../src/errors'
import { deriveBackupKeys } from '../src/format/backupKeys'
import { BACKUP_NONCE_SIZE, SNAPSHOT_ID_SIZE } from '../src/format/constants'
import { toHex } from '../src/format/hex'
import type { BackupApi, BackupOutcome } from './backup.api'
import { connectCryptoWorker } from './crypto.client'


const api: BackupApi = {
  async run(request): Promise<BackupOutcome> {
    const sealers = request.sealers.map(connectCryptoWorker)
    try {
      return await navigator.locks.request(BACKUP_LOCK, async () => {
        const keys = await deriveBackupKeys(request.masterKey)
        const db = new BackupDB()
        const chats = new ChatDB()
        try {
          const snapshotId = crypto.getRandomValues(new Uint8Array(SNAPSHOT_ID_SIZE))
          const runId = toHex(snapshotId) as SnapshotId
          const { keyId, chunkIdKey, chunkEncKey } = keys
          await Promise.all(sealers.map((s) => s.setUp({ keys: { keyId, chunkIdKey, chunkEncKey }, runId })))
          const summary = await runBackup({
            chats, db, store: await openStagingStore(db), keys, sealers, device: request.device, capacity: request.capacity, snapshotId,
            manifestNonce: crypto.getRandomValues(new Uint8Array(BACKUP_NONCE_SIZE)),
          })
          return { ok: true, summary } as const
        } finally {
          // Before the lock goes: the sealers' slot files are closed, so a sweep may delete them.
          await Promise.allSettled(sealers.map((s) => s.tearDown()))
          db.close()
          chats.close()
        }
      })
    } catch (e) {
      const translated = translateDbError(e)
      if (isAppError(translated)) return { ok: false, code: translated.code, message: translated.message }
      throw e
    } finally {
      for (const sealer of sealers) sealer.close()
    }
  },
}

expose(api)
