import Dexie from 'dexie'
import { wrap } from 'comlink'
import { openStagingStore } from '../../../src/backup/StagingStore'
import { STAGING_DIRECTORY } from '../../../src/backup/OpfsStagingStore'
import { releaseStaged } from '../../../src/backup/StagingWindow'
import { BackupDB, BACKUP_DB_NAME, type ChunkIdHex } from '../../../src/db/BackupDB'
import { ChatDB } from '../../../src/db/ChatDB'
import { generateSampleData } from '../../../src/db/sampleData'
import { backUpNow } from '../../../workers/backup.client'
import type { PeerApi, PeerName } from './peer.worker'

/** Everything run.ts calls through page.evaluate, on `window.bench`. */
const bench = {
  async generate(attachmentBytes: number, seed: number, conversations: number) {
    const chats = new ChatDB()
    const started = performance.now()
    const result = await generateSampleData(chats, { attachmentBytes, conversations, seed, now: 1_790_000_000_000 })
    chats.close()
    return { ...result, seconds: (performance.now() - started) / 1000 }
  },

  /** All attachment and thumbnail bytes, in backup order, as one download (for native age). */
  async exportAttachments() {
    const chats = new ChatDB()
    const blobs: Blob[] = []
    await chats.attachments.orderBy('conversationId').each((a) => {
      blobs.push(a.blob)
      if (a.thumbnail) blobs.push(a.thumbnail)
    })
    chats.close()
    const link = document.createElement('a')
    link.href = URL.createObjectURL(new Blob(blobs))
    link.download = 'attachments.bin'
    document.body.append(link)
    link.click()
    link.remove()
    return blobs.reduce((n, b) => n + b.size, 0)
  },

  /** Forgets every earlier backup on this profile: index, runs and staged objects. */
  async resetBackups() {
    await Dexie.delete(BACKUP_DB_NAME)
    await (await navigator.storage.getDirectory()).removeEntry(STAGING_DIRECTORY, { recursive: true }).catch(() => undefined)
  },

  /** The full pipeline, IndexedDB to staged ciphertext, with a drain that discards staged objects. */
  async backUp(variant: 'hash-wasm' | 'noble', capacity: number, sealers = 2) {
    const masterKey = await crypto.subtle.importKey('raw', new Uint8Array(32).fill(7), 'HKDF', false, ['deriveBits', 'deriveKey'])
    const db = new BackupDB()
    const store = await openStagingStore(db)
    let draining = true
    let drained = 0
    const drain = (async () => {
      while (draining) {
        const staged = (await db.chunks.where('state').equals('staged').primaryKeys()) as ChunkIdHex[]
        if (staged.length) drained += await releaseStaged(db, store, staged)
        else await new Promise((r) => setTimeout(r, 50)) // the window holds seconds of work: no need to look more often
      }
    })()
    const createSealer = variant === 'noble' ? () => new Worker(new URL('./nobleCrypto.worker.ts', import.meta.url), { type: 'module' }) : undefined
    const started = performance.now()
    try {
      const summary = await backUpNow(masterKey, { device: 'benchmark', capacity, sealers, ...(createSealer ? { createSealer } : {}) })
      return { ...summary, seconds: (performance.now() - started) / 1000 }
    } finally {
      draining = false
      await drain
      const staged = (await db.chunks.where('state').equals('staged').primaryKeys()) as ChunkIdHex[]
      drained += await releaseStaged(db, store, staged)
      db.close()
      console.log(`drained ${drained} bytes`)
    }
  },

  /** The latest backup run's progress row, without its manifest. */
  async progress() {
    const db = new BackupDB()
    try {
      const run = await db.runs.orderBy('startedAt').last()
      if (!run) return null
      const { manifest: _m, ...row } = run
      return { ...row, staged: await db.chunks.where('state').equals('staged').count() }
    } finally {
      db.close()
    }
  },

  /** An in-browser peer encrypting the same attachment bytes in a worker. */
  async peer(name: PeerName) {
    const worker = new Worker(new URL('./peer.worker.ts', import.meta.url), { type: 'module' })
    try {
      return await wrap<PeerApi>(worker).run(name)
    } finally {
      worker.terminate()
    }
  },
}

declare global {
  interface Window {
    bench: typeof bench
  }
}
window.bench = bench
