import { AccountDB, type AccountId, type AccountRecord } from '../db/AccountDB'
import { withDbErrors } from '../db/translateDbError'
import { MASTER_KEY_SIZE } from '../format/constants'

/**
 * The account and its master key on this device (docs/KEYS.md §2). The master key is kept as a
 * non-extractable HKDF `CryptoKey`: backups derive their keys from it without a passkey prompt, and
 * not even this app's own script can read its bytes back.
 */
let database: AccountDB | undefined

/** The app's one connection to `keepsake-account` (opened on first use). */
export function accountDatabase(): AccountDB {
  database ??= new AccountDB()
  return database
}

/** The master key of the signed-in account, for HKDF `deriveKey`/`deriveBits`; null when there is none. */
export async function loadMasterKey(db = accountDatabase()): Promise<CryptoKey | null> {
  return db.transaction('r', db.account, db.keys, async () => {
    const [account, stored] = await Promise.all([db.account.get('current'), db.keys.get('master')])
    return account && stored && stored.accountId === account.accountId ? stored.key : null
  })
}

/** The account this device is signed in to, or null. */
export async function loadAccount(db = accountDatabase()): Promise<AccountRecord | null> {
  return (await db.account.get('current')) ?? null
}

/** Imports master key bytes the way they are kept: HKDF, non-extractable, derive-only. */
export function importMasterKey(masterKey: Uint8Array): Promise<CryptoKey> {
  if (masterKey.length !== MASTER_KEY_SIZE) throw new Error('keystore: internal error: master key must be 32 bytes')
  return crypto.subtle.importKey('raw', new Uint8Array(masterKey), 'HKDF', false, ['deriveKey', 'deriveBits'])
}

/**
 * Records a sign-in: replaces any earlier account on this device and keeps `masterKey` (or, when it
 * is null, keeps no key at all and `account.lockedReason` says why).
 */
export async function saveSignedIn(
  account: Omit<AccountRecord, 'id'>,
  masterKey: Uint8Array | null,
  db = accountDatabase(),
): Promise<void> {
  const key = masterKey ? await importMasterKey(masterKey) : null
  await withDbErrors(() =>
    db.transaction('rw', db.account, db.keys, async () => {
      await db.account.put({ ...account, id: 'current' })
      if (key) await db.keys.put({ id: 'master', accountId: account.accountId, key })
      else await db.keys.delete('master')
    }),
  )
}

/** Keeps the master key of the signed-in account `accountId` (after a recovery-key unlock, say). */
export async function saveMasterKey(accountId: AccountId, masterKey: Uint8Array, db = accountDatabase()): Promise<void> {
  const key = await importMasterKey(masterKey)
  await withDbErrors(() =>
    db.transaction('rw', db.account, db.keys, async () => {
      const account = await db.account.get('current')
      if (account?.accountId !== accountId) throw new Error('keystore: internal error: master key for another account')
      await db.keys.put({ id: 'master', accountId, key })
      await db.account.update('current', { lockedReason: null })
    }),
  )
}

/** Updates the signed-in account record (display name, current passkey, why it is locked). */
export async function updateAccount(
  changes: Partial<Pick<AccountRecord, 'displayName' | 'credentialId' | 'lockedReason' | 'signedInAt'>>,
  db = accountDatabase(),
): Promise<void> {
  await withDbErrors(() => db.account.update('current', changes))
}

/** Removes the account and its keys from this device (chats are in another database and stay). */
export async function forgetAccount(db = accountDatabase()): Promise<void> {
  await db.transaction('rw', db.account, db.keys, async () => {
    await db.keys.clear()
    await db.account.clear()
  })
}

/** What the UI shows of the account on this device: the record, and whether the master key is here. */
export interface AccountState {
  account: AccountRecord | null
  unlocked: boolean
}

/** Reads the account state without an explicit transaction, so it can run inside a Dexie liveQuery. */
export async function loadAccountState(db = accountDatabase()): Promise<AccountState> {
  const [account, stored] = await Promise.all([db.account.get('current'), db.keys.get('master')])
  return { account: account ?? null, unlocked: !!account && stored?.accountId === account.accountId }
}
