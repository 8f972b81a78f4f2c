/**
 * What the MetaStore keeps about an account's backups. The bytes themselves are in the BlobStore;
 * these records decide what exists, so quota and garbage collection never list blobs.
 */

/** One stored chunk of one account. Two accounts holding the same chunk id have two records and two blobs. */
export interface ChunkRecord {
  accountId: string
  /** 64 lower-case hex characters (docs/API.md). */
  chunkId: string
  /** The blob holding the bytes: unique to the upload that wrote it, never reused. */
  blobKey: string
  size: number
  /** SHA-256 of the stored bytes, as verified when they arrived (answered as Content-Digest). */
  sha256: Uint8Array
  createdAt: number
  /** Last time the chunk was stored or confirmed present; garbage collection waits a grace period after it. */
  touchedAt: number
}

/** The outcome of recording an uploaded chunk. */
export type ChunkCommit =
  /** Recorded: the blob now belongs to the record. */
  | { outcome: 'created' }
  /** The account already had this chunk (touched now); the caller's blob is surplus. */
  | { outcome: 'exists' }
  /** Recording it would take the account past its quota; nothing changed. */
  | { outcome: 'quota-exceeded'; usedBytes: number }
  /** The upload took so long that garbage collection claimed its blob; nothing recorded. */
  | { outcome: 'lease-lost' }

export interface SnapshotRecord {
  accountId: string
  /** 32 lower-case hex characters (16 bytes, docs/FORMAT.md). */
  id: string
  createdAt: number
  /** As the client declared it. */
  sizeBytes: number
  chunkCount: number
  /** SHA-256 over the manifest, chunk ids and size: equal hashes mean a retried commit of the same snapshot. */
  contentHash: Uint8Array
}

export interface StoredSnapshot extends SnapshotRecord {
  /** The sealed manifest, opaque to the server. */
  manifest: Uint8Array
  /** In the order committed; an id may appear more than once. */
  chunkIds: string[]
}

export type SnapshotCommit =
  | { outcome: 'created'; snapshot: SnapshotRecord; removed: string[] }
  /** The same snapshot (same content hash) was committed before: nothing changed. */
  | { outcome: 'exists'; snapshot: SnapshotRecord }
  /** The id is taken by a snapshot with other content: nothing changed. */
  | { outcome: 'conflict' }
  /** Chunks the account does not hold, each once, in the order first named: nothing changed. */
  | { outcome: 'missing-chunks'; missing: string[] }
