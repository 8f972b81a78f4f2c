import Dexie from 'dexie'
import { STAGING_DIRECTORY } from '../../../src/backup/OpfsStagingStore'
import { openStagingStore } from '../../../src/backup/StagingStore'
import { BackupDB, type ChunkIdHex, type OutboxChunk, type SnapshotId } from '../../../src/db/BackupDB'
import { chunkObjectSize } from '../../../src/format/chunk'
import { ATTACHMENT_PART_SIZE, BACKUP_TAG_SIZE } from '../../../src/format/constants'
import { toHex } from '../../../src/format/hex'
import { Connectivity } from '../../../src/upload/connectivity'
import { drainOutbox } from '../../../src/upload/drainOutbox'
import { UploadQueue } from '../../../src/upload/queue'
import { fetchTransport } from '../../../src/upload/transport'

/**
 * The upload queue alone, in a page of the app's origin (so the app's session cookie applies): a
 * backup's worth of staged objects of the size the engine makes from attachments, with their rows
 * as the sealing workers write them, then one drain through the real queue, transport, Dexie outbox
 * and staging area (OPFS slot files, as the app stages them).
 */
const bench = {
  /** Stages `bytes` of random objects (ATTACHMENT_PART_SIZE parts, as sealed) with their outbox rows and a commit. */
  async stage(bytes: number): Promise<{ objects: number; storedBytes: number; ids: string[] }> {
    const db = new BackupDB()
    // Slot files as the sealing workers leave them (OpfsStagingStore): one 4 MiB part per slot here,
    // written from the page with a writable stream, since sync access handles exist in workers only.
    const root = await navigator.storage.getDirectory()
    await root.removeEntry(STAGING_DIRECTORY, { recursive: true }).catch(() => undefined)
    const directory = await root.getDirectoryHandle(STAGING_DIRECTORY, { create: true })
    const runId = toHex(crypto.getRandomValues(new Uint8Array(16))) as SnapshotId
    const size = chunkObjectSize(ATTACHMENT_PART_SIZE)
    const rows: OutboxChunk[] = []
    for (let staged = 0; staged < bytes; staged += ATTACHMENT_PART_SIZE) {
      const object = new Uint8Array(size)
      for (let at = 0; at < size; at += 65_536) crypto.getRandomValues(object.subarray(at, Math.min(size, at + 65_536)))
      const id = toHex(crypto.getRandomValues(new Uint8Array(32))) as ChunkIdHex
      const slot = rows.length
      const writable = await (await directory.getFileHandle(`slot-${slot}`, { create: true })).createWritable()
      await writable.write(object)
      await writable.close()
      // As the sealing workers record it (ChunkSealer): the digest the upload announces.
      const sha256 = toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', object)))
      rows.push({ id, length: ATTACHMENT_PART_SIZE, storedSize: size, state: 'staged', runId, attempts: 0, nextAttemptAt: 0, tag: toHex(object.subarray(size - BACKUP_TAG_SIZE)), sha256, slot, offset: 0 })
    }
    const storedBytes = rows.length * size
    await db.transaction('rw', db.chunks, db.runs, db.commits, async () => {
      await db.chunks.bulkAdd(rows)
      await db.runs.add({
        id: runId, parent: null, device: 'upload benchmark', state: 'staged', startedAt: Date.now(), finishedAt: Date.now(), bytesTotal: bytes, bytesDone: bytes,
        chunkCount: rows.length, newChunks: rows.length, newBytes: bytes, stagedBytes: storedBytes, waitingForSpace: false, manifest: crypto.getRandomValues(new Uint8Array(4096)), error: null,
      })
      await db.commits.add({ runId, chunkIds: rows.map((r) => r.id), sizeBytes: storedBytes, createdAt: Date.now(), state: 'waiting', attempts: 0, nextAttemptAt: 0, committedAt: null })
    })
    db.close()
    return { objects: rows.length, storedBytes, ids: rows.map((r) => r.id) }
  },

  /**
   * The browser's own ceiling: `bytes` of objects of the same size PUT with fetch, 4 at a time,
   * digests computed beforehand; no queue. `from`: the bodies are in-memory Blobs (`memory`),
   * Blobs read back from an IndexedDB table (`indexeddb`, as staged objects are kept), or files in
   * the origin private file system (`opfs`).
   */
  async rawPuts(bytes: number, from: 'memory' | 'indexeddb' | 'opfs'): Promise<{ ms: number; objects: number }> {
    const size = chunkObjectSize(ATTACHMENT_PART_SIZE)
    const directory = await (await navigator.storage.getDirectory()).getDirectoryHandle('bench-raw', { create: true })
    const table = new Dexie('keepsake-bench-raw')
    table.version(1).stores({ objects: 'id' })
    const objects: { id: string; body: () => Promise<Blob>; digest: string }[] = []
    for (let made = 0; made < bytes; made += ATTACHMENT_PART_SIZE) {
      const object = new Uint8Array(size)
      for (let at = 0; at < size; at += 65_536) crypto.getRandomValues(object.subarray(at, Math.min(size, at + 65_536)))
      const digest = btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.digest('SHA-256', object))))
      const id = toHex(crypto.getRandomValues(new Uint8Array(32)))
      if (from === 'opfs') {
        const writable = await (await directory.getFileHandle(id, { create: true })).createWritable()
        await writable.write(object)
        await writable.close()
      }
      if (from === 'indexeddb') await table.table('objects').put({ id, object: new Blob([object]) })
      const blob = from === 'memory' ? new Blob([object]) : null
      const body = async (): Promise<Blob> =>
        blob ?? (from === 'indexeddb' ? ((await table.table('objects').get(id)) as { object: Blob }).object : (await directory.getFileHandle(id)).getFile())
      objects.push({ id, digest, body })
    }
    const started = performance.now()
    let next = 0
    await Promise.all(Array.from({ length: 4 }, async () => {
      for (let i = next++; i < objects.length; i = next++) {
        const { id, body, digest } = objects[i]!
        const response = await fetch(`/api/chunks/${id}`, { method: 'PUT', credentials: 'same-origin', headers: { 'content-type': 'application/octet-stream', 'content-digest': `sha-256=:${digest}:` }, body: await body() })
        if (response.status !== 201) throw new Error(`PUT answered ${response.status}`)
        await response.arrayBuffer()
      }
    }))
    const ms = performance.now() - started
    await (await navigator.storage.getDirectory()).removeEntry('bench-raw', { recursive: true })
    await table.delete()
    return { ms, objects: objects.length }
  },

  /** One drain of everything staged, timed from the first missing-check to the commit. */
  async drain(): Promise<{ ms: number; outcome: string; status: unknown }> {
    const db = new BackupDB()
    const queue = new UploadQueue(db, await openStagingStore(db))
    const started = performance.now()
    const outcome = await navigator.locks.request('keepsake-upload', () => drainOutbox({ queue, transport: fetchTransport(), connectivity: new Connectivity(), drainer: 'page' }))
    const ms = performance.now() - started
    const status = await db.uploadStatus.get('outbox')
    db.close()
    return { ms, outcome: outcome.state, status }
  },
}

Object.assign(window, { uploadBench: bench })
export type UploadBench = typeof bench
