import { translateDbError } from '../db/translateDbError'
import { AppError, isAppError, type ErrorCode } from '../errors'
import { nextAttemptAt } from './retryPolicy'
import { isRetryable } from './transport'

/** What a failed request means for the work it carried. */
export type Verdict =
  /** Stopped on purpose (paused, closing): put the work back, no attempt counted. */
  | { kind: 'aborted' }
  /** The device is offline: put the work back, no attempt counted, wait for the connection. */
  | { kind: 'offline' }
  /** Worth another try at `at`: count an attempt. `details.status`: the HTTP status, if one came. */
  | { kind: 'retry'; at: number; code: ErrorCode; details: Record<string, number> }
  /** Will fail again until the person acts (sign in, free space…): stop and say why. */
  | { kind: 'failed'; code: ErrorCode; details: Record<string, number> }

export interface FailureContext {
  /** The request was aborted by the drainer itself. */
  aborted: boolean
  online: boolean
  /** The attempt that failed (1 for the first). */
  attempt: number
  now: number
  random?: () => number
}

/**
 * The upload queue's one rule for failures: offline (by this context's connectivity) waits for the
 * connection without spending attempts; a failed fetch while online (an unreachable or restarting
 * server), a timeout and the retryable statuses back off, honouring `Retry-After`; everything else
 * stops with its code. Errors that are not the transport's or the database's are bugs: rethrown.
 */
export function judgeFailure(e: unknown, context: FailureContext): Verdict {
  if (context.aborted) return context.online ? { kind: 'aborted' } : { kind: 'offline' }
  const error = (e as { name?: string } | null)?.name === 'TimeoutError' ? new AppError('offline', 'The request timed out', { cause: e, details: { retryable: 1 } }) : translateDbError(e)
  if (!isAppError(error)) throw error
  if (error.code === 'offline' && !context.online) return { kind: 'offline' }
  const details: Record<string, number> = {}
  for (const [name, value] of Object.entries(error.details)) if (typeof value === 'number' && name !== 'retryable') details[name] = value
  if (isRetryable(error)) {
    const at = nextAttemptAt(context.attempt, context.now, details.retryAfterMs ?? null, context.random)
    return { kind: 'retry', at, code: error.code, details }
  }
  return { kind: 'failed', code: error.code, details }
}
