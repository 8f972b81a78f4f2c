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
  let credentialId: string
  let second: string

  beforeEach(async () => {
    server = await startTestServer({}, { backend })
    alice = server.client()
    credentialId = (await signUp(alice, new SoftAuthenticator(server.origin))).credentialId
    second = (await addPasskey(alice, new SoftAuthenticator(server.origin))).credentialId
    await alice.put(`/api/keys/passkey/${credentialId}`, { envelope: b64(bytesOf(94, 1)) })
  })
  afterEach(async () => {
    await server.close()
  })

  describe('state-changing requests need an allowed Origin', () => {
    const changes = (): [string, string, unknown?][] => [
      ['POST', '/api/auth/register/options', { displayName: 'Mallory' }],
      ['POST', '/api/auth/register/verify', { response: {} }],
      ['POST', '/api/auth/login/options', {}],
      ['POST', '/api/auth/login/verify', { response: {} }],
      ['POST', '/api/auth/recovery', { recoveryId: b64(bytesOf(16, 1)), recoveryAuth: b64(bytesOf(32, 1)) }],
      ['POST', '/api/auth/logout'],
      ['PATCH', `/api/credentials/${second}`, { name: 'renamed' }],
      ['DELETE', `/api/credentials/${second}`],
      ['PUT', `/api/keys/passkey/${second}`, { envelope: b64(bytesOf(94, 2)) }],
      ['PUT', '/api/keys/recovery', { envelope: b64(bytesOf(94, 3)), recoveryId: b64(bytesOf(16, 3)), recoveryAuth: b64(bytesOf(32, 3)) }],
      ['DELETE', `/api/keys/passkey/${credentialId}`],
    ]

    for (const origin of [null, 'http://evil.localhost:8080', 'http://127.0.0.1', 'null']) {
      it(`refuses them with Origin ${origin ?? '(none)'}, even with a valid session, and changes nothing`, async () => {
        const before = (await dbSnapshot(server))
        for (const [method, path, body] of changes()) {
          const answer = await alice.call(method, path, body, { origin })
          expect({ method, path, status: answer.status, code: answer.body.error?.code }).toEqual({ method, path, status: 403, code: 'bad-origin' })
        }
        expect((await dbSnapshot(server))).toEqual(before)
        expect((await alice.get('/api/account', { origin: null })).status).toBe(200)
      })
    }

    it('lets reads through without an Origin (same-origin GETs carry none)', async () => {
      expect((await alice.get('/api/credentials', { origin: null })).status).toBe(200)
      expect((await alice.get('/api/keys', { origin: null })).status).toBe(200)
    })
  })
})
