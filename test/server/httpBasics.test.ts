import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backends } from './backends'
import { type TestServer, startTestServer } from './startTestServer'
describe.each(backends)('on $name', (backend) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer({ MAX_JSON_BYTES: '4096' }, { backend })
  })
  afterAll(async () => {
    await server.close()
  })

  const CSP =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; " +
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

  function get(path: string, headers: Record<string, string> = {}) {
    return fetch(server.url + path, { headers })
  }

  /**
   * GET through node:http, which sends only the headers given (fetch adds `Sec-Fetch-Mode: cors`
   * to every request, so it cannot play a browser navigation).
   */
  function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
    return new Promise((resolve, reject) => {
      request(server.url + path, { headers }, (response) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (part: string) => (text += part))
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, text }))
      })
        .on('error', reject)
        .end()
    })
  }

  function asResponse(raw: { status: number; headers: Record<string, unknown>; text: string }): Response {
    const headers = new Headers()
    for (const [name, value] of Object.entries(raw.headers)) if (typeof value === 'string') headers.set(name, value)
    return new Response(raw.text, { status: raw.status, headers })
  }

  function send(method: string, path: string, body?: string | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
    return fetch(server.url + path, { method, body, headers: { origin: server.origin, ...headers }, duplex: 'half' } as RequestInit)
  }

  async function expectJsonError(response: Response, status: number, code: string) {
    expect(response.status).toBe(status)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    const body = (await response.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe(code)
    expect(body.error.message).not.toMatch(/\n\s+at /) // never a stack trace
  }

  describe('security headers', () => {
    const kinds: [string, () => Promise<Response>][] = [
      ['the app page', () => get('/', { accept: 'text/html' })],
      ['a hashed asset', () => get('/assets/index-Bx7f3a9c.js')],
      ['the service worker', () => get('/sw.js')],
      ['an SPA route', () => rawGet('/chats/42', { 'sec-fetch-mode': 'navigate' }).then(asResponse)],
      ['a missing file', () => get('/assets/missing.js')],
      ['an API answer', () => get('/healthz')],
      ['an API error', () => get('/api/account')],
      ['an unknown API route', () => get('/api/nope')],
      ['a wrong method', () => send('PUT', '/healthz')],
      ['a refused origin', () => send('POST', '/api/auth/logout', undefined, { origin: 'https://evil.example' })],
      ['bad JSON', () => send('POST', '/api/auth/login/options', '{', { 'content-type': 'application/json' })],
    ]
    for (const [kind, request] of kinds) {
      it(`are on ${kind}`, async () => {
        const response = await request()
        const h = response.headers
        expect(h.get('content-security-policy')).toBe(CSP)
        expect(h.get('x-content-type-options')).toBe('nosniff')
        expect(h.get('referrer-policy')).toBe('no-referrer')
        expect(h.get('cross-origin-opener-policy')).toBe('same-origin')
        expect(h.get('cross-origin-resource-policy')).toBe('same-origin')
        expect(h.get('x-frame-options')).toBe('DENY')
        expect(h.get('permissions-policy')).toMatch(/camera=\(\).*publickey-credentials-get=\(self\)/)
        expect(h.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
        expect(h.get('x-powered-by')).toBeNull()
        await response.arrayBuffer()
      })
    }
  })

  describe('the built PWA', () => {
    it('serves hashed assets as immutable and the rest as no-cache, with the right types', async () => {
      const cases: [string, string, string][] = [
        ['/assets/index-Bx7f3a9c.js', 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable'],
        ['/assets/hash-Dk29sl1q.wasm', 'application/wasm', 'public, max-age=31536000, immutable'],
        ['/sw.js', 'text/javascript; charset=utf-8', 'no-cache'],
        ['/manifest.webmanifest', 'application/manifest+json', 'no-cache'],
        ['/index.html', 'text/html; charset=utf-8', 'no-cache'],
        ['/', 'text/html; charset=utf-8', 'no-cache'],
      ]
      for (const [path, type, cache] of cases) {
        const response = await get(path)
        expect({ path, status: response.status, type: response.headers.get('content-type'), cache: response.headers.get('cache-control') }).toEqual({
          path,
          status: 200,
          type,
          cache,
        })
        await response.arrayBuffer()
      }
    })

    it('answers navigations to unknown paths with index.html', async () => {
      const navigations: Record<string, string>[] = [{ 'sec-fetch-mode': 'navigate' }, { accept: 'text/html,application/xhtml+xml' }]
      for (const headers of navigations) {
        const response = await rawGet('/settings/passkeys', headers)
        expect(response.status).toBe(200)
        expect(response.headers['cache-control']).toBe('no-cache')
        expect(response.headers['content-type']).toBe('text/html; charset=utf-8')
        expect(response.text).toContain('<title>Keepsake</title>')
      }
      // A fetch() of a missing file is not a navigation, even if it accepts HTML.
      expect((await rawGet('/settings/passkeys', { 'sec-fetch-mode': 'cors', accept: 'text/html' })).status).toBe(404)
    })

    it('answers a missing file, a path trick and an unknown API navigation with a JSON 404', async () => {
      await expectJsonError(await get('/assets/missing.js'), 404, 'not-found')
      await expectJsonError(await get('/assets/missing.js', { 'sec-fetch-mode': 'no-cors' }), 404, 'not-found')
      await expectJsonError(await get('/%2e%2e/%2e%2e/etc/passwd'), 404, 'not-found')
      const apiNavigation = await rawGet('/api/whatever', { 'sec-fetch-mode': 'navigate' })
      expect(apiNavigation.status).toBe(404)
      expect(JSON.parse(apiNavigation.text)).toMatchObject({ error: { code: 'not-found' } })
    })
  })

  describe('malformed requests get a 4xx JSON error', () => {
    it('bad JSON', async () => {
      await expectJsonError(await send('POST', '/api/auth/login/options', '{"scope":', { 'content-type': 'application/json' }), 400, 'bad-json')
    })
    it('wrong types and unknown values', async () => {
      const json = { 'content-type': 'application/json' }
      await expectJsonError(await send('POST', '/api/auth/register/options', '{"displayName":42}', json), 400, 'bad-request')
      await expectJsonError(await send('POST', '/api/auth/register/options', '[]', json), 400, 'bad-request')
      await expectJsonError(await send('POST', '/api/auth/login/options', '{"scope":"everything"}', json), 400, 'bad-request')
      await expectJsonError(await send('POST', '/api/auth/login/verify', '{"response":{"id":"abc"}}', json), 400, 'bad-request')
      await expectJsonError(await send('POST', '/api/auth/login/verify', 'null', json), 400, 'bad-request')
    })
    it('a body that is not JSON', async () => {
      await expectJsonError(await send('POST', '/api/auth/login/options', 'scope=account', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported-media-type')
    })
    it('an oversize body, declared or streamed', async () => {
      const big = JSON.stringify({ displayName: 'x'.repeat(5000) })
      await expectJsonError(await send('POST', '/api/auth/register/options', big, { 'content-type': 'application/json' }), 413, 'body-too-large')
      const stream = new ReadableStream({
        start(controller) {
          for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1000)))
          controller.close()
        },
      })
      await expectJsonError(await send('POST', '/api/auth/register/options', stream, { 'content-type': 'application/json' }), 413, 'body-too-large')
    })
    it('an unknown API route', async () => {
      await expectJsonError(await get('/api/nope'), 404, 'not-found')
      await expectJsonError(await send('POST', '/api/auth/nope', '{}', { 'content-type': 'application/json' }), 404, 'not-found')
    })
    it('a wrong method, with Allow', async () => {
      const response = await send('DELETE', '/api/account')
      expect(response.headers.get('allow')).toBe('GET, HEAD')
      await expectJsonError(response, 405, 'method-not-allowed')
      await expectJsonError(await get('/api/auth/login/verify'), 405, 'method-not-allowed')
    })
  })

  describe('health and logs', () => {
    it('reports both stores healthy', async () => {
      const response = await get('/healthz')
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({ status: 'ok', checks: { meta: 'ok', blobs: 'ok' } })
    })

    it('logs one JSON line per request, without bodies or cookies', async () => {
      const secret = 'c2VjcmV0LXNlY3JldC1zZWNyZXQ'
      const response = await send('POST', '/api/auth/recovery?token=abc', JSON.stringify({ recoveryId: secret, recoveryAuth: secret }), {
        'content-type': 'application/json',
        cookie: `ks_session=${secret}`,
      })
      const requestId = response.headers.get('x-request-id')
      await response.arrayBuffer()
      const lines = server.logLines.filter((line) => line.requestId === requestId)
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatchObject({ level: 'info', msg: 'request', method: 'POST', path: '/api/auth/recovery', status: 400 })
      expect(typeof lines[0]!.ms).toBe('number')
      expect(JSON.stringify(server.logLines)).not.toContain(secret)
      expect(JSON.stringify(server.logLines)).not.toContain('token=abc')
    })
  })
})
