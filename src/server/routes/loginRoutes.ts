import { createHash, timingSafeEqual } from 'node:crypto'
import { generateAuthenticationOptions, verifyAuthenticationResponse } from '@simplewebauthn/server'
import { Hono } from 'hono'
import { CHALLENGE_TTL_MS, consumeChallenge } from '../accounts/consumeChallenge'
import { keysJson } from '../accounts/keysJson'
import { startSession } from '../accounts/startSession'
import type { AppDeps, AppEnv } from '../http/AppEnv'
import { ApiError } from '../http/ApiError'
import { readJson } from '../http/readJson'
import { clearSessionCookie, requireSession, sessionTokenHash } from '../http/sessionCookie'
import { LoginOptionsBody, LoginVerifyBody, RecoveryBody } from './apiSchemas'

/** Compared against when a recovery id is unknown, so both failures take the same work. */
const NO_AUTH_HASH = new Uint8Array(32)

/** Sign-in with a passkey (discoverable, or scoped to the session's account), with a recovery key, and sign-out. */
export function loginRoutes({ config, meta, clock }: AppDeps) {
  return new Hono<AppEnv>()
    .post('/login/options', async (c) => {
      const { scope } = await readJson(c, LoginOptionsBody)
      const session = scope === 'account' ? requireSession(c) : null
      const credentials = session ? await meta.listCredentials(session.accountId) : []
      const options = await generateAuthenticationOptions({
        rpID: config.rpId,
        allowCredentials: credentials.map((credential) => ({ id: credential.id, transports: credential.transports })),
        timeout: CHALLENGE_TTL_MS,
        userVerification: 'required',
      })
      await meta.putChallenge({
        challenge: options.challenge,
        purpose: 'login',
        accountId: session?.accountId ?? null,
        sessionHash: session?.tokenHash ?? null,
        pendingAccount: null,
        expiresAt: clock() + CHALLENGE_TTL_MS,
      })
      return c.json({ options })
    })
    .post('/login/verify', async (c) => {
      const { response } = await readJson(c, LoginVerifyBody)
      const now = clock()
      const challenge = await consumeChallenge(meta, response.response.clientDataJSON, 'login', now)
      const credential = await meta.findCredential(response.id)
      if (!credential) throw new ApiError('credential-unknown', 'this passkey is not registered here')
      if (challenge.accountId !== null && credential.accountId !== challenge.accountId) {
        throw new ApiError('challenge-invalid', "the challenge was issued for another account's passkeys")
      }
      const account = await meta.getAccount(credential.accountId)
      if (!account) throw new Error('server: internal error: credential without account')
      const { userHandle } = response.response
      if (userHandle !== undefined && userHandle !== Buffer.from(account.userHandle).toString('base64url')) {
        throw new ApiError('webauthn-invalid', 'the user handle does not match the passkey')
      }
      const verification = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge.challenge,
        expectedOrigin: config.origins,
        expectedRPID: config.rpId,
        credential: { id: credential.id, publicKey: new Uint8Array(credential.publicKey), counter: credential.counter, transports: credential.transports },
        requireUserVerification: true,
      }).catch((e: unknown) => {
        throw new ApiError('webauthn-invalid', `the sign-in did not verify: ${(e as Error).message}`)
      })
      if (!verification.verified) throw new ApiError('webauthn-invalid', 'the sign-in did not verify')
      const { newCounter, credentialBackedUp } = verification.authenticationInfo
      const use = { credentialId: credential.id, expectedCounter: credential.counter, counter: newCounter, backedUp: credentialBackedUp, usedAt: now }
      const signedIn = await startSession(c, { config, clock }, { accountId: account.id, credentialId: credential.id }, (session, replace) =>
        meta.signIn(use, session, replace),
      )
      if (!signedIn) throw new ApiError('webauthn-invalid', 'the passkey was used by another sign-in at the same moment')
      return c.json({ accountId: account.id, credentialId: credential.id, keys: keysJson(await meta.getKeys(account.id)) })
    })
    .post('/recovery', async (c) => {
      const { recoveryId, recoveryAuth } = await readJson(c, RecoveryBody)
      const found = await meta.findRecovery(recoveryId)
      const authHash = createHash('sha256').update(recoveryAuth).digest()
      const matches = timingSafeEqual(authHash, found?.authHash ?? NO_AUTH_HASH) && found !== null
      if (!found || !matches) throw new ApiError('recovery-key-invalid', 'this recovery key does not open any account')
      await startSession(c, { config, clock }, { accountId: found.accountId, credentialId: null }, async (session, replace) => {
        await meta.createSession(session, replace)
        return true
      })
      return c.json({ accountId: found.accountId, keys: keysJson(await meta.getKeys(found.accountId)) })
    })
    .post('/logout', async (c) => {
      const tokenHash = sessionTokenHash(c)
      if (tokenHash) await meta.deleteSession(tokenHash)
      clearSessionCookie(c)
      return c.body(null, 204)
    })
}
