import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context, MiddlewareHandler } from 'hono'
import { type Store, rateLimiter } from 'hono-rate-limiter'
import type { MetaStore } from '../stores/MetaStore'
import type { AppEnv } from './AppEnv'
import { errorBody } from './ApiError'

const WINDOW_MS = 60_000

/** hono-rate-limiter's counter kept in the MetaStore, so the limit holds across server processes. */
class MetaRateLimitStore implements Store<AppEnv> {
  readonly prefix = 'auth:'
  readonly localKeys = false
  constructor(
    private readonly meta: MetaStore,
    private readonly clock: () => number,
  ) {}

  async increment(key: string) {
    const { hits, resetAt } = await this.meta.hitRateLimit(this.prefix + key, WINDOW_MS, this.clock())
    return { totalHits: hits, resetTime: new Date(resetAt) }
  }
  async decrement(key: string) {
    await this.meta.undoRateLimitHit(this.prefix + key)
  }
  async resetKey(key: string) {
    await this.meta.resetRateLimit(this.prefix + key)
  }
}

/** The client's IP: the socket's peer, or the last X-Forwarded-For entry (the one our proxy added) when trusted. */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim()
    if (forwarded) return forwarded
  }
  return getConnInfo(c).remote.address ?? 'unknown'
}

/** `limit` requests per minute per client IP; beyond, 429 `rate-limited` with Retry-After. */
export function authRateLimit(opts: { meta: MetaStore; clock: () => number; limit: number; trustProxy: boolean }): MiddlewareHandler<AppEnv> {
  return rateLimiter<AppEnv>({
    windowMs: WINDOW_MS,
    limit: opts.limit,
    standardHeaders: 'draft-6',
    keyGenerator: (c) => clientIp(c, opts.trustProxy),
    store: new MetaRateLimitStore(opts.meta, opts.clock),
    handler: (c) => c.json(errorBody('rate-limited', 'too many sign-in requests from this address; try again later'), 429),
  })
}
