import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ApiClient } from './ApiClient'
import { countRows, dbSnapshot } from './dbSnapshot'
import { attemptSignIn, b64, bytesOf, signUp } from './passkeyFlows'
import { SoftAuthenticator } from './softAuthenticator'
import { backends } from './backends'
import { type TestServer, startTestServer } from './startTestServer'
describe.each(backends)('on $name', (backend) => {
  let server: TestServer
  let alice: ApiClient
  let aliceKey: SoftAuthenticator
  let account: { accountId: string; credentialId: string }

  beforeEach(async () => {
    server = await startTestServer({}, { backend })
    alice = server.client()
    aliceKey = new SoftAuthenticator(server.origin)
    account = await signUp(alice, aliceKey)
  })
  afterEach(async () => {
    await server.close()
  })

  /** Runs `act`, expects its answer to be `status`/`code`, and the stored rows not to have changed. */
  async function expectRefusal(act: () => Promise<{ status: number; body: any }>, status: number, code: string) {
    const before = (await dbSnapshot(server))
    const answer = await act()
    expect(answer.status).toBe(status)
    expect(answer.body.error.code).toBe(code)
    expect(typeof answer.body.error.message).toBe('string')
    expect((await dbSnapshot(server))).toEqual(before)
    return answer
  }

  async function loginOptions(client: ApiClient, body: object = {}) {
    const answer = await client.post('/api/auth/login/options', body)
    expect(answer.status).toBe(200)
    return answer.body.options
  }

  describe('sign-in refusals', () => {
    it('refuses a replayed assertion', async () => {
      const device = server.client()
      const { response, answer } = await attemptSignIn(device, aliceKey)
      expect(answer.status).toBe(200)
      const attacker = server.client()
      await expectRefusal(() => attacker.post('/api/auth/login/verify', { response }), 400, 'challenge-invalid')
      expect(attacker.cookie).toBeNull()
    })

    it('uses a challenge up once even when the first answer fails', async () => {
      const device = server.client()
      const options = await loginOptions(device)
      const bad = aliceKey.authenticate(options, { origin: 'http://localhost:1' })
      await expectRefusal(() => device.post('/api/auth/login/verify', { response: bad }), 400, 'webauthn-invalid')
      const good = aliceKey.authenticate(options)
      await expectRefusal(() => device.post('/api/auth/login/verify', { response: good }), 400, 'challenge-invalid')
      expect((await countRows(server, 'challenges'))).toBe(0)
    })

    it('refuses an expired challenge', async () => {
      const device = server.client()
      const options = await loginOptions(device)
      server.clock.now += 5 * 60_000 + 1
      const answer = await expectRefusal(() => device.post('/api/auth/login/verify', { response: aliceKey.authenticate(options) }), 400, 'challenge-invalid')
      expect(answer.body.error.message).toMatch(/expired/)
    })

    it('accepts a challenge just before it expires', async () => {
      const options = await loginOptions(server.client())
      server.clock.now += 5 * 60_000 - 1
      expect((await server.client().post('/api/auth/login/verify', { response: aliceKey.authenticate(options) })).status).toBe(200)
    })

    it('refuses an assertion made for another origin', async () => {
      const device = server.client()
      const options = await loginOptions(device)
      const response = aliceKey.authenticate(options, { origin: 'https://keepsake.example.net' })
      const answer = await expectRefusal(() => device.post('/api/auth/login/verify', { response }), 400, 'webauthn-invalid')
      expect(answer.body.error.message).toMatch(/origin/i)
    })

    it('refuses an assertion for another relying party id', async () => {
      const device = server.client()
      const response = aliceKey.authenticate(await loginOptions(device), { rpId: 'example.com' })
      const answer = await expectRefusal(() => device.post('/api/auth/login/verify', { response }), 400, 'webauthn-invalid')
      expect(answer.body.error.message).toMatch(/RP ID/i)
    })

    it('refuses an assertion without user verification', async () => {
      const device = server.client()
      const response = aliceKey.authenticate(await loginOptions(device), { userVerified: false })
      await expectRefusal(() => device.post('/api/auth/login/verify', { response }), 400, 'webauthn-invalid')
    })

    it('refuses a response of the wrong ceremony type', async () => {
      const device = server.client()
      const response = aliceKey.authenticate(await loginOptions(device), { type: 'webauthn.create' })
      await expectRefusal(() => device.post('/api/auth/login/verify', { response }), 400, 'webauthn-invalid')
    })

    it('refuses a passkey the server never registered', async () => {
      const stranger = new SoftAuthenticator(server.origin)
      stranger.register({
        rp: { id: 'localhost', name: 'Keepsake' },
        user: { id: b64(bytesOf(32, 7)), name: 'Mallory', displayName: 'Mallory' },
        challenge: b64(bytesOf(32, 8)),
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
      })
      const device = server.client()
      const response = stranger.authenticate(await loginOptions(device))
      await expectRefusal(() => device.post('/api/auth/login/verify', { response }), 401, 'credential-unknown')
    })

    it('refuses a signature counter that goes backwards, and one that stays', async () => {
      const device = server.client()
      expect((await attemptSignIn(device, aliceKey, { counter: 5 })).answer.status).toBe(200)
      const cloned = aliceKey.authenticate(await loginOptions(device), { counter: 3 })
      const answer = await expectRefusal(() => device.post('/api/auth/login/verify', { response: cloned }), 400, 'webauthn-invalid')
      expect(answer.body.error.message).toMatch(/counter/)
      const same = aliceKey.authenticate(await loginOptions(device), { counter: 5 })
      await expectRefusal(() => device.post('/api/auth/login/verify', { response: same }), 400, 'webauthn-invalid')
      expect((await server.meta.findCredential(account.credentialId))!.counter).toBe(5)
    })

    it('refuses a sign-up challenge answered as a sign-in', async () => {
      const device = server.client()
      const registerOptions = (await device.post('/api/auth/register/options', { displayName: 'Eve' })).body.options
      const response = aliceKey.authenticate({ challenge: registerOptions.challenge, rpId: 'localhost' })
      await expectRefusal(() => device.post('/api/auth/login/verify', { response }), 400, 'challenge-invalid')
    })

    it("refuses another account's passkey on a challenge scoped to this account", async () => {
      const bob = server.client()
      const bobKey = new SoftAuthenticator(server.origin)
      await signUp(bob, bobKey, 'Bob')
      const scoped = await loginOptions(alice, { scope: 'account' })
      expect(scoped.allowCredentials).toEqual([{ id: account.credentialId, type: 'public-key', transports: ['internal', 'hybrid'] }])
      const response = bobKey.authenticate({ ...scoped, allowCredentials: [] })
      await expectRefusal(() => alice.post('/api/auth/login/verify', { response }), 400, 'challenge-invalid')
    })

    it('asks to sign in before a scoped sign-in', async () => {
      await expectRefusal(() => server.client().post('/api/auth/login/options', { scope: 'account' }), 401, 'signed-out')
    })

    it('refuses a response that carries PRF results', async () => {
      const device = server.client()
      const response = aliceKey.authenticate(await loginOptions(device))
      const leaky = { ...response, clientExtensionResults: { prf: { results: { first: b64(bytesOf(32, 1)) } } } }
      const answer = await expectRefusal(() => device.post('/api/auth/login/verify', { response: leaky }), 400, 'bad-request')
      expect(answer.body.error.message).toMatch(/PRF/)
    })
  })

  describe('registration refusals', () => {
    it('creates no account when the registration comes from another origin', async () => {
      const device = server.client()
      const options = (await device.post('/api/auth/register/options', { displayName: 'Eve' })).body.options
      const response = new SoftAuthenticator('https://phish.example').register(options)
      await expectRefusal(() => device.post('/api/auth/register/verify', { response }), 400, 'webauthn-invalid')
      expect((await countRows(server, 'accounts'))).toBe(1)
      expect(device.cookie).toBeNull()
    })

    it('refuses a registration for another relying party id, or without user verification', async () => {
      for (const tweaks of [{ rpId: 'example.com' }, { userVerified: false }]) {
        const device = server.client()
        const options = (await device.post('/api/auth/register/options', { displayName: 'Eve' })).body.options
        const response = new SoftAuthenticator(server.origin).register(options, tweaks)
        await expectRefusal(() => device.post('/api/auth/register/verify', { response }), 400, 'webauthn-invalid')
      }
    })

    it('refuses a second use of a registration challenge', async () => {
      const device = server.client()
      const options = (await device.post('/api/auth/register/options', { displayName: 'Eve' })).body.options
      const response = new SoftAuthenticator(server.origin).register(options)
      expect((await device.post('/api/auth/register/verify', { response })).status).toBe(200)
      const again = new SoftAuthenticator(server.origin).register(options)
      await expectRefusal(() => server.client().post('/api/auth/register/verify', { response: again }), 400, 'challenge-invalid')
    })

    it("refuses an add-passkey challenge answered from another session", async () => {
      const options = (await alice.post('/api/auth/register/options', {})).body.options
      const other = server.client()
      await signUp(other, new SoftAuthenticator(server.origin), 'Bob')
      const response = new SoftAuthenticator(server.origin).register(options)
      await expectRefusal(() => other.post('/api/auth/register/verify', { response }), 400, 'challenge-invalid')
      await expectRefusal(() => server.client().post('/api/auth/register/verify', { response }), 400, 'challenge-invalid')
    })

    it('refuses to register a passkey twice, creating no account for the second sign-up', async () => {
      const device = server.client()
      const options = (await device.post('/api/auth/register/options', { displayName: 'Alice again' })).body.options
      const response = aliceKey.register(options, { credentialId: account.credentialId })
      expect(response.id).toBe(account.credentialId)
      await expectRefusal(() => device.post('/api/auth/register/verify', { response }), 409, 'credential-exists')
      expect((await countRows(server, 'accounts'))).toBe(1)
      expect(device.cookie).toBeNull()
      const addOptions = (await alice.post('/api/auth/register/options', {})).body.options
      const again = aliceKey.register(addOptions, { credentialId: account.credentialId })
      await expectRefusal(() => alice.post('/api/auth/register/verify', { response: again }), 409, 'credential-exists')
    })

    it('needs a display name to create an account', async () => {
      await expectRefusal(() => server.client().post('/api/auth/register/options', {}), 400, 'bad-request')
      await expectRefusal(() => server.client().post('/api/auth/register/options', { displayName: 'x'.repeat(65) }), 400, 'bad-request')
    })
  })

  describe('recovery sign-in refusals', () => {
    const recoveryId = b64(bytesOf(16, 40))
    const recoveryAuth = b64(bytesOf(32, 41))

    beforeEach(async () => {
      const put = await alice.put('/api/keys/recovery', { envelope: b64(bytesOf(94, 42)), recoveryId, recoveryAuth })
      expect(put.status).toBe(204)
    })

    it('answers a wrong recovery auth and an unknown recovery id alike', async () => {
      const wrongAuth = await expectRefusal(
        () => server.client().post('/api/auth/recovery', { recoveryId, recoveryAuth: b64(bytesOf(32, 99)) }),
        401,
        'recovery-key-invalid',
      )
      const unknownId = await expectRefusal(
        () => server.client().post('/api/auth/recovery', { recoveryId: b64(bytesOf(16, 99)), recoveryAuth }),
        401,
        'recovery-key-invalid',
      )
      expect(unknownId.body).toEqual(wrongAuth.body)
    })

    it('refuses malformed recovery values', async () => {
      await expectRefusal(() => server.client().post('/api/auth/recovery', { recoveryId: b64(bytesOf(15, 1)), recoveryAuth }), 400, 'bad-request')
      await expectRefusal(() => server.client().post('/api/auth/recovery', { recoveryId, recoveryAuth: 'not base64url!' }), 400, 'bad-request')
    })

    it('lets another account not take over a recovery id', async () => {
      const bob = server.client()
      await signUp(bob, new SoftAuthenticator(server.origin), 'Bob')
      await expectRefusal(
        () => bob.put('/api/keys/recovery', { envelope: b64(bytesOf(94, 1)), recoveryId, recoveryAuth: b64(bytesOf(32, 1)) }),
        409,
        'recovery-id-taken',
      )
    })
  })
})
