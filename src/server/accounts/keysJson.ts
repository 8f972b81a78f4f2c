import type { KeysRecord } from '../stores/MetaStore'

export interface KeysJson {
  passkeys: { credentialId: string; envelope: string }[]
  recovery: { envelope: string } | null
}

/** The account's key envelopes as the API answers them (base64url bytes). */
export function keysJson(keys: KeysRecord): KeysJson {
  return {
    passkeys: keys.passkeys.map((p) => ({ credentialId: p.credentialId, envelope: Buffer.from(p.envelope).toString('base64url') })),
    recovery: keys.recovery ? { envelope: Buffer.from(keys.recovery.envelope).toString('base64url') } : null,
  }
}
