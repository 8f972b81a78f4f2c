import { Hono } from 'hono'
import type { AppDeps, AppEnv } from '../http/AppEnv'

/** GET /healthz: 200 when both stores answer, 503 naming the one that does not. */
export function healthRoutes({ meta, blobs, log }: AppDeps) {
  return new Hono<AppEnv>().get('/healthz', async (c) => {
    const [metaCheck, blobCheck] = await Promise.allSettled([meta.check(), blobs.check()])
    const checks = { meta: metaCheck.status === 'fulfilled' ? 'ok' : 'failing', blobs: blobCheck.status === 'fulfilled' ? 'ok' : 'failing' }
    const healthy = checks.meta === 'ok' && checks.blobs === 'ok'
    if (!healthy) log.warn('health check failing', { meta: checks.meta, blobs: checks.blobs })
    c.header('Cache-Control', 'no-store')
    return c.json({ status: healthy ? 'ok' : 'failing', checks }, healthy ? 200 : 503)
  })
}
