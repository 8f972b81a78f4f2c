import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAdaptorServer } from '@hono/node-server'
import { createApp } from '../../src/server/app'
import { type GarbageReport, collectGarbage } from '../../src/server/backups/collectGarbage'
import { type ServerConfig, loadConfig } from '../../src/server/config'
import { type Logger, createLogger } from '../../src/server/createLogger'
import type { BlobStore } from '../../src/server/stores/BlobStore'
import type { MetaStore } from '../../src/server/stores/MetaStore'
import { ApiClient } from './ApiClient'
import { type Backend, type TestStorage, provisionStorage } from './backends'

/** A small built PWA: the kinds of file the real dist/ holds. */
export async function writeStaticSite(dir: string): Promise<void> {
  await mkdir(join(dir, 'assets'), { recursive: true })
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Keepsake</title><div id="root"></div>')
  await writeFile(join(dir, 'assets', 'index-Bx7f3a9c.js'), 'console.log("app")')
  await writeFile(join(dir, 'assets', 'hash-Dk29sl1q.wasm'), Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0))
  await writeFile(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {})')
  await writeFile(join(dir, 'manifest.webmanifest'), '{"name":"Keepsake"}')
}

export interface TestServer {
  /** Where requests go: http://127.0.0.1:<port> */
  url: string
  /** The browser origin the server accepts: http://localhost:<port> */
  origin: string
  dataDir: string
  meta: MetaStore
  blobs: BlobStore
  /** The server's storage, seen from outside (rows, blob keys, a second pair of stores). */
  storage: TestStorage
  /** The server's clock (ms); tests move it forward. */
  clock: { now: number }
  logLines: Record<string, unknown>[]
  config: ServerConfig
  client(origin?: string): ApiClient
  /** One garbage collection run, as the server process runs it hourly, at the server's clock. */
  collectGarbage(): Promise<GarbageReport>
  close(): Promise<void>
}

/**
 * createApp served on an ephemeral port with the real stores of `backend` (default: a temporary
 * DATA_DIR; or S3 + PostgreSQL, see backends.ts), each server on storage of its own.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  options: { extraOrigins?: string[]; backend?: Backend } = {},
): Promise<TestServer> {
  const root = await mkdtemp(join(tmpdir(), 'keepsake-server-'))
  const staticDir = join(root, 'dist')
  await writeStaticSite(staticDir)
  const storage = await provisionStorage(options.backend)
  const dataDir = storage.dataDir
  const clock = { now: Date.now() }
  const logLines: Record<string, unknown>[] = []
  const log: Logger = createLogger('debug', (line) => void logLines.push(JSON.parse(line) as Record<string, unknown>))

  let app: ReturnType<typeof createApp> | undefined
  const server = createAdaptorServer({ fetch: (request, bindings) => app!.fetch(request, bindings) }) as Server
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const origin = `http://localhost:${port}`
  const config = loadConfig({ ...storage.env, STATIC_DIR: staticDir, ORIGINS: [origin, ...(options.extraOrigins ?? [])].join(','), AUTH_RATE_LIMIT: '10000', ...env })
  const { meta, blobs } = await storage.open(config)
  app = createApp({ config, blobs, meta, log, clock: () => clock.now })
  const url = `http://127.0.0.1:${port}`

  return {
    url,
    origin,
    dataDir,
    meta,
    blobs,
    storage,
    clock,
    logLines,
    config,
    client: (clientOrigin = origin) => new ApiClient(url, clientOrigin),
    collectGarbage: () => collectGarbage({ config, meta, blobs, log, clock: () => clock.now }),
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await meta.close()
      await blobs.close()
      await storage.dispose()
      await rm(root, { recursive: true, force: true })
    },
  }
}
