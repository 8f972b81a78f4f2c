import type { ChunkRecord, SnapshotRecord } from './backupRecords'
import type { AccountRecord, ChallengeRecord, CredentialRecord, SessionRecord } from './MetaStore'

/**
 * A row as better-sqlite3 or pg returns it. Both stores use the same column names; the mappers
 * accept either driver's types (a BLOB or bytea as a Buffer, a pg bigint as a string, an SQLite
 * boolean as 0/1).
 */
export type Row = Record<string, unknown>

export function bytes(value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new Error('meta store: internal error: expected bytes')
  return new Uint8Array(value)
}

function bytesOrNull(value: unknown): Uint8Array | null {
  return value == null ? null : bytes(value)
}

export function toAccount(row: Row): AccountRecord {
  return { id: String(row.id), userHandle: bytes(row.user_handle), displayName: String(row.display_name), createdAt: Number(row.created_at) }
}

export function toCredential(row: Row): CredentialRecord {
  return {
    id: String(row.id),
    accountId: String(row.account_id),
    publicKey: bytes(row.public_key),
    counter: Number(row.counter),
    transports: JSON.parse(String(row.transports)) as string[],
    backupEligible: Boolean(row.backup_eligible),
    backedUp: Boolean(row.backed_up),
    name: String(row.name),
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at == null ? null : Number(row.last_used_at),
    canUnlock: Boolean(row.can_unlock),
  }
}

export function toChallenge(row: Row): ChallengeRecord {
  return {
    challenge: String(row.challenge),
    purpose: row.purpose as ChallengeRecord['purpose'],
    accountId: (row.account_id as string | null) ?? null,
    sessionHash: bytesOrNull(row.session_hash),
    pendingAccount:
      row.pending_user_handle != null ? { userHandle: bytes(row.pending_user_handle), displayName: String(row.pending_display_name) } : null,
    expiresAt: Number(row.expires_at),
  }
}

export function toSession(row: Row): SessionRecord {
  return {
    tokenHash: bytes(row.token_hash),
    accountId: String(row.account_id),
    credentialId: (row.credential_id as string | null) ?? null,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  }
}

export function toChunk(row: Row): ChunkRecord {
  return {
    accountId: String(row.account_id),
    chunkId: String(row.chunk_id),
    blobKey: String(row.blob_key),
    size: Number(row.size),
    sha256: bytes(row.sha256),
    createdAt: Number(row.created_at),
    touchedAt: Number(row.touched_at),
  }
}

export function toSnapshot(row: Row): SnapshotRecord {
  return {
    accountId: String(row.account_id),
    id: String(row.id),
    createdAt: Number(row.created_at),
    sizeBytes: Number(row.size_bytes),
    chunkCount: Number(row.chunk_count),
    contentHash: bytes(row.content_hash),
  }
}
