import type { AccountId } from '../db/AccountDB'
import { createPasskey } from '../passkey/createPasskey'
import { accountApi } from './accountApi'
import { newPasskeyPrfOutput } from './newPasskeyPrfOutput'
import { protectWithPasskey } from './protectMasterKey'
import { unlockWithPasskey } from './unlockWithPasskey'

export interface AddPasskeyResult {
  credentialId: string
  /** False when the new passkey has no PRF: it signs in but cannot unlock backups. */
  canUnlock: boolean
}

/**
 * Adds a passkey to the signed-in account (docs/KEYS.md §7.3). The master key's bytes come from
 * `masterKey` when the caller holds them (right after a recovery-key unlock), else from a passkey
 * unlock first; then the new passkey is created and its envelope stored.
 */
export async function addPasskey(
  account: { accountId: AccountId; displayName: string },
  name: string,
  masterKey?: Uint8Array,
): Promise<AddPasskeyResult> {
  const unlocked = masterKey ?? (await unlockWithPasskey(account.accountId)).masterKey
  try {
    const { options } = await accountApi.registerOptions(account.displayName)
    const created = await createPasskey(options)
    const { credentialId } = await accountApi.registerVerify(created.response, name)
    const prfOutput = await newPasskeyPrfOutput(created)
    if (prfOutput) await protectWithPasskey(account.accountId, credentialId, prfOutput, unlocked)
    return { credentialId, canUnlock: prfOutput !== null }
  } finally {
    if (unlocked !== masterKey) unlocked.fill(0)
  }
}
