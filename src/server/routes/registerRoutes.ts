import { randomBytes } from 'node:crypto'
import { generateRegistrationOptions, verifyRegistrationResponse } from '@simplewebauthn/server'
import { Hono } from 'hono'
import { CHALLENGE_TTL_MS, consumeChallenge } from '../accounts/consumeChallenge'
import { startSession } from '../accounts/startSession'
import type { AppDeps, AppEnv } from '../http/AppEnv'
import { ApiError } from '../http/ApiError'
import { readJson } from '../http/readJson'
import { type CredentialRecord, DuplicateCredentialError } from '../stores/MetaStore'
import { RegisterOptionsBody, RegisterVerifyBody } from './apiSchemas'

const DEFAULT_CREDENTIAL_NAME = 'Passkey'

/**
 * Passkey registration. Signed out, it creates an account (prepared in the challenge, created only
 * when a registration verifies); signed in, it adds a passkey to the session's account.
 */
export function registerRoutes({ config, meta, clock }: AppDeps) {
  return new Hono<AppEnv>()
    .post('/options', async (c) => {
      const body = await readJson(c, RegisterOptionsBody)
      const session = c.get('session')
      const account = session ? await meta.getAccount(session.accountId) : null
      if (!account && !body.displayName) throw new ApiError('bad-request', 'displayName: required to create an account')
      const displayName = account?.displayName ?? body.displayName!
      const userHandle = account?.userHandle ?? new Uint8Array(randomBytes(32))
      const existing = account ? await meta.listCredentials(account.id) : []
      const options = await generateRegistrationOptions({
        rpName: config.rpName,
        rpID: config.rpId,
        userName: displayName,
        userDisplayName: displayName,
        userID: new Uint8Array(userHandle),
        timeout: CHALLENGE_TTL_MS,
        attestationType: 'none',
        excludeCredentials: existing.map((credential) => ({ id: credential.id, transports: credential.transports })),
        authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
      })
      await meta.putChallenge({
        challenge: options.challenge,
        purpose: 'register',
        accountId: account?.id ?? null,
        sessionHash: account ? session!.tokenHash : null,
        pendingAccount: account ? null : { userHandle, displayName },
        expiresAt: clock() + CHALLENGE_TTL_MS,
      })
      return c.json({ options })
    })
    .post('/verify', async (c) => {
      const { response, name } = await readJson(c, RegisterVerifyBody)
      const now = clock()
      const challenge = await consumeChallenge(meta, response.response.clientDataJSON, 'register', now)
      const session = c.get('session')
      if (challenge.accountId !== null) {
        const sameSession = session && session.accountId === challenge.accountId && Buffer.from(session.tokenHash).equals(challenge.sessionHash ?? new Uint8Array())
        if (!sameSession) throw new ApiError('challenge-invalid', 'the challenge was issued to another session')
      }
      const verification = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge.challenge,
        expectedOrigin: config.origins,
        expectedRPID: config.rpId,
        requireUserVerification: true,
      }).catch((e: unknown) => {
        throw new ApiError('webauthn-invalid', `the registration did not verify: ${(e as Error).message}`)
      })
      if (!verification.verified) throw new ApiError('webauthn-invalid', 'the registration did not verify')
      const info = verification.registrationInfo
      const accountId = challenge.accountId ?? randomBytes(16).toString('base64url')
      const credential: CredentialRecord = {
        id: info.credential.id,
        accountId,
        publicKey: info.credential.publicKey,
        counter: info.credential.counter,
        transports: info.credential.transports ?? [],
        backupEligible: info.credentialDeviceType === 'multiDevice',
        backedUp: info.credentialBackedUp,
        name: name ?? DEFAULT_CREDENTIAL_NAME,
        createdAt: now,
        lastUsedAt: null,
        canUnlock: false,
      }
      try {
        if (challenge.pendingAccount) {
          const account = { id: accountId, ...challenge.pendingAccount, createdAt: now }
          await startSession(c, { config, clock }, { accountId, credentialId: credential.id }, async (newSession, replace) => {
            await meta.createAccount(account, credential, newSession, replace)
            return true
          })
        } else {
          await meta.addCredential(credential)
        }
      } catch (e) {
        if (e instanceof DuplicateCredentialError) throw new ApiError('credential-exists', 'this passkey is already registered')
        throw e
      }
      return c.json({ accountId, credentialId: credential.id })
    })
}
