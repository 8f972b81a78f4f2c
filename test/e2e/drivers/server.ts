import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const projectDir = resolve(import.meta.dirname, '../../..')

export interface ServerOptions {
  /** Extra environment for the server process. */
  env?: Record<string, string>
  /** Directory of the built app to serve (default: the project's dist/). */
  staticDir?: string
  /** Data directory to use (default: a fresh temporary one, removed by dispose()). */
  dataDir?: string
  port?: number
}

/** A real Keepsake server process on 127.0.0.1, started and stopped by the PID this driver holds. */
export class KeepsakeServer {
  readonly port: number
  readonly dataDir: string
  readonly url: string
  private child: ChildProcess | undefined
  private output = ''
  private readonly ownsDataDir: boolean

  private constructor(private readonly opts: ServerOptions, port: number, dataDir: string, ownsDataDir: boolean) {
    this.port = port
    this.dataDir = dataDir
    this.ownsDataDir = ownsDataDir
    this.url = `http://localhost:${port}`
  }

  static async launch(opts: ServerOptions = {}): Promise<KeepsakeServer> {
    const port = opts.port ?? (await freePort())
    const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'keepsake-data-')))
    const server = new KeepsakeServer(opts, port, dataDir, !opts.dataDir)
    await server.start()
    return server
  }

  get pid(): number | undefined {
    return this.child?.pid
  }

  /** Everything the server printed (JSON log lines), for assertions and failure reports. */
  get logs(): string {
    return this.output
  }

  async start(): Promise<void> {
    if (this.child) throw new Error('server already running')
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      cwd: projectDir,
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(this.port),
        DATA_DIR: this.dataDir,
        STATIC_DIR: this.opts.staticDir ?? join(projectDir, 'dist'),
        RP_ID: 'localhost',
        ORIGINS: this.url,
        LOG_LEVEL: 'info',
        ...this.opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child = child
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()))
    child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()))
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code, signal) =>
        reject(new Error(`server exited during start-up (code ${code}, signal ${signal}):\n${this.output}`)),
      ),
    )
    await Promise.race([this.waitHealthy(), exited])
    child.removeAllListeners('exit')
  }

  private async waitHealthy(): Promise<void> {
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline) {
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}/healthz`)
        if (res.ok) return
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`server did not become healthy within 30 s:\n${this.output}`)
  }

  /** Graceful stop (SIGTERM), waiting for the process to exit. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM')
  }

  /** Abrupt stop (SIGKILL): a crash or a pulled plug. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL')
  }

  async restart(): Promise<void> {
    await this.stop()
    await this.start()
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child
    if (!child) return
    this.child = undefined
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise<void>((r) => child.once('exit', () => r()))
    child.kill(signal)
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    await exited
    clearTimeout(timer)
  }

  async dispose(): Promise<void> {
    await this.stop()
    if (this.ownsDataDir) await rm(this.dataDir, { recursive: true, force: true })
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      if (!address || typeof address === 'string') return reject(new Error('no port'))
      srv.close(() => resolvePort(address.port))
    })
  })
}
