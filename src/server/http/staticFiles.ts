import { serveStatic } from '@hono/node-server/serve-static'
import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from './AppEnv'

/** Vite puts content-hashed files under /assets/: their bytes never change under one name. */
const IMMUTABLE = 'public, max-age=31536000, immutable'
/** Everything else (index.html, sw.js, the manifest, icons) is revalidated so updates reach users. */
const REVALIDATE = 'no-cache'

function cacheControl(c: Context): void {
  c.header('Cache-Control', c.req.path.startsWith('/assets/') ? IMMUTABLE : REVALIDATE)
}

/** A page load rather than a fetch of a file: the browser asks for HTML. */
function isNavigation(c: Context): boolean {
  const mode = c.req.header('sec-fetch-mode')
  if (mode) return mode === 'navigate'
  return (c.req.header('accept') ?? '').includes('text/html')
}

/**
 * The built PWA from `root`; navigations to paths with no file get index.html, so the app's own
 * routes survive a reload. Other misses fall through to the app's 404.
 */
export function staticFiles(root: string): MiddlewareHandler<AppEnv> {
  const files = serveStatic<AppEnv>({ root, onFound: (_path, c) => cacheControl(c) })
  const index = serveStatic<AppEnv>({ root, path: 'index.html', onFound: (_path, c) => c.header('Cache-Control', REVALIDATE) })
  return (c, next) => files(c, async () => {
    if (!isNavigation(c)) return next()
    const page = await index(c, next)
    if (page) c.res = page
  })
}
