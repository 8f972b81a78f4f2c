/**
 * Everything the server knows besides blobs: accounts, passkey credentials, WebAuthn challenges,
 * sessions, key envelopes (opaque to the server) and rate-limit counters. All methods are async so
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
