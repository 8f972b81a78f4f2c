import type { MiddlewareHandler } from 'hono'
import type { Logger } from '../createLogger'
import type { AppEnv } from './AppEnv'

/**
 * One log line per request: method, path (no query string: it may carry tokens), status,
 * duration and request id. Never bodies, cookies or keys.
 */
export function requestLog(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now()
    try {
      await next()
    } finally {
      const fields = {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        requestId: c.get('requestId'),
      }
      if (c.res.status >= 500) log.error('request', fields)
      else log.info('request', fields)
    }
  }
}
