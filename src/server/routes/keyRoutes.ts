import { createHash } from 'node:crypto'
import { Hono } from 'hono'
import { keysJson } from '../accounts/keysJson'
import type { AppDeps, AppEnv } from '../http/AppEnv'
import { ApiError } from '../http/ApiError'
import { readJson } from '../http/readJson'
import { requireSession } from '../http/sessionCookie'
import { assertRemoved } from './accountRoutes'
import { PasskeyEnvelopeBody, RecoveryEnvelopeBody } from './apiSchemas'

/**
 * Key envelopes: the master key wrapped by the browser, once per passkey (PRF) and once for the
 * recovery key. The server keeps them as opaque bytes; of the recovery key it sees only a lookup
 * id and the SHA-256 of an authenticator derived from it.
 */
export function keyRoutes({ meta, clock }: AppDeps) {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const session = requireSession(c)
      return c.json(keysJson(await meta.getKeys(session.accountId)))
    })
    .put('/passkey/:credentialId', async (c) => {
      const session = requireSession(c)
      const { envelope } = await readJson(c, PasskeyEnvelopeBody)
      const stored = await meta.putPasskeyEnvelope(session.accountId, c.req.param('credentialId'), envelope, clock())
      if (!stored) throw new ApiError('not-found', 'no such passkey')
      return c.body(null, 204)
    })
    .delete('/passkey/:credentialId', async (c) => {
      const session = requireSession(c)
      assertRemoved(await meta.deletePasskeyEnvelope(session.accountId, c.req.param('credentialId')))
      return c.body(null, 204)
    })
    .put('/recovery', async (c) => {
      const session = requireSession(c)
      const { envelope, recoveryId, recoveryAuth } = await readJson(c, RecoveryEnvelopeBody)
      const authHash = new Uint8Array(createHash('sha256').update(recoveryAuth).digest())
      const result = await meta.putRecoveryEnvelope(session.accountId, { recoveryId, authHash, envelope }, clock())
      if (result === 'recovery-id-taken') throw new ApiError('recovery-id-taken', 'this recovery id belongs to another account')
      return c.body(null, 204)
    })
}
