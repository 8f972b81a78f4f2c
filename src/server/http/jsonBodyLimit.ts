import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppEnv } from './AppEnv'
import { errorBody } from './ApiError'

/**
 * 413 `body-too-large` past `maxSize` bytes: from Content-Length before reading anything, or while
 * reading a chunked body (which it buffers, so it is for JSON bodies only; chunk uploads stream).
 */
export function jsonBodyLimit(maxSize: number): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize,
    onError: (c) => c.json(errorBody('body-too-large', `the body exceeds ${maxSize} bytes`), 413),
  })
}
