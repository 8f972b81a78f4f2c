import { Hono } from 'hono'
import { except } from 'hono/combine'
import { methodNotAllowed } from 'hono/method-not-allowed'
import { requestId } from 'hono/request-id'
import type { ServerConfig } from './config'
import { type Logger, createLogger } from './createLogger'
import type { AppDeps, AppEnv } from './http/AppEnv'
import { ApiError, errorBody } from './http/ApiError'
import { authRateLimit } from './http/authRateLimit'
import { jsonBodyLimit } from './http/jsonBodyLimit'
import { requestLog } from './http/requestLog'
import { requireOrigin } from './http/requireOrigin'
import { securityHeaders } from './http/securityHeaders'
import { sessionTokenHash } from './http/sessionCookie'
import { staticFiles } from './http/staticFiles'
import { accountRoutes } from './routes/accountRoutes'
import { chunkRoutes } from './routes/chunkRoutes'
import { healthRoutes } from './routes/healthRoutes'
import { keyRoutes } from './routes/keyRoutes'
import { loginRoutes } from './routes/loginRoutes'
import { registerRoutes } from './routes/registerRoutes'
import { snapshotRoutes } from './routes/snapshotRoutes'
import type { BlobStore } from './stores/BlobStore'
import type { MetaStore } from './stores/MetaStore'

export interface CreateAppOptions {
  config: ServerConfig
  blobs: BlobStore
  meta: MetaStore
  log?: Logger
  /** Milliseconds since the Unix epoch; tests move it to expire challenges and sessions. */
  clock?: () => number
}

const BACKUP_ROUTES = /^\/api\/(chunks|snapshots)(\/|$)/

/** The whole server as a fetch handler: /healthz, /api and the built PWA. It opens nothing itself. */
export function createApp({ config, blobs, meta, log = createLogger(config.logLevel), clock = Date.now }: CreateAppOptions) {
  const deps: AppDeps = { config, blobs, meta, log, clock }
  const app = new Hono<AppEnv>()

  app.use(requestId())
  app.use(requestLog(log))
  app.use(securityHeaders())
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) =>
        c.json(errorBody('method-not-allowed', `${c.req.method} is not allowed here; use ${methods.join(', ')}`), 405, {
          Allow: methods.join(', '),
        }),
    }),
  )

  app.route('/', healthRoutes(deps))

  const api = new Hono<AppEnv>()
  api.use(requireOrigin(config.origins))
  // Backup routes set their own limits: chunk uploads stream under MAX_CHUNK_BYTES, and a
  // missing-check or a snapshot commit is sized by its own bounds.
  api.use(except((c) => BACKUP_ROUTES.test(c.req.path), jsonBodyLimit(config.maxJsonBytes)))
  api.use(async (c, next) => {
    const tokenHash = sessionTokenHash(c)
    c.set('session', tokenHash ? await meta.getSession(tokenHash, clock()) : null)
    c.header('Cache-Control', 'no-store')
    await next()
  })
  api.use('/auth/*', authRateLimit({ meta, clock, limit: config.authRateLimit, trustProxy: config.trustProxy }))
  api.route('/auth/register', registerRoutes(deps))
  api.route('/auth', loginRoutes(deps))
  api.route('/', accountRoutes(deps))
  api.route('/keys', keyRoutes(deps))
  api.route('/chunks', chunkRoutes(deps))
  api.route('/snapshots', snapshotRoutes(deps))
  app.route('/api', api)

  const files = staticFiles(config.staticDir)
  app.use('*', async (c, next) => (c.req.path === '/api' || c.req.path.startsWith('/api/') ? next() : files(c, next)))

  app.notFound((c) => c.json(errorBody('not-found', `nothing at ${c.req.method} ${c.req.path.slice(0, 200)}`), 404))
  app.onError((err, c) => {
    if (err instanceof ApiError) return c.json(err.body, err.status, err.headers)
    log.error('unhandled error', { requestId: c.get('requestId'), error: err.name, message: err.message.slice(0, 500) })
    return c.json(errorBody('internal', 'the server failed to handle this request'), 500)
  })
  return app
}
