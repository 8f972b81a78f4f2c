import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ApiClient } from './ApiClient'
import { dbSnapshot } from './dbSnapshot'
import { addPasskey, b64, bytesOf, signUp } from './passkeyFlows'
import { SoftAuthenticator } from './softAuthenticator'
import { backends } from './backends'
import { type TestServer, startTestServer } from './startTestServer'
describe.each(backends)('on $name', (backend) => {
  let server: TestServer
  let alice: ApiClient
  let first: string

  beforeEach(async () => {
    server = await startTestServer({}, { backend })
    alice = server.client()
    first = (await signUp(alice, new SoftAuthenticator(server.origin))).credentialId
  })
  afterEach(async () => {
    await server.close()
  })

  async function expectRefusal(act: () => Promise<{ status: number; body: any }>, code: string) {
    const before = (await dbSnapshot(server))
    const answer = await act()
    expect(answer.status).toBe(409)
    expect(answer.body.error.code).toBe(code)
    expect((await dbSnapshot(server))).toEqual(before)
  }

  const envelope = (seed: number) => ({ envelope: b64(bytesOf(94, seed)) })
  const recovery = { envelope: b64(bytesOf(94, 50)), recoveryId: b64(bytesOf(16, 51)), recoveryAuth: b64(bytesOf(32, 52)) }

  describe('an account keeps a passkey and a way to unlock its backups', () => {
    it("refuses to remove the account's only passkey", async () => {
      await expectRefusal(() => alice.delete(`/api/credentials/${first}`), 'last-credential')
      await alice.put('/api/keys/recovery', recovery)
      await expectRefusal(() => alice.delete(`/api/credentials/${first}`), 'last-credential')
    })

    it('refuses to remove the passkey that holds the last envelope', async () => {
      const second = (await addPasskey(alice, new SoftAuthenticator(server.origin))).credentialId
      expect((await alice.put(`/api/keys/passkey/${first}`, envelope(1))).status).toBe(204)
      await expectRefusal(() => alice.delete(`/api/credentials/${first}`), 'last-unlock-method')
      await expectRefusal(() => alice.delete(`/api/keys/passkey/${first}`), 'last-unlock-method')
      // A passkey without an envelope can go.
      expect((await alice.delete(`/api/credentials/${second}`)).status).toBe(204)
    })

    it('lets the envelope go once another unlock method exists', async () => {
      const second = (await addPasskey(alice, new SoftAuthenticator(server.origin))).credentialId
      await alice.put(`/api/keys/passkey/${first}`, envelope(1))
      await alice.put(`/api/keys/passkey/${second}`, envelope(2))
      expect((await alice.delete(`/api/keys/passkey/${first}`)).status).toBe(204)
      expect((await alice.get('/api/keys')).body.passkeys).toEqual([{ credentialId: second, envelope: envelope(2).envelope }])
      await expectRefusal(() => alice.delete(`/api/keys/passkey/${second}`), 'last-unlock-method')
      await alice.put('/api/keys/recovery', recovery)
      expect((await alice.delete(`/api/credentials/${second}`)).status).toBe(204)
      expect((await alice.get('/api/keys')).body).toEqual({ passkeys: [], recovery: { envelope: recovery.envelope } })
      expect((await alice.get('/api/credentials')).body.map((c: { id: string }) => c.id)).toEqual([first])
    })

    it('replaces an envelope in place and refuses oversize or malformed ones', async () => {
      await alice.put(`/api/keys/passkey/${first}`, envelope(1))
      expect((await alice.put(`/api/keys/passkey/${first}`, envelope(2))).status).toBe(204)
      expect((await alice.get('/api/keys')).body.passkeys).toEqual([{ credentialId: first, ...envelope(2) }])
      const before = (await dbSnapshot(server))
      for (const bad of [{ envelope: b64(bytesOf(1025, 0)) }, { envelope: '' }, { envelope: 'a+b/' }, { envelope: 42 }, {}]) {
        const answer = await alice.put(`/api/keys/passkey/${first}`, bad)
        expect(answer.status).toBe(400)
        expect(answer.body.error.code).toBe('bad-request')
      }
      expect((await alice.put(`/api/keys/passkey/${first}`, { envelope: b64(bytesOf(1024, 0)) })).status).toBe(204)
      expect((await dbSnapshot(server)).passkey_envelopes).not.toEqual(before.passkey_envelopes)
    })

    it('answers 404 for an envelope of a passkey the account does not have', async () => {
      const before = (await dbSnapshot(server))
      const answer = await alice.put(`/api/keys/passkey/${b64(bytesOf(32, 3))}`, envelope(1))
      expect(answer.status).toBe(404)
      expect(answer.body.error.code).toBe('not-found')
      expect((await dbSnapshot(server))).toEqual(before)
    })
  })
})
