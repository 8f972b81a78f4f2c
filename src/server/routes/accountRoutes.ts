import { Hono } from 'hono'
import type { AppDeps, AppEnv } from '../http/AppEnv'
import { ApiError } from '../http/ApiError'
import { readJson } from '../http/readJson'
import { requireSession } from '../http/sessionCookie'
import type { CredentialRecord, RemovalResult } from '../stores/MetaStore'
import { RenameBody } from './apiSchemas'

/** A credential as the API shows it (never its public key or counter). */
export function credentialJson(credential: CredentialRecord) {
  return {
    id: credential.id,
    name: credential.name,
    createdAt: new Date(credential.createdAt).toISOString(),
    lastUsedAt: credential.lastUsedAt === null ? null : new Date(credential.lastUsedAt).toISOString(),
    transports: credential.transports,
    backupEligible: credential.backupEligible,
    backedUp: credential.backedUp,
    canUnlock: credential.canUnlock,
  }
}

/** Turns a refused removal into its answer; another account's credential is simply not found. */
export function assertRemoved(result: RemovalResult): void {
  if (result === 'not-found') throw new ApiError('not-found', 'no such passkey')
  if (result === 'last-credential') throw new ApiError('last-credential', 'this is the account’s only passkey; add another one first')
  if (result === 'last-unlock-method') {
    throw new ApiError('last-unlock-method', 'this passkey holds the last way to unlock backups; add another passkey or a recovery key first')
  }
}

/** The signed-in account and its passkeys. Everything is scoped by the session's account. */
export function accountRoutes({ meta }: AppDeps) {
  return new Hono<AppEnv>()
    .get('/account', async (c) => {
      const session = requireSession(c)
      const account = await meta.getAccount(session.accountId)
      if (!account) throw new ApiError('signed-out', 'the account no longer exists')
      return c.json({
        accountId: account.id,
        displayName: account.displayName,
        createdAt: new Date(account.createdAt).toISOString(),
        credentialId: session.credentialId,
      })
    })
    .get('/credentials', async (c) => {
      const session = requireSession(c)
      return c.json((await meta.listCredentials(session.accountId)).map(credentialJson))
    })
    .patch('/credentials/:id', async (c) => {
      const session = requireSession(c)
      const { name } = await readJson(c, RenameBody)
      const credential = await meta.renameCredential(session.accountId, c.req.param('id'), name)
      if (!credential) throw new ApiError('not-found', 'no such passkey')
      return c.json(credentialJson(credential))
    })
    .delete('/credentials/:id', async (c) => {
      const session = requireSession(c)
      assertRemoved(await meta.deleteCredential(session.accountId, c.req.param('id'), session.tokenHash))
      return c.body(null, 204)
    })
}
