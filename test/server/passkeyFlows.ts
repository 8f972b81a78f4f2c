import { expect } from 'vitest'
import type { ApiClient } from './ApiClient'
import type { CeremonyTweaks, SoftAuthenticator } from './softAuthenticator'

/** Sign-up with a new passkey: options → create() → verify. Leaves `client` signed in. */
export async function signUp(client: ApiClient, authenticator: SoftAuthenticator, displayName = 'Alice') {
  const options = await client.post('/api/auth/register/options', { displayName })
  expect(options.status).toBe(200)
  const verify = await client.post('/api/auth/register/verify', { response: authenticator.register(options.body.options), name: 'Laptop' })
  expect(verify.status).toBe(200)
  return verify.body as { accountId: string; credentialId: string }
}

/** Adds a passkey to the signed-in account. */
export async function addPasskey(client: ApiClient, authenticator: SoftAuthenticator, name = 'Phone') {
  const options = await client.post('/api/auth/register/options', {})
  expect(options.status).toBe(200)
  const verify = await client.post('/api/auth/register/verify', { response: authenticator.register(options.body.options), name })
  expect(verify.status).toBe(200)
  return verify.body as { accountId: string; credentialId: string }
}

/** Asks for sign-in options and answers them; returns the verify answer whatever its status. */
export async function attemptSignIn(client: ApiClient, authenticator: SoftAuthenticator, tweaks: CeremonyTweaks = {}, scope?: 'account') {
  const options = await client.post('/api/auth/login/options', scope ? { scope } : {})
  expect(options.status).toBe(200)
  const response = authenticator.authenticate(options.body.options, tweaks)
  return { response, answer: await client.post('/api/auth/login/verify', { response }) }
}

/** Bytes as the API carries them. */
export function b64(bytes: Uint8Array | number[]): string {
  return Buffer.from(Uint8Array.from(bytes)).toString('base64url')
}

/** n deterministic bytes starting at `seed`. */
export function bytesOf(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (seed + i) & 0xff)
}
