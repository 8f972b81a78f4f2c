import type { Context } from 'hono'
import type { AppDeps, AppEnv } from '../http/AppEnv'
import { newSessionToken, sessionTokenHash, setSessionCookie } from '../http/sessionCookie'
import type { SessionRecord } from '../stores/MetaStore'

/**
 * A fresh session for a sign-in: a new token every time (the old session, if the request had
 * one, is replaced), so a token planted before sign-in is worthless after it. `persist` stores
 * it (with whatever else must change in the same transaction) and answers whether it did; only
 * then is the cookie set.
 */
export async function startSession(
  c: Context<AppEnv>,
  deps: Pick<AppDeps, 'config' | 'clock'>,
  owner: { accountId: string; credentialId: string | null },
  persist: (session: SessionRecord, replaceSessionHash: Uint8Array | null) => Promise<boolean>,
): Promise<boolean> {
  const now = deps.clock()
  const { token, tokenHash } = newSessionToken()
  const session: SessionRecord = { tokenHash, ...owner, createdAt: now, expiresAt: now + deps.config.sessionTtlHours * 3_600_000 }
  const stored = await persist(session, sessionTokenHash(c))
  if (stored) setSessionCookie(c, token, session.expiresAt, now)
  return stored
}
