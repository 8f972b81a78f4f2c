import type { Context } from 'hono'
import * as v from 'valibot'
import { ApiError } from './ApiError'

/**
 * Reads the request body as JSON and validates it with `schema`. An empty body reads as `{}`.
 * Bad JSON, a non-JSON content type and a body of the wrong shape are 4xx {@link ApiError}s.
 */
export async function readJson<TSchema extends v.GenericSchema>(c: Context, schema: TSchema): Promise<v.InferOutput<TSchema>> {
  const text = await c.req.text()
  let json: unknown = {}
  if (text.trim() !== '') {
    const type = c.req.header('content-type') ?? ''
    if (!/^application\/json\s*(;|$)/i.test(type)) {
      throw new ApiError('unsupported-media-type', 'send the body as application/json')
    }
    try {
      json = JSON.parse(text)
    } catch {
      throw new ApiError('bad-json', 'the body is not valid JSON')
    }
  }
  const parsed = v.safeParse(schema, json)
  if (!parsed.success) {
    const issue = parsed.issues[0]
    const path = v.getDotPath(issue)
    throw new ApiError('bad-request', path ? `${path}: ${issue.message}` : issue.message)
  }
  return parsed.output
}
