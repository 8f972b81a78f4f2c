import Dexie, { type EntityTable } from 'dexie'
import type { ErrorCode } from '../errors'

export type AccountId = string & { readonly __brand: 'AccountId' }
/** A WebAuthn credential id, base64url as the account API writes it. */
export type CredentialId = string & { readonly __brand: 'CredentialId' }

/** The account this device is signed in to (at most one: the row with id 'current'). */
export interface AccountRecord {
  id: 'current'
  accountId: AccountId
  displayName: string
  createdAt: number // ms since epoch, as the server reports it
  /** The passkey this device signed in with; null after a recovery-key sign-in. */
  credentialId: CredentialId | null
  signedInAt: number
  /**
   * Why the master key is not on this device although the account is (e.g. 'prf-unsupported' for a
   * passkey without PRF); null when it is, or when nothing went wrong yet.
   */
  lockedReason: ErrorCode | null
}

/** The account's master key on this device: a non-extractable HKDF key (docs/KEYS.md §2). */
export interface StoredMasterKey {
  id: 'master'
  accountId: AccountId
  key: CryptoKey
}

export const ACCOUNT_DB_NAME = 'keepsake-account'

/**
 * The signed-in account and its working key. Never edit an existing `version(n)`: add
 * `version(n + 1)` with an upgrade and a test.
 */
export class AccountDB extends Dexie {
  account!: EntityTable<AccountRecord, 'id'>
  keys!: EntityTable<StoredMasterKey, 'id'>

  constructor(name = ACCOUNT_DB_NAME) {
    super(name)
    this.version(1).stores({ account: 'id', keys: 'id' })
  }
}
