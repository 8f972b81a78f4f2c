import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { signUp } from './passkeyFlows'
import { SoftAuthenticator } from './softAuthenticator'
import { backends } from './backends'
import { type TestServer, startTestServer } from './startTestServer'
describe.each(backends)('on $name', (backend) => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer({}, { extraOrigins: ['https://keepsake.localhost'], backend })
  })
  afterEach(async () => {
    await server.close()
  })

  describe('faults and secure origins', () => {
    it('answers a store failure with 500 internal, no details, a log line, and a failing health check', async () => {
      const alice = server.client()
      await signUp(alice, new SoftAuthenticator(server.origin))
      await server.meta.close()
      const answer = await alice.get('/api/account')
      expect(answer.status).toBe(500)
      expect(answer.body).toEqual({ error: { code: 'internal', message: 'the server failed to handle this request' } })
      const requestId = answer.headers.get('x-request-id')
      expect(server.logLines.find((line) => line.msg === 'unhandled error' && line.requestId === requestId)).toMatchObject({ level: 'error' })
      expect(server.logLines.find((line) => line.msg === 'request' && line.requestId === requestId)).toMatchObject({ level: 'error', status: 500 })

      const health = await fetch(`${server.url}/healthz`)
      expect(health.status).toBe(503)
      expect(await health.json()).toEqual({ status: 'failing', checks: { meta: 'failing', blobs: 'ok' } })
    })

    it('marks the session cookie Secure when the app is served over https', async () => {
      const device = server.client('https://keepsake.localhost')
      const options = await device.post('/api/auth/register/options', { displayName: 'Alice' })
      const response = new SoftAuthenticator('https://keepsake.localhost').register(options.body.options)
      const verified = await device.post('/api/auth/register/verify', { response })
      expect(verified.status).toBe(200)
      expect(verified.headers.getSetCookie().join()).toMatch(/^ks_session=[A-Za-z0-9_-]{43}; Max-Age=2592000; Path=\/; HttpOnly; Secure; SameSite=Strict$/)
    })
  })
})
