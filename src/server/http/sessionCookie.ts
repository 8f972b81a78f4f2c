import { createHash, randomBytes } from 'node:crypto'
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { AppEnv } from './AppEnv'
import { ApiError } from './ApiError'
import type { SessionRecord } from '../stores/MetaStore'

export const SESSION_COOKIE = 'ks_session'
const TOKEN = /^[A-Za-z0-9_-]{43}$/

/** A new session token: 256 random bits for the cookie, and the SHA-256 the store keeps instead. */
export function newSessionToken(): { token: string; tokenHash: Uint8Array } {
  const token = randomBytes(32).toString('base64url')
  return { token, tokenHash: hashSessionToken(token) }
}

export function hashSessionToken(token: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(token).digest())
}

/** The hash of the request's session token, or `null` when it carries none (or a malformed one). */
export function sessionTokenHash(c: Context): Uint8Array | null {
  const token = getCookie(c, SESSION_COOKIE)
  return token && TOKEN.test(token) ? hashSessionToken(token) : null
}

/** Cookies are set only on state-changing requests, whose Origin was already checked against ORIGINS. */
function isHttps(c: Context): boolean {
  const origin = c.req.header('origin')
  return origin?.startsWith('https://') ?? new URL(c.req.url).protocol === 'https:'
}

export function setSessionCookie(c: Context, token: string, expiresAt: number, now: number): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/',
    secure: isHttps(c),
    maxAge: Math.floor((expiresAt - now) / 1000),
  })
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { httpOnly: true, sameSite: 'Strict', path: '/', secure: isHttps(c) })
}

/** The signed-in session, or a 401 `signed-out`. */
export function requireSession(c: Context<AppEnv>): SessionRecord {
  const session = c.get('session')
  if (!session) throw new ApiError('signed-out', 'sign in first')
  return session
}
