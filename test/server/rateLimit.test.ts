import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { backends } from './backends'
import { type TestServer, startTestServer } from './startTestServer'
describe.each(backends)('on $name', (backend) => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer({ AUTH_RATE_LIMIT: '5' }, { backend })
  })
  afterEach(async () => {
    await server.close()
  })

  describe('rate limiting of /api/auth/*', () => {
    it('answers 429 rate-limited with Retry-After past the limit, and again after the window', async () => {
      const client = server.client()
      for (let i = 1; i <= 5; i++) {
        const answer = await client.post('/api/auth/login/options', {})
        expect(answer.status).toBe(200)
        expect(answer.headers.get('ratelimit-remaining')).toBe(String(5 - i))
      }
      const limited = await client.post('/api/auth/login/options', {})
      expect(limited.status).toBe(429)
      expect(limited.body.error.code).toBe('rate-limited')
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60)
      // Other routes are not limited by it.
      expect((await client.get('/api/account')).status).toBe(401)
      // The window is in the MetaStore, on the server's clock.
      server.clock.now += 60_001
      expect((await client.post('/api/auth/login/options', {})).status).toBe(200)
    })

    it('counts recovery attempts too', async () => {
      const client = server.client()
      const body = { recoveryId: 'AAAAAAAAAAAAAAAAAAAAAA', recoveryAuth: 'A'.repeat(43) }
      const statuses: number[] = []
      for (let i = 0; i < 6; i++) statuses.push((await client.post('/api/auth/recovery', body)).status)
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429])
    })
  })
})
