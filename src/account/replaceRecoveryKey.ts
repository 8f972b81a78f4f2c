import type { AccountId } from '../db/AccountDB'
import { protectWithNewRecoveryKey } from './protectMasterKey'
import { unlockWithPasskey } from './unlockWithPasskey'

/**
 * Makes a new recovery key and replaces the old one's envelope on the server (the old key stops
 * working). Needs the master key's bytes: `masterKey` when held, else a passkey unlock first.
 */
export async function replaceRecoveryKey(accountId: AccountId, masterKey?: Uint8Array): Promise<string> {
  const unlocked = masterKey ?? (await unlockWithPasskey(accountId)).masterKey
  try {
    return await protectWithNewRecoveryKey(accountId, unlocked)
  } finally {
    if (unlocked !== masterKey) unlocked.fill(0)
  }
}
