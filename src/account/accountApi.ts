import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
  AuthenticationResponseJSON,
} from '@simplewebauthn/browser'
import type { AccountId, CredentialId } from '../db/AccountDB'
import { AppError } from '../errors'
import type { PrfFree } from '../passkey/separatePrf'
import { fromBase64url, toBase64url } from './base64url'

/**
 * The account API (docs/API.md) as typed calls. Bytes travel as base64url; failures become `AppError`s
 * here, once: no network → `offline`, the server's `{ error: { code } }` → the code the UI branches on.
 */
export interface AccountInfo {
  accountId: AccountId
  displayName: string
  createdAt: number
  credentialId: CredentialId | null
}

export interface CredentialInfo {
  id: CredentialId
  name: string
  createdAt: number
  lastUsedAt: number | null
  transports: string[]
  backupEligible: boolean
  backedUp: boolean
  canUnlock: boolean
}

export interface KeyEnvelopes {
  passkeys: { credentialId: CredentialId; envelope: Uint8Array<ArrayBuffer> }[]
  recovery: { envelope: Uint8Array<ArrayBuffer> } | null
}

interface KeyEnvelopesJSON {
  passkeys: { credentialId: CredentialId; envelope: string }[]
  recovery: { envelope: string } | null
}

/** Server error codes that mean something to the person, by the code the UI knows them as. */
const SERVER_CODES = {
  'signed-out': 'signed-out',
  'recovery-key-invalid': 'wrong-key',
  'last-credential': 'last-credential',
  'last-unlock-method': 'last-unlock-method',
  'credential-exists': 'passkey-exists',
  'credential-unknown': 'passkey-not-enrolled',
} as const

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch (cause) {
    throw new AppError('offline', `Cannot reach the server (${method} ${path})`, { cause })
  }
  if (response.ok) return (response.status === 204 ? undefined : await response.json()) as T
  const error = ((await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null)?.error
  const serverCode = error?.code ?? `http-${response.status}`
  const code = SERVER_CODES[serverCode as keyof typeof SERVER_CODES] ?? 'server-rejected'
  const retryAfter = response.headers.get('retry-after')
  throw new AppError(code, error?.message ?? `${method} ${path} answered ${response.status}`, {
    details: { status: response.status, serverCode, ...(retryAfter ? { retryAfter } : {}) },
  })
}

const time = (value: number | string) => (typeof value === 'number' ? value : Date.parse(value))
const nullableTime = (value: number | string | null) => (value === null ? null : time(value))

function envelopes(json: KeyEnvelopesJSON): KeyEnvelopes {
  return {
    passkeys: json.passkeys.map((p) => ({ credentialId: p.credentialId, envelope: fromBase64url(p.envelope) })),
    recovery: json.recovery ? { envelope: fromBase64url(json.recovery.envelope) } : null,
  }
}

export const accountApi = {
  registerOptions: (displayName: string) =>
    request<{ options: PublicKeyCredentialCreationOptionsJSON }>('POST', '/api/auth/register/options', { displayName }),

  registerVerify: (response: PrfFree<RegistrationResponseJSON>, name?: string) =>
    request<{ accountId: AccountId; credentialId: CredentialId }>('POST', '/api/auth/register/verify', { response, name }),

  loginOptions: (scope?: 'account') =>
    request<{ options: PublicKeyCredentialRequestOptionsJSON }>('POST', '/api/auth/login/options', scope ? { scope } : {}),

  async loginVerify(response: PrfFree<AuthenticationResponseJSON>) {
    const r = await request<{ accountId: AccountId; credentialId: CredentialId; keys: KeyEnvelopesJSON }>(
      'POST', '/api/auth/login/verify', { response },
    )
    return { ...r, keys: envelopes(r.keys) }
  },

  async recoverySignIn(recoveryId: Uint8Array, recoveryAuth: Uint8Array) {
    const r = await request<{ accountId: AccountId; keys: KeyEnvelopesJSON }>('POST', '/api/auth/recovery', {
      recoveryId: toBase64url(recoveryId),
      recoveryAuth: toBase64url(recoveryAuth),
    })
    return { ...r, keys: envelopes(r.keys) }
  },

  logout: () => request<void>('POST', '/api/auth/logout'),

  async account(): Promise<AccountInfo> {
    const r = await request<AccountInfo & { createdAt: number | string }>('GET', '/api/account')
    return { ...r, createdAt: time(r.createdAt) }
  },

  async credentials(): Promise<CredentialInfo[]> {
    const list = await request<(CredentialInfo & { createdAt: number | string; lastUsedAt: number | string | null })[]>(
      'GET', '/api/credentials',
    )
    return list.map((c) => ({ ...c, createdAt: time(c.createdAt), lastUsedAt: nullableTime(c.lastUsedAt) }))
  },

  renameCredential: (id: CredentialId, name: string) =>
    request<CredentialInfo>('PATCH', `/api/credentials/${encodeURIComponent(id)}`, { name }),

  deleteCredential: (id: CredentialId) => request<void>('DELETE', `/api/credentials/${encodeURIComponent(id)}`),

  keys: async () => envelopes(await request<KeyEnvelopesJSON>('GET', '/api/keys')),

  putPasskeyEnvelope: (credentialId: CredentialId, envelope: Uint8Array) =>
    request<void>('PUT', `/api/keys/passkey/${encodeURIComponent(credentialId)}`, { envelope: toBase64url(envelope) }),

  putRecoveryEnvelope: (envelope: Uint8Array, recoveryId: Uint8Array, recoveryAuth: Uint8Array) =>
    request<void>('PUT', '/api/keys/recovery', {
      envelope: toBase64url(envelope),
      recoveryId: toBase64url(recoveryId),
      recoveryAuth: toBase64url(recoveryAuth),
    }),
}
