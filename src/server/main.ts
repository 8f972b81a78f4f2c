/**
 * The Keepsake server process: `node --import tsx src/server/main.ts`. Reads the environment
 * (src/server/config.ts, docs/SERVER.md), opens the stores (DATA_DIR by default; S3 and
 * PostgreSQL per docs/SCALE.md), serves the PWA and /api,
 * and on SIGTERM/SIGINT stops accepting, lets in-flight requests finish, closes the stores, exits 0.
 */
import { existsSync } from 'node:fs'
import type { Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { createAdaptorServer } from '@hono/node-server'
import { createApp } from './app'
import { collectGarbage } from './backups/collectGarbage'
import { ConfigError, type ServerConfig, loadConfig } from './config'
import { type Logger, createLogger } from './createLogger'
import { describeStores, openStores } from './stores/openStores'

const PURGE_INTERVAL_MS = 10 * 60_000
/** Garbage collection of unreferenced chunks runs hourly, the first time a minute after start. */
const GC_INTERVAL_MS = 60 * 60_000
const GC_FIRST_RUN_MS = 60_000
/**
 * Idle keep-alive connections stay open longer than load balancers and clients keep theirs
 * (60 s is common), so the server never closes one just as a request is sent on it (Node's
 * default of 5 s races the client's reuse and the request fails with ECONNRESET).
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000

function readConfig(): ServerConfig {
  try {
    const config = loadConfig(process.env)
    if (!existsSync(join(config.staticDir, 'index.html'))) {
      throw new ConfigError([`STATIC_DIR: ${config.staticDir} has no index.html (build the app first: npm run build)`])
    }
    return config
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e
    createLogger('error').error('invalid configuration', { problems: e.problems.join('; ') })
    process.exit(1)
  }
}

async function main(): Promise<void> {
  let config = readConfig()
  const log = createLogger(config.logLevel)
  const { meta, blobs } = await openStores(config, log).catch((e: Error) => {
    log.error('cannot open the stores', { ...describeStores(config), message: e.message })
    process.exit(1)
  })

  let handle: ReturnType<typeof createApp> | undefined
  const server = createAdaptorServer({ fetch: (request, env) => handle!.fetch(request, env) }) as Server
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000
  server.on('error', async (e: NodeJS.ErrnoException) => {
    log.error('cannot listen', { host: config.host, port: config.port, code: e.code ?? null, message: e.message })
    await Promise.allSettled([blobs.close(), meta.close()])
    process.exit(1)
  })
  server.listen(config.port, config.host, () => {
    const { port } = server.address() as AddressInfo
    // With PORT=0 the default origin can only be known once the port is.
    if (!process.env.ORIGINS && config.port === 0) config = { ...config, origins: [`http://localhost:${port}`] }
    handle = createApp({ config, blobs, meta, log })
    const host = config.host.includes(':') ? `[${config.host}]` : config.host
    log.info('listening', { url: `http://${host}:${port}`, origins: config.origins.join(','), rpId: config.rpId, ...describeStores(config) })
  })

  const purge = setInterval(() => {
    meta.purgeExpired(Date.now()).catch((e: Error) => log.warn('purge failed', { message: e.message }))
  }, PURGE_INTERVAL_MS)
  purge.unref()

  let collecting = false
  const collect = async () => {
    if (collecting || stopping) return
    collecting = true
    try {
      const report = await collectGarbage({ config, meta, blobs, clock: Date.now, log })
      if (report.chunksReleased || report.blobsDeleted || report.failures) log.info('garbage collected', { ...report })
    } catch (e) {
      log.warn('garbage collection failed', { message: (e as Error).message })
    } finally {
      collecting = false
    }
  }
  const firstCollection = setTimeout(() => void collect(), GC_FIRST_RUN_MS)
  const gc = setInterval(() => void collect(), GC_INTERVAL_MS)
  firstCollection.unref()
  gc.unref()

  // Keep-alive connections would hold shutdown until they time out: answers given while stopping
  // close their connection, and each finished answer lets idle connections go.
  let stopping = false
  const inFlight = new Set<ServerResponse>()
  server.on('request', (_request, response: ServerResponse) => {
    inFlight.add(response)
    if (stopping) response.setHeader('Connection', 'close')
    response.on('close', () => {
      inFlight.delete(response)
      if (stopping) server.closeIdleConnections()
    })
  })
  const shutdown = (signal: string) => {
    if (stopping) return
    stopping = true
    for (const response of inFlight) if (!response.headersSent) response.setHeader('Connection', 'close')
    clearInterval(purge)
    clearTimeout(firstCollection)
    clearInterval(gc)
    log.info('shutting down', { signal })
    let forced = false
    const deadline = setTimeout(() => {
      forced = true
      log.warn('shutdown timeout: closing connections with requests still running', { timeoutMs: config.shutdownTimeoutMs })
      server.closeAllConnections()
    }, config.shutdownTimeoutMs)
    server.close(() => void stopped(log, deadline, forced, async () => Promise.all([blobs.close(), meta.close()])))
    server.closeIdleConnections()
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
}

async function stopped(log: Logger, deadline: NodeJS.Timeout, forced: boolean, closeStores: () => Promise<unknown>) {
  clearTimeout(deadline)
  try {
    await closeStores()
  } catch (e) {
    log.error('closing the stores failed', { message: (e as Error).message })
    process.exit(1)
  }
  log.info('stopped', { forced })
  process.exit(forced ? 1 : 0)
}

await main()
