import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SoftAuthenticator } from './softAuthenticator'
import { addPasskey, attemptSignIn, b64, bytesOf, signUp } from './passkeyFlows'
import { backends } from './backends'
import { type TestServer, startTestServer } from './startTestServer'
describe.each(backends)('on $name', (backend) => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer({}, { backend })
  })
  afterEach(async () => {
    await server.close()
  })

  describe('passkey accounts, the whole story', () => {
    it('signs up, stores envelopes, signs in on a second device, adds, renames and removes a passkey', async () => {
      const laptop = server.client()
      const laptopKey = new SoftAuthenticator(server.origin)

      // Sign-up: options ask for a discoverable, user-verified passkey without attestation.
      const options = await laptop.post('/api/auth/register/options', { displayName: 'Alice' })
      expect(options.status).toBe(200)
      expect(options.body.options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' })
      expect(options.body.options.attestation).toBe('none')
      expect(options.body.options.rp).toEqual({ id: 'localhost', name: 'Keepsake' })
      expect(options.body.options.excludeCredentials).toEqual([])
      const registered = await laptop.post('/api/auth/register/verify', { response: laptopKey.register(options.body.options), name: 'Laptop' })
      expect(registered.status).toBe(200)
      const { accountId, credentialId } = registered.body
      expect(accountId).toMatch(/^[A-Za-z0-9_-]{22}$/)
      expect(credentialId).toBe(b64(laptopKey.credentials[0]!.id))
      const setCookie = registered.headers.getSetCookie().join('\n')
      expect(setCookie).toMatch(/ks_session=[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Strict/)
      expect(setCookie).not.toMatch(/Secure/)

      const account = await laptop.get('/api/account')
      expect(account.status).toBe(200)
      expect(account.body).toEqual({ accountId, displayName: 'Alice', createdAt: new Date(server.clock.now).toISOString(), credentialId })

      // The browser wraps the master key and stores both envelopes.
      const passkeyEnvelope = bytesOf(94, 1)
      const recoveryEnvelope = bytesOf(94, 2)
      const recoveryId = bytesOf(16, 3)
      const recoveryAuth = bytesOf(32, 4)
      expect((await laptop.put(`/api/keys/passkey/${credentialId}`, { envelope: b64(passkeyEnvelope) })).status).toBe(204)
      const putRecovery = await laptop.put('/api/keys/recovery', { envelope: b64(recoveryEnvelope), recoveryId: b64(recoveryId), recoveryAuth: b64(recoveryAuth) })
      expect(putRecovery.status).toBe(204)
      const stored = await server.meta.findRecovery(recoveryId)
      expect(Buffer.from(stored!.authHash)).toEqual(createHash('sha256').update(recoveryAuth).digest())

      // A second device with the synced passkey: discoverable sign-in returns every envelope.
      const phone = server.client()
      server.clock.now += 60_000
      const { answer: signedIn } = await attemptSignIn(phone, laptopKey)
      expect(signedIn.status).toBe(200)
      expect(signedIn.body).toEqual({
        accountId,
        credentialId,
        keys: { passkeys: [{ credentialId, envelope: b64(passkeyEnvelope) }], recovery: { envelope: b64(recoveryEnvelope) } },
      })
      expect(phone.cookie).not.toBeNull()
      expect(phone.cookie).not.toBe(laptop.cookie)

      // Add a second passkey from the phone: excludeCredentials lists the first one.
      const addOptions = await phone.post('/api/auth/register/options', {})
      expect(addOptions.body.options.excludeCredentials).toEqual([{ id: credentialId, type: 'public-key', transports: ['internal', 'hybrid'] }])
      expect(addOptions.body.options.user.id).toBe(options.body.options.user.id)
      const phoneKey = new SoftAuthenticator(server.origin)
      const added = await phone.post('/api/auth/register/verify', { response: phoneKey.register(addOptions.body.options), name: 'Phone' })
      expect(added.status).toBe(200)
      expect(added.body.accountId).toBe(accountId)
      const secondId = added.body.credentialId

      const listed = await phone.get('/api/credentials')
      expect(listed.status).toBe(200)
      expect(listed.body).toEqual([
        {
          id: credentialId,
          name: 'Laptop',
          createdAt: new Date(server.clock.now - 60_000).toISOString(),
          lastUsedAt: new Date(server.clock.now).toISOString(),
          transports: ['internal', 'hybrid'],
          backupEligible: true,
          backedUp: true,
          canUnlock: true,
        },
        {
          id: secondId,
          name: 'Phone',
          createdAt: new Date(server.clock.now).toISOString(),
          lastUsedAt: null,
          transports: ['internal', 'hybrid'],
          backupEligible: true,
          backedUp: true,
          canUnlock: false,
        },
      ])

      const renamed = await phone.patch(`/api/credentials/${secondId}`, { name: '  Pixel 9  ' })
      expect(renamed.status).toBe(200)
      expect(renamed.body).toMatchObject({ id: secondId, name: 'Pixel 9' })

      // Remove the first passkey: its envelope goes with it, and its other sessions end.
      expect((await phone.delete(`/api/credentials/${credentialId}`)).status).toBe(204)
      expect((await phone.get('/api/credentials')).body.map((c: { id: string }) => c.id)).toEqual([secondId])
      expect((await phone.get('/api/keys')).body).toEqual({ passkeys: [], recovery: { envelope: b64(recoveryEnvelope) } })
      expect((await laptop.get('/api/account')).status).toBe(401)
      expect((await phone.get('/api/account')).body.credentialId).toBeNull()

      // The remaining passkey signs in with a fresh session, rotating the old cookie.
      const before = phone.cookie
      const { answer: again } = await attemptSignIn(phone, phoneKey, {}, 'account')
      expect(again.status).toBe(200)
      expect(again.body.credentialId).toBe(secondId)
      expect(phone.cookie).not.toBe(before)
      const stale = server.client()
      stale.cookie = before
      expect((await stale.get('/api/account')).status).toBe(401)

      // Sign out: the session is gone on the server, the cookie cleared.
      const out = await phone.post('/api/auth/logout')
      expect(out.status).toBe(204)
      expect(out.headers.getSetCookie().join()).toMatch(/ks_session=; Max-Age=0/)
      expect(phone.cookie).toBeNull()
      stale.cookie = null
      expect((await phone.get('/api/account')).body.error.code).toBe('signed-out')
    })

    it('signs in with the recovery key and reports no passkey for that session', async () => {
      const alice = server.client()
      const key = new SoftAuthenticator(server.origin)
      const { accountId } = await signUp(alice, key)
      const recoveryId = bytesOf(16, 9)
      const recoveryAuth = bytesOf(32, 10)
      await alice.put('/api/keys/recovery', { envelope: b64(bytesOf(94, 11)), recoveryId: b64(recoveryId), recoveryAuth: b64(recoveryAuth) })

      const newDevice = server.client()
      const recovered = await newDevice.post('/api/auth/recovery', { recoveryId: b64(recoveryId), recoveryAuth: b64(recoveryAuth) })
      expect(recovered.status).toBe(200)
      expect(recovered.body).toEqual({ accountId, keys: { passkeys: [], recovery: { envelope: b64(bytesOf(94, 11)) } } })
      expect((await newDevice.get('/api/account')).body).toMatchObject({ accountId, credentialId: null })

      // From the recovered session a new passkey can be added and given its envelope.
      const { credentialId } = await addPasskey(newDevice, new SoftAuthenticator(server.origin))
      expect((await newDevice.put(`/api/keys/passkey/${credentialId}`, { envelope: b64(bytesOf(94, 12)) })).status).toBe(204)
      expect((await newDevice.get('/api/keys')).body.passkeys).toEqual([{ credentialId, envelope: b64(bytesOf(94, 12)) }])
    })

    it('replaces the recovery envelope atomically: the old recovery key stops working', async () => {
      const alice = server.client()
      await signUp(alice, new SoftAuthenticator(server.origin))
      const first = { envelope: b64(bytesOf(94, 1)), recoveryId: b64(bytesOf(16, 1)), recoveryAuth: b64(bytesOf(32, 1)) }
      const second = { envelope: b64(bytesOf(94, 2)), recoveryId: b64(bytesOf(16, 2)), recoveryAuth: b64(bytesOf(32, 2)) }
      expect((await alice.put('/api/keys/recovery', first)).status).toBe(204)
      expect((await alice.put('/api/keys/recovery', second)).status).toBe(204)
      const stranger = server.client()
      const old = await stranger.post('/api/auth/recovery', { recoveryId: first.recoveryId, recoveryAuth: first.recoveryAuth })
      expect(old.status).toBe(401)
      expect(old.body.error.code).toBe('recovery-key-invalid')
      const current = await stranger.post('/api/auth/recovery', { recoveryId: second.recoveryId, recoveryAuth: second.recoveryAuth })
      expect(current.status).toBe(200)
      expect(current.body.keys.recovery).toEqual({ envelope: second.envelope })
    })
  })
})
