import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from './AppEnv'
import { ApiError } from './ApiError'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * State-changing requests must come from one of the configured origins (403 `bad-origin`): with
 * SameSite=Strict cookies this closes cross-site request forgery, also for clients that send no
 * Fetch Metadata.
 */
export function requireOrigin(origins: readonly string[]): MiddlewareHandler<AppEnv> {
  const allowed = new Set(origins)
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method)) {
      const origin = c.req.header('origin')
      if (!origin || !allowed.has(origin)) {
        throw new ApiError('bad-origin', origin ? `requests from ${origin.slice(0, 100)} are not accepted` : 'the request has no Origin header')
      }
    }
    await next()
  }
}
