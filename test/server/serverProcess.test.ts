import { type ChildProcess, spawn } from 'node:child_process'
import { Agent, request } from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { provisionStorage, scaleBackend } from './backends'
import { SoftAuthenticator } from './softAuthenticator'
import { writeStaticSite } from './startTestServer'

const PROJECT = join(import.meta.dirname, '../..')

interface Running {
  child: ChildProcess
  lines: Record<string, any>[]
  stderr: string[]
  url: string
  origin: string
  exited: Promise<number | null>
}

let root: string
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'keepsake-process-'))
  await writeStaticSite(join(root, 'dist'))
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

/** Runs `node --import tsx src/server/main.ts` as `npm run serve` does, on a free port. */
function startProcess(env: Record<string, string> = {}): Promise<Running> & { child: ChildProcess; running: Omit<Running, 'url' | 'origin'> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: PROJECT,
    env: { PATH: process.env.PATH, PORT: '0', DATA_DIR: join(root, 'data'), STATIC_DIR: join(root, 'dist'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: Record<string, any>[] = []
  const stderr: string[] = []
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  let pending = ''
  const listening = new Promise<Running>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      pending += text
      const complete = pending.split('\n')
      pending = complete.pop()!
      for (const line of complete) {
        const entry = JSON.parse(line) as Record<string, any>
        lines.push(entry)
        if (entry.msg === 'listening') {
          resolve({ child, lines, stderr, exited, url: entry.url, origin: entry.origins })
        }
      }
    })
    child.stderr!.setEncoding('utf8').on('data', (text: string) => stderr.push(text))
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening: ${stderr.join('')}`)))
  })
  return Object.assign(listening, { child, running: { child, lines, stderr, exited } })
}

function post(url: string, origin: string, path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(url + path, { method: 'POST', body, headers: { origin, 'content-type': 'application/json', ...headers } })
}

describe('the server process', () => {
  it('prints one listening line, serves, and on SIGTERM finishes the request in flight, then exits 0', async () => {
    const server = await startProcess()
    expect(server.lines.filter((l) => l.msg === 'listening')).toHaveLength(1)
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)

    // A sign-up whose verify request is still uploading when SIGTERM arrives.
    const key = new SoftAuthenticator(server.origin)
    const options = await (await post(server.url, server.origin, '/api/auth/register/options', '{"displayName":"Alice"}')).json()
    const body = JSON.stringify({ response: key.register((options as any).options), name: 'Laptop' })
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${server.url}/api/auth/register/verify`, {
        method: 'POST',
        headers: { origin: server.origin, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      }, (response) => {
        let text = ''
        response.setEncoding('utf8').on('data', (part: string) => (text += part))
        response.on('end', () => resolve({ status: response.statusCode!, text }))
      })
      req.on('error', reject)
      req.write(body.slice(0, 100))
      setTimeout(() => {
        server.child.kill('SIGTERM')
        setTimeout(() => req.end(body.slice(100)), 300)
      }, 100)
    })
    const finished = await answer
    expect(finished.status).toBe(200)
    const { accountId } = JSON.parse(finished.text) as { accountId: string }
    expect(await server.exited).toBe(0)
    expect(server.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down', 'stopped']))
    expect(server.lines.at(-1)).toMatchObject({ msg: 'stopped', forced: false })
    // Idle keep-alive connections do not hold the exit back until they time out (5 s).
    const at = (msg: string) => Date.parse(server.lines.find((l) => l.msg === msg)!.time)
    expect(at('stopped') - at('shutting down')).toBeLessThan(2000)
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow()

    // Nothing half-written: the database is whole and holds the account signed up in flight.
    const db = new Database(join(root, 'data', 'meta.sqlite'), { readonly: true })
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(db.prepare('SELECT display_name FROM accounts WHERE id = ?').get(accountId)).toEqual({ display_name: 'Alice' })
    expect(db.prepare('SELECT count(*) AS n FROM credentials').get()).toEqual({ n: 1 })
    db.close()
  })

  it('cuts requests still running at the shutdown deadline and exits 1', async () => {
    const server = await startProcess({ SHUTDOWN_TIMEOUT_MS: '300' })
    const stuck = new Promise<string>((resolve) => {
      const req = request(`${server.url}/api/auth/login/options`, {
        method: 'POST',
        headers: { origin: server.origin, 'content-type': 'application/json', 'content-length': '100' },
      })
      req.on('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? 'error'))
      req.on('response', () => resolve('answered'))
      req.write('{')
    })
    await new Promise((resolve) => setTimeout(resolve, 100))
    server.child.kill('SIGINT')
    expect(await server.exited).toBe(1)
    expect(await stuck).toBe('ECONNRESET')
    expect(server.lines.at(-1)).toMatchObject({ msg: 'stopped', forced: true })
  })

  it('refuses to start on a bad configuration, saying which value is wrong', async () => {
    const bad = startProcess({ PORT: 'eighty', LOG_LEVEL: 'loud' })
    await expect(bad).rejects.toThrow(/exited with 1/)
    const [line] = bad.running.lines
    expect(line).toMatchObject({ level: 'error', msg: 'invalid configuration' })
    expect(line!.problems).toMatch(/PORT must be a whole number/)
    expect(line!.problems).toMatch(/LOG_LEVEL must be one of/)
  })

  it('refuses to start without a built app', async () => {
    const bad = startProcess({ STATIC_DIR: join(root, 'nothing-here') })
    await expect(bad).rejects.toThrow(/exited with 1/)
    expect(bad.running.lines[0]!.problems).toMatch(/has no index.html \(build the app first: npm run build\)/)
  })

  it('says so when the port is taken', async () => {
    const first = await startProcess()
    const port = new URL(first.url).port
    const second = startProcess({ PORT: port, DATA_DIR: join(root, 'data2') })
    await expect(second).rejects.toThrow(/exited with 1/)
    expect(second.running.lines.at(-1)).toMatchObject({ msg: 'cannot listen', code: 'EADDRINUSE' })
    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)
  })

  it('keeps an idle keep-alive connection open past 5 s, so a request sent on it then is answered', async () => {
    const server = await startProcess()
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const get = () =>
      new Promise<{ status: number; port: number }>((resolve, reject) => {
        const req = request(`${server.url}/healthz`, { agent }, (response) => {
          response.resume()
          response.on('end', () => resolve({ status: response.statusCode!, port: req.socket!.localPort! }))
        })
        req.on('error', reject)
        req.end()
      })
    const first = await get()
    await new Promise((resolve) => setTimeout(resolve, 6000))
    const second = await get()
    agent.destroy()
    expect([first.status, second.status]).toEqual([200, 200])
    expect(second.port).toBe(first.port) // the same connection, not a new one
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
  }, 20_000)
})

/** The process on the scale-out stores (docs/SCALE.md), when test/services has started them. */
describe.runIf(scaleBackend)('the server process on S3 and PostgreSQL', () => {
  const aws = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('AWS_'))) as Record<string, string>

  it('names its stores, without credentials, and serves from them', async () => {
    const storage = await provisionStorage(scaleBackend)
    try {
      const url = new URL(storage.env.DATABASE_URL!)
      url.password = 'not-in-logs'
      const server = await startProcess({ ...aws, ...storage.env, DATABASE_URL: url.href })
      const listening = server.lines.find((l) => l.msg === 'listening')!
      expect(listening).toMatchObject({ blobStore: `s3://${storage.env.S3_BUCKET}/${storage.env.S3_PREFIX}`, metaStore: `postgres://${url.host}${url.pathname}` })
      expect(JSON.stringify(server.lines)).not.toContain('not-in-logs')
      expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok', checks: { meta: 'ok', blobs: 'ok' } })
      server.child.kill('SIGTERM')
      expect(await server.exited).toBe(0)
    } finally {
      await storage.dispose()
    }
  })

  it('refuses to start on a bucket that does not exist, saying so', async () => {
    const storage = await provisionStorage(scaleBackend)
    try {
      const bad = startProcess({ ...aws, ...storage.env, S3_BUCKET: 'no-such-bucket-here' })
      await expect(bad).rejects.toThrow(/exited with 1/)
      expect(bad.running.lines.at(-1)).toMatchObject({
        level: 'error',
        msg: 'cannot open the stores',
        blobStore: `s3://no-such-bucket-here/${storage.env.S3_PREFIX}`,
        message: 'blob store: cannot use bucket no-such-bucket-here: no such bucket (create it first)',
      })
    } finally {
      await storage.dispose()
    }
  })
})
