import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { AccountDB, type AccountId, type CredentialId } from '../../../src/db/AccountDB'
import { forgetAccount, loadAccount, loadMasterKey, saveMasterKey, saveSignedIn } from '../../../src/account/keystore'

let n = 0
const freshDb = () => new AccountDB(`keepsake-account-test-${++n}`)
const account = (accountId: string) => ({
  accountId: accountId as AccountId,
  displayName: 'Ada',
  createdAt: 1_700_000_000_000,
  credentialId: 'Y3JlZA' as CredentialId,
  signedInAt: 1_700_000_000_500,
  lockedReason: null,
})
const masterKey = Uint8Array.from({ length: 32 }, (_, i) => i * 7)
const info = new TextEncoder().encode('keepsake/v1/chunk-enc')

/** What a backup engine would derive: compared against the same derivation from the raw bytes. */
async function derived(key: CryptoKey): Promise<string> {
  const bits = await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info }, key, 256)
  return Buffer.from(bits).toString('hex')
}

describe('keystore', () => {
  it('keeps the master key as a non-extractable HKDF key that derives like the raw bytes', async () => {
    const db = freshDb()
    await saveSignedIn(account('acct_1'), masterKey, db)
    const key = await loadMasterKey(db)
    expect(key).not.toBeNull()
    expect(key!.extractable).toBe(false)
    expect(key!.algorithm.name).toBe('HKDF')
    expect([...key!.usages].sort()).toEqual(['deriveBits', 'deriveKey'])
    await expect(crypto.subtle.exportKey('raw', key!)).rejects.toThrow()
    const reference = await crypto.subtle.importKey('raw', masterKey, 'HKDF', false, ['deriveBits'])
    expect(await derived(key!)).toBe(await derived(reference))
    expect(await loadAccount(db)).toMatchObject({ accountId: 'acct_1', displayName: 'Ada', lockedReason: null })
  })

  it('keeps no key for a locked sign-in, and replaces an earlier account', async () => {
    const db = freshDb()
    await saveSignedIn(account('acct_1'), masterKey, db)
    await saveSignedIn({ ...account('acct_2'), lockedReason: 'prf-unsupported' }, null, db)
    expect(await loadMasterKey(db)).toBeNull()
    expect(await loadAccount(db)).toMatchObject({ accountId: 'acct_2', lockedReason: 'prf-unsupported' })
    await saveMasterKey('acct_2' as AccountId, masterKey, db)
    expect(await loadMasterKey(db)).not.toBeNull()
    expect((await loadAccount(db))?.lockedReason).toBeNull()
  })

  it('refuses a key for another account than the signed-in one', async () => {
    const db = freshDb()
    await saveSignedIn(account('acct_1'), null, db)
    await expect(saveMasterKey('acct_other' as AccountId, masterKey, db)).rejects.toThrow(/internal error/)
    expect(await loadMasterKey(db)).toBeNull()
  })

  it('forgets the account and its key on sign-out', async () => {
    const db = freshDb()
    await saveSignedIn(account('acct_1'), masterKey, db)
    await forgetAccount(db)
    expect(await loadAccount(db)).toBeNull()
    expect(await loadMasterKey(db)).toBeNull()
    expect(await db.keys.count()).toBe(0)
  })
})
