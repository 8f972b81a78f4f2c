import type { ChunkCommit, ChunkRecord, SnapshotCommit, SnapshotRecord, StoredSnapshot } from './backupRecords'

/**
 * Everything the server knows besides blobs: accounts, passkey credentials, WebAuthn challenges,
 * sessions, key envelopes (opaque to the server), rate-limit counters, and the records of backup
 * chunks and snapshots. All methods are async so
 * a networked implementation (PostgreSQL) fits behind the same interface; nothing here may rely on
 * in-process state, so several server processes can share one store.
 *
 * Times are milliseconds since the Unix epoch. Byte strings are `Uint8Array`.
 * Methods that change several rows MUST do so atomically.
 */
export interface MetaStore {
  /** Creates the account with its first credential and session, replacing `replaceSessionHash` (if any). */
  createAccount(
    account: AccountRecord,
    credential: CredentialRecord,
    session: SessionRecord,
    replaceSessionHash: Uint8Array | null,
  ): Promise<void>
  getAccount(accountId: string): Promise<AccountRecord | null>

  /** Adds a credential to an existing account. Rejects with {@link DuplicateCredentialError} if its id is taken. */
  addCredential(credential: CredentialRecord): Promise<void>
  /** Looks a credential up by id alone: for sign-in, before anyone knows the account. */
  findCredential(credentialId: string): Promise<CredentialRecord | null>
  getCredential(accountId: string, credentialId: string): Promise<CredentialRecord | null>
  listCredentials(accountId: string): Promise<CredentialRecord[]>
  renameCredential(accountId: string, credentialId: string, name: string): Promise<CredentialRecord | null>
  /**
   * Deletes the credential and its envelope unless that breaks {@link refuseRemoval}'s rules, and
   * the sessions it opened except `keepSessionHash` (which stays, with no credential).
   */
  deleteCredential(accountId: string, credentialId: string, keepSessionHash: Uint8Array): Promise<RemovalResult>

  /**
   * A sign-in, atomically: moves the credential's counter from `expectedCounter` to the new value
   * (resolving `false`, with nothing changed, if another sign-in moved it first), records its use
   * and backup state, deletes `replaceSessionHash` (if any) and creates `session`.
   */
  signIn(use: CredentialUse, session: SessionRecord, replaceSessionHash: Uint8Array | null): Promise<boolean>

  putChallenge(challenge: ChallengeRecord): Promise<void>
  /** Deletes and returns the challenge: a challenge is usable once, whatever happens next. */
  takeChallenge(challenge: string): Promise<ChallengeRecord | null>

  createSession(session: SessionRecord, replaceSessionHash: Uint8Array | null): Promise<void>
  /** The unexpired session with this token hash; an expired one is deleted and `null` returned. */
  getSession(tokenHash: Uint8Array, now: number): Promise<SessionRecord | null>
  deleteSession(tokenHash: Uint8Array): Promise<void>

  getKeys(accountId: string): Promise<KeysRecord>
  /** Creates or replaces the credential's envelope; `false` if the credential is not the account's. */
  putPasskeyEnvelope(accountId: string, credentialId: string, envelope: Uint8Array, now: number): Promise<boolean>
  deletePasskeyEnvelope(accountId: string, credentialId: string): Promise<RemovalResult>
  /** Creates or replaces the account's recovery envelope; `'recovery-id-taken'` if another account uses the id. */
  putRecoveryEnvelope(accountId: string, recovery: RecoveryRecord, now: number): Promise<'ok' | 'recovery-id-taken'>
  findRecovery(recoveryId: Uint8Array): Promise<{ accountId: string; authHash: Uint8Array } | null>

  /** Counts a hit in the fixed window of `windowMs` for `key` (rate limiting). */
  hitRateLimit(key: string, windowMs: number, now: number): Promise<{ hits: number; resetAt: number }>
  undoRateLimitHit(key: string): Promise<void>
  resetRateLimit(key: string): Promise<void>

  // ── Backup storage (docs/SERVER.md "Chunks, snapshots and garbage collection") ──────────────
  /** Of `chunkIds`, those the account holds, each touched (`touchedAt = now`): a confirmed chunk gets a new grace period. */
  touchChunks(accountId: string, chunkIds: readonly string[], now: number): Promise<string[]>
  getChunk(accountId: string, chunkId: string): Promise<ChunkRecord | null>
  /** Bytes of all the account's chunks. */
  chunkBytes(accountId: string): Promise<number>
  /** Lists a blob about to be written as pending, deletable from `dueAt` unless {@link commitChunk} adopts it first. */
  reserveBlob(blobKey: string, dueAt: number): Promise<void>
  /**
   * Atomically: refuses if the reservation of `chunk.blobKey` is gone or claimed (`lease-lost`);
   * touches an existing record of the same chunk (`exists`); refuses past `quotaBytes` (0 = no
   * limit); otherwise records the chunk and drops the reservation.
   */
  commitChunk(chunk: ChunkRecord, quotaBytes: number): Promise<ChunkCommit>
  /** Forgets a pending blob once it is deleted (or was never written). */
  releaseBlob(blobKey: string): Promise<void>

  /**
   * Atomically: records the snapshot, its manifest and the chunk ids it names, if every chunk is
   * held and the id is free (or holds the same content), then deletes the account's snapshots
   * beyond the newest `retain`.
   */
  commitSnapshot(snapshot: SnapshotRecord, manifest: Uint8Array, chunkIds: readonly string[], retain: number): Promise<SnapshotCommit>
  /** Newest first. */
  listSnapshots(accountId: string): Promise<SnapshotRecord[]>
  getSnapshot(accountId: string, snapshotId: string): Promise<StoredSnapshot | null>
  deleteSnapshot(accountId: string, snapshotId: string): Promise<boolean>

  /**
   * Garbage collection, step 1: deletes up to `limit` chunk records that no snapshot names and
   * that were last touched before `touchedBefore`, listing their blobs as pending (due `now`).
   * Resolves how many it released.
   */
  releaseUnreferencedChunks(touchedBefore: number, now: number, limit: number): Promise<number>
  /**
   * Step 2: claims up to `limit` pending blobs due by `now` until `claimUntil` (so no upload can
   * adopt them, and another process retries them only if this one dies), and returns their keys.
   */
  claimPendingBlobs(now: number, claimUntil: number, limit: number): Promise<string[]>

  /** Deletes expired challenges, sessions and rate-limit windows. */
  purgeExpired(now: number): Promise<void>
  /** Throws when the store cannot answer (health check). */
  check(): Promise<void>
  close(): Promise<void>
}

export interface AccountRecord {
  id: string
  /** WebAuthn user handle: random, 32 bytes. */
  userHandle: Uint8Array
  displayName: string
  createdAt: number
}

export interface CredentialRecord {
  /** base64url credential id */
  id: string
  accountId: string
  /** COSE public key */
  publicKey: Uint8Array
  counter: number
  transports: string[]
  backupEligible: boolean
  backedUp: boolean
  name: string
  createdAt: number
  lastUsedAt: number | null
  /** Whether the credential has a passkey envelope (read-only: derived). */
  canUnlock: boolean
}

export interface CredentialUse {
  credentialId: string
  expectedCounter: number
  counter: number
  backedUp: boolean
  usedAt: number
}

export type ChallengePurpose = 'register' | 'login'

export interface ChallengeRecord {
  /** base64url, as it appears in clientDataJSON */
  challenge: string
  purpose: ChallengePurpose
  /** The account the ceremony is for: adding a passkey, or re-unlocking with its credentials. */
  accountId: string | null
  /** The session that asked, when signed in. */
  sessionHash: Uint8Array | null
  /** Sign-up only: the account to create when the registration verifies. */
  pendingAccount: { userHandle: Uint8Array; displayName: string } | null
  expiresAt: number
}

export interface SessionRecord {
  /** SHA-256 of the cookie's token; the token itself is never stored. */
  tokenHash: Uint8Array
  accountId: string
  /** The passkey that opened the session, `null` for a recovery sign-in. */
  credentialId: string | null
  createdAt: number
  expiresAt: number
}

export interface KeysRecord {
  passkeys: { credentialId: string; envelope: Uint8Array }[]
  recovery: { envelope: Uint8Array } | null
}

export interface RecoveryRecord {
  recoveryId: Uint8Array
  /** SHA-256(recoveryAuth) */
  authHash: Uint8Array
  envelope: Uint8Array
}

export type RemovalResult = 'deleted' | 'not-found' | 'last-credential' | 'last-unlock-method'

export class DuplicateCredentialError extends Error {
  override readonly name = 'DuplicateCredentialError'
  constructor(credentialId: string) {
    super(`meta store: credential ${credentialId.slice(0, 16)}… is already registered`)
  }
}

/** What an account holds before a removal; the rules are the same for every MetaStore. */
export interface UnlockMethods {
  credentials: number
  passkeyEnvelopes: number
  hasRecovery: boolean
}

/**
 * An account keeps at least one passkey, and once it has any envelope it keeps at least one, so
 * its backups can always be unlocked. `removing` says what goes: a credential (with its envelope
 * if it has one) or only an envelope.
 */
export function refuseRemoval(
  held: UnlockMethods,
  removing: { credential: boolean; envelope: boolean },
): 'last-credential' | 'last-unlock-method' | null {
  if (removing.credential && held.credentials <= 1) return 'last-credential'
  if (removing.envelope && held.passkeyEnvelopes <= 1 && !held.hasRecovery) return 'last-unlock-method'
  return null
}
