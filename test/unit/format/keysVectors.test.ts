import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isAppError } from '../../../src/errors'
import { openEnvelope, sealEnvelope } from '../../../src/format/keys/envelope'
import type { EnvelopeSecret } from '../../../src/format/keys/kek'
import { deriveRecoveryCredentials } from '../../../src/format/keys/recoveryCredentials'
import { parseRecoveryKey } from '../../../src/format/keys/recoveryKey'
import { generateKeyVectors } from '../../vectors/keys/generate'

const dir = fileURLToPath(new URL('../../vectors/keys/', import.meta.url))
const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()

function load(file: string): Map<string, string> {
  const fields = new Map<string, string>()
  for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
    if (line === '') continue
    const at = line.indexOf(': ')
    if (at < 0) throw new Error(`${file}: malformed line "${line}"`)
    fields.set(line.slice(0, at), line.slice(at + 2))
  }
  return fields
}
const field = (v: Map<string, string>, name: string) => {
  const value = v.get(name)
  if (value === undefined) throw new Error(`vector lacks "${name}"`)
  return value
}
const bytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'))
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex')

/** Runs one vector; returns the outcome as a vector `expect:` kind plus what was released. */
async function run(v: Map<string, string>): Promise<{ outcome: string; released?: Record<string, string>; group?: string }> {
  try {
    const kind = field(v, 'kind')
    if (kind === 'recovery-key') {
      const recoveryKey = parseRecoveryKey(field(v, 'text'))
      const { recoveryId, recoveryAuth } = await deriveRecoveryCredentials(recoveryKey)
      return { outcome: 'success', released: { 'recovery key': toHex(recoveryKey), 'recovery id': toHex(recoveryId), 'recovery auth': toHex(recoveryAuth) } }
    }
    const secret: EnvelopeSecret =
      kind === 'passkey'
        ? { kind, prfOutput: bytes(field(v, 'prf output')), credentialId: bytes(field(v, 'credential id')) }
        : { kind: 'recovery', recoveryKey: parseRecoveryKey(field(v, 'recovery key')) }
    const masterKey = await openEnvelope(bytes(field(v, 'envelope')), secret, field(v, 'account id'))
    const released: Record<string, string> = { 'master key': toHex(masterKey) }
    if (secret.kind === 'recovery') {
      const { recoveryId, recoveryAuth } = await deriveRecoveryCredentials(secret.recoveryKey)
      Object.assign(released, { 'recovery id': toHex(recoveryId), 'recovery auth': toHex(recoveryAuth) })
    }
    return { outcome: 'success', released }
  } catch (e) {
    if (!isAppError(e)) throw e
    return { outcome: e.code, group: e.details.group === undefined ? 'none' : String(e.details.group) }
  }
}

describe('key hierarchy vectors (test/vectors/keys)', () => {
  it('cover every expect kind', () => {
    const kinds = new Set(files.map((f) => load(f).get('expect')))
    expect([...kinds].sort()).toEqual(['envelope-corrupt', 'recovery-key-malformed', 'success', 'unknown-version', 'wrong-key'])
  })

  it('are exactly what the generator writes', async () => {
    const generated = await generateKeyVectors()
    expect([...generated.keys()].sort()).toEqual(files)
    for (const [file, text] of generated) expect(readFileSync(join(dir, file), 'utf8'), file).toBe(text)
  })

  for (const file of files) {
    const v = load(file)
    it(`${file} → ${v.get('expect')}`, async () => {
      const result = await run(v)
      expect(result.outcome).toBe(field(v, 'expect'))
      if (result.outcome === 'success') {
        for (const [name, value] of Object.entries(result.released!)) expect(value, name).toBe(field(v, name))
      }
      if (result.outcome === 'recovery-key-malformed') expect(result.group).toBe(field(v, 'group'))
    })
  }

  it('success envelopes re-seal to the same bytes from their salt and nonce', async () => {
    const successes = files.map(load).filter((v) => v.get('expect') === 'success' && v.get('kind') !== 'recovery-key')
    expect(successes.length).toBeGreaterThanOrEqual(3)
    for (const v of successes) {
      const envelope = bytes(field(v, 'envelope'))
      const secret: EnvelopeSecret =
        field(v, 'kind') === 'passkey'
          ? { kind: 'passkey', prfOutput: bytes(field(v, 'prf output')), credentialId: bytes(field(v, 'credential id')) }
          : { kind: 'recovery', recoveryKey: parseRecoveryKey(field(v, 'recovery key')) }
      const resealed = await sealEnvelope(bytes(field(v, 'master key')), secret, field(v, 'account id'), {
        salt: envelope.subarray(2, 34),
        nonce: envelope.subarray(34, 46),
      })
      expect(toHex(resealed)).toBe(field(v, 'envelope'))
    }
  })
})
