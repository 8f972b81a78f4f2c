import type { BackupDB, ChunkIdHex, OutboxChunk, SnapshotId } from '../db/BackupDB'
import type { ChunkKeys } from '../format/backupKeys'
import { chunkObjectSize, sealChunk } from '../format/chunk'
import type { ChunkIdHasher } from '../format/chunkId'
import { BACKUP_NONCE_SIZE, BACKUP_TAG_SIZE } from '../format/constants'
import { toHex } from '../format/hex'
import type { StagedObject, StagingStore } from './StagingStore'

/** One chunk's plaintext as the planner hands it over: page bytes, or a slice of an attachment Blob. */
export type Piece = { kind: 'bytes'; bytes: Uint8Array } | { kind: 'blob'; blob: Blob }

export interface PieceResult {
  id: ChunkIdHex
  length: number
  /** True when this call sealed and staged it; false when the chunk was already known. */
  sealed: boolean
  storedSize: number
}

export interface ChunkSealerOptions {
  keys: ChunkKeys
  chunkIdOf: ChunkIdHasher
  db: BackupDB
  store: StagingStore
  runId: SnapshotId
}

/**
 * The work of one sealing worker: read each piece, name it by its keyed hash, and seal and stage
 * only the chunks the index does not know yet (FORMAT.md §4, DESIGN §5). The coordinator reserved
 * staging space for the whole job before sending it (StagingWindow).
 */
export class ChunkSealer {
  constructor(private readonly opts: ChunkSealerOptions) {}

  /** Names every piece; seals the new ones and stages them together in `slot` (reserved by the coordinator). */
  async sealJob(pieces: readonly Piece[], slot: number): Promise<PieceResult[]> {
    const { chunkIdOf, db, store, runId, keys } = this.opts
    const contents: Uint8Array[] = []
    for (const piece of pieces) contents.push(piece.kind === 'bytes' ? piece.bytes : new Uint8Array(await piece.blob.arrayBuffer()))
    if (contents.some((c) => c.length === 0)) throw new Error('backup: internal error: empty piece')
    const idBytes = contents.map((content) => chunkIdOf(content))
    const ids = idBytes.map((id) => toHex(id) as ChunkIdHex)

    const claimed = await db.transaction('rw', db.chunks, async () => {
      const known = await db.chunks.bulkGet(ids)
      const mine = new Map<ChunkIdHex, OutboxChunk>()
      ids.forEach((id, i) => {
        if (known[i] || mine.has(id)) return
        const length = contents[i]!.length
        mine.set(id, { id, length, storedSize: chunkObjectSize(length), state: 'pending', runId, attempts: 0, nextAttemptAt: 0, tag: '' })
      })
      await db.chunks.bulkAdd([...mine.values()])
      return mine
    })

    const rows: OutboxChunk[] = []
    const objects: StagedObject[] = []
    for (const [i, id] of ids.entries()) {
      const row = claimed.get(id)
      if (!row || ids.indexOf(id) !== i) continue
      // A fresh random nonce per seal (FORMAT.md §4): a chunk is sealed again only after its
      // claim was lost, and random 96-bit nonces stay safe far beyond any account's chunk count.
      const nonce = crypto.getRandomValues(new Uint8Array(BACKUP_NONCE_SIZE))
      const sealed = await sealChunk(contents[i]!, idBytes[i]!, nonce, keys)
      const object = new Uint8Array(sealed.header.length + sealed.body.byteLength)
      object.set(sealed.header)
      object.set(new Uint8Array(sealed.body), sealed.header.length)
      row.state = 'staged'
      row.tag = toHex(object.subarray(object.length - BACKUP_TAG_SIZE))
      // The object's SHA-256 for the upload's Content-Digest (docs/API.md), taken here in a sealing
      // worker so the uploader can send the staged file as it is, without reading it into memory.
      row.sha256 = toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', object)))
      rows.push(row)
      objects.push({ id, bytes: object })
    }
    if (objects.length > 0) {
      // One write for the job; the rows say `staged` only once their objects are written.
      const placements = await store.writeJob(slot, objects)
      placements.forEach((at, i) => Object.assign(rows[i]!, at))
      await db.chunks.bulkPut(rows)
    }
    return ids.map((id, i) => ({ id, length: contents[i]!.length, sealed: claimed.has(id) && ids.indexOf(id) === i, storedSize: chunkObjectSize(contents[i]!.length) }))
  }
}
