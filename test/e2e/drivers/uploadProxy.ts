import { createServer, request, Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { launchProfile, test as base } from '../fixtures'
import { freePort } from './server'

/** One chunk upload as the proxy saw it: the bytes of its body that reached the server side. */
export interface SeenPut {
  id: string
  bytes: number
  status: number | null
}

const CHUNK_PUT = /^\/api\/chunks\/([0-9a-f]{64})$/

/**
 * A reverse proxy in front of the Keepsake server, as a load balancer would sit, that counts the
 * body bytes of every chunk upload it forwards (what the server received), can hold answers to
 * chunk uploads back (a slow, far-away link) and answers 502 while the server is down.
 */
export class UploadProxy {
  readonly puts: SeenPut[] = []
  /** Milliseconds each chunk upload's answer is held back. */
  answerDelayMs = 0
  private readonly agent = new Agent({ keepAlive: true })

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly target: number,
  ) {
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.forward(req, res))
  }

  static async start(port: number, target: number): Promise<UploadProxy> {
    const server = createServer()
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve))
    return new UploadProxy(server, port, target)
  }

  get url(): string {
    return `http://localhost:${this.port}`
  }

  /** Body bytes of every chunk upload the server side received (whole or cut off). */
  get bytesReceived(): number {
    return this.puts.reduce((sum, put) => sum + put.bytes, 0)
  }

  /** Body bytes of the chunk uploads the server answered (whole bodies, not cut off on the way). */
  get bytesAnswered(): number {
    return this.puts.filter((put) => put.status !== null).reduce((sum, put) => sum + put.bytes, 0)
  }

  /** Chunk uploads whose body was cut off before the server answered (a reload, a lost connection). */
  get cutOff(): number {
    return this.puts.filter((put) => put.status === null).length
  }

  /** Chunk ids uploaded more than once with a stored answer (201), which must never happen. */
  storedTwice(): string[] {
    const stored = this.puts.filter((p) => p.status === 201).map((p) => p.id)
    return stored.filter((id, i) => stored.indexOf(id) !== i)
  }

  async waitForBytes(bytes: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (this.bytesReceived < bytes) {
      if (Date.now() > deadline) throw new Error(`only ${this.bytesReceived} of ${bytes} bytes arrived within ${timeoutMs} ms`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.agent.destroy()
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const id = req.method === 'PUT' ? CHUNK_PUT.exec(req.url ?? '')?.[1] : undefined
    const seen: SeenPut | undefined = id ? { id, bytes: 0, status: null } : undefined
    if (seen) {
      this.puts.push(seen)
      req.on('data', (part: Buffer) => (seen.bytes += part.length))
    }
    const upstream = request({ host: '127.0.0.1', port: this.target, method: req.method, path: req.url, headers: req.headers, agent: this.agent }, (answer) => {
      if (seen) seen.status = answer.statusCode ?? null
      const send = () => {
        if (res.destroyed) return answer.resume()
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
      if (seen && this.answerDelayMs > 0) setTimeout(send, this.answerDelayMs)
      else send()
    })
    upstream.on('error', () => {
      if (res.headersSent) return void res.destroy()
      res.writeHead(502, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      res.end(JSON.stringify({ error: { code: 'bad-gateway', message: 'the server is not answering' } }))
    })
    req.on('close', () => {
      if (!req.complete) upstream.destroy()
    })
    req.pipe(upstream)
  }
}

/**
 * The stories' fixtures with the browser talking to the server through an UploadProxy: the server
 * allows the proxy's origin, and the profile opens the proxy's URL.
 */
export const test = base.extend<{ proxyPort: number; gateway: UploadProxy }>({
  proxyPort: async ({}, use) => use(await freePort()),
  serverEnv: async ({ proxyPort }, use) => use({ ORIGINS: `http://localhost:${proxyPort}` }),
  gateway: async ({ proxyPort, server }, use) => {
    const proxy = await UploadProxy.start(proxyPort, server.port)
    await use(proxy)
    await proxy.stop()
  },
  context: async ({ gateway }, use) => {
    const profile = await launchProfile(gateway.url)
    await use(profile.context)
    await profile.dispose()
  },
})
