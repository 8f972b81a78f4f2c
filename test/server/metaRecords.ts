import type { AccountRecord, CredentialRecord, SessionRecord } from '../../src/server/stores/MetaStore'
import { bytesOf } from './passkeyFlows'

/** Records for MetaStore tests: one account `acct-1`, its credentials and sessions. */
export const account: AccountRecord = { id: 'acct-1', userHandle: bytesOf(32, 1), displayName: 'Alice', createdAt: 1000 }

export const credential = (id: string, accountId = 'acct-1'): CredentialRecord => ({
  id,
  accountId,
  publicKey: bytesOf(77, 2),
  counter: 0,
  transports: ['internal'],
  backupEligible: true,
  backedUp: false,
  name: id,
  createdAt: 1000,
  lastUsedAt: null,
  canUnlock: false,
})

export const session = (seed: number, credentialId: string | null = 'cred-1'): SessionRecord => ({
  tokenHash: bytesOf(32, seed),
  accountId: 'acct-1',
  credentialId,
  createdAt: 1000,
  expiresAt: 10_000,
})
