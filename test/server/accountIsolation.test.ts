import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ApiClient } from './ApiClient'
import { dbSnapshot } from './dbSnapshot'
import { addPasskey, b64, bytesOf, signUp } from './passkeyFlows'
import { SoftAuthenticator } from './softAuthenticator'
import { backends } from './backends'
import { type TestServer, startTestServer } from './startTestServer'
describe.each(backends)('on $name', (backend) => {
  let server: TestServer
  let alice: ApiClient
  let bob: ApiClient
  let aliceIds: { accountId: string; credentialId: string }
  let aliceSecond: string
  let bobIds: { accountId: string; credentialId: string }

  beforeEach(async () => {
    server = await startTestServer({}, { backend })
    alice = server.client()
    bob = server.client()
    aliceIds = await signUp(alice, new SoftAuthenticator(server.origin), 'Alice')
    aliceSecond = (await addPasskey(alice, new SoftAuthenticator(server.origin))).credentialId
    await alice.put(`/api/keys/passkey/${aliceIds.credentialId}`, { envelope: b64(bytesOf(94, 1)) })
    await alice.put(`/api/keys/passkey/${aliceSecond}`, { envelope: b64(bytesOf(94, 2)) })
    await alice.put('/api/keys/recovery', { envelope: b64(bytesOf(94, 3)), recoveryId: b64(bytesOf(16, 3)), recoveryAuth: b64(bytesOf(32, 3)) })
    bobIds = await signUp(bob, new SoftAuthenticator(server.origin), 'Bob')
  })
  afterEach(async () => {
    await server.close()
  })

  describe("one account's session and another account's data", () => {
    it('lists and reads only its own account', async () => {
      expect((await bob.get('/api/account')).body.accountId).toBe(bobIds.accountId)
      expect((await bob.get('/api/credentials')).body.map((c: { id: string }) => c.id)).toEqual([bobIds.credentialId])
      expect((await bob.get('/api/keys')).body).toEqual({ passkeys: [], recovery: null })
    })

    it("answers 404 for every change to the other account's passkeys and envelopes, and changes nothing", async () => {
      const attempts: [string, () => Promise<{ status: number; body: any }>][] = [
        ['rename', () => bob.patch(`/api/credentials/${aliceSecond}`, { name: 'mine now' })],
        ['delete credential', () => bob.delete(`/api/credentials/${aliceSecond}`)],
        ['put envelope', () => bob.put(`/api/keys/passkey/${aliceSecond}`, { envelope: b64(bytesOf(94, 9)) })],
        ['delete envelope', () => bob.delete(`/api/keys/passkey/${aliceSecond}`)],
      ]
      for (const [what, attempt] of attempts) {
        const before = (await dbSnapshot(server))
        const answer = await attempt()
        expect({ what, status: answer.status, code: answer.body.error?.code }).toEqual({ what, status: 404, code: 'not-found' })
        expect((await dbSnapshot(server))).toEqual(before)
      }
    })

    it('answers an unknown credential the same way as a foreign one', async () => {
      const foreign = await bob.delete(`/api/credentials/${aliceSecond}`)
      const unknown = await bob.delete(`/api/credentials/${b64(bytesOf(32, 77))}`)
      expect(unknown.status).toBe(foreign.status)
      expect(unknown.body).toEqual(foreign.body)
    })

    it('answers 401 signed-out on every account route without a session, and changes nothing', async () => {
      const nobody = server.client()
      const routes: [string, string, unknown?][] = [
        ['GET', '/api/account'],
        ['GET', '/api/credentials'],
        ['PATCH', `/api/credentials/${aliceSecond}`, { name: 'x' }],
        ['DELETE', `/api/credentials/${aliceSecond}`],
        ['GET', '/api/keys'],
        ['PUT', `/api/keys/passkey/${aliceSecond}`, { envelope: b64(bytesOf(94, 9)) }],
        ['PUT', '/api/keys/recovery', { envelope: b64(bytesOf(94, 9)), recoveryId: b64(bytesOf(16, 9)), recoveryAuth: b64(bytesOf(32, 9)) }],
        ['DELETE', `/api/keys/passkey/${aliceSecond}`],
      ]
      const before = (await dbSnapshot(server))
      for (const [method, path, body] of routes) {
        const answer = await nobody.call(method, path, body)
        expect({ method, path, status: answer.status, code: answer.body.error?.code }).toEqual({ method, path, status: 401, code: 'signed-out' })
      }
      expect((await dbSnapshot(server))).toEqual(before)
    })

    it('treats a forged, malformed or expired session cookie as signed out', async () => {
      const forged = server.client()
      forged.cookie = b64(bytesOf(32, 5))
      expect((await forged.get('/api/account')).status).toBe(401)
      forged.cookie = 'not a token'
      expect((await forged.get('/api/account')).status).toBe(401)
      server.clock.now += 720 * 3_600_000
      expect((await alice.get('/api/account')).body.error.code).toBe('signed-out')
    })
  })
})
