/**
 * Generates the key-hierarchy test vectors (docs/KEYS.md §8) into this directory:
 *   npx tsx test/vectors/keys/generate.ts
 * Every input is derived from a label, so the output is the same on every run; it is committed, and
 * test/unit/format/keysVectors.test.ts checks both the files and this generator against the format code.
 */
import { createHash } from 'node:crypto'
import { readdirSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { join } from 'node:path'
import { sealEnvelope } from '../../../src/format/keys/envelope'
import type { EnvelopeSecret } from '../../../src/format/keys/kek'
import { deriveRecoveryCredentials } from '../../../src/format/keys/recoveryCredentials'
import { formatRecoveryKey } from '../../../src/format/keys/recoveryKey'

/** Deterministic stand-in for random bytes: SHA-256 of a label, repeated as needed. */
function testBytes(label: string, size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size)
  for (let i = 0; i * 32 < size; i++) out.set(createHash('sha256').update(`keepsake test vector/${label}/${i}`).digest().subarray(0, size - i * 32), i * 32)
  return out
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
type Fields = [string, string | number][]
const render = (fields: Fields) => fields.map(([k, v]) => `${k}: ${v}\n`).join('')

const ACCOUNT = 'acct_9f1c2e7d4b6a'
const MASTER_KEY = testBytes('master key', 32)
const CREDENTIAL = testBytes('credential id', 20)
const PRF = testBytes('prf output', 32)
const RANDOMNESS = { salt: testBytes('salt', 32), nonce: testBytes('nonce', 12) }
const RECOVERY_KEY = testBytes('recovery key', 32)

function flip(envelope: Uint8Array, offset: number, mask = 0x01): Uint8Array {
  const out = new Uint8Array(envelope)
  out[offset]! ^= mask
  return out
}

async function envelopeVectors(): Promise<Map<string, Fields>> {
  const vectors = new Map<string, Fields>()
  const passkey: EnvelopeSecret = { kind: 'passkey', prfOutput: PRF, credentialId: CREDENTIAL }
  const sealed = await sealEnvelope(MASTER_KEY, passkey, ACCOUNT, RANDOMNESS)
  const add = (name: string, expect: string, envelope: Uint8Array, comment: string, over: Partial<Record<'account id' | 'credential id' | 'prf output', string>> = {}) =>
    vectors.set(name, [
      ['expect', expect],
      ['kind', 'passkey'],
      ['account id', over['account id'] ?? ACCOUNT],
      ['credential id', over['credential id'] ?? hex(CREDENTIAL)],
      ['prf output', over['prf output'] ?? hex(PRF)],
      ['envelope', hex(envelope)],
      ...(expect === 'success' ? ([['master key', hex(MASTER_KEY)]] as Fields) : []),
      ['comment', comment],
    ])
  add('passkey_success', 'success', sealed, 'a passkey envelope opened with its PRF output, credential id and account id')
  const longId = testBytes('long credential id', 255)
  const longSecret: EnvelopeSecret = { kind: 'passkey', prfOutput: PRF, credentialId: longId }
  add('passkey_long_credential_id', 'success', await sealEnvelope(MASTER_KEY, longSecret, ACCOUNT, RANDOMNESS), 'a 255-byte credential id', { 'credential id': hex(longId) })
  add('passkey_wrong_prf_output', 'wrong-key', sealed, 'PRF output of another passkey', { 'prf output': hex(testBytes('other prf output', 32)) })
  add('passkey_wrong_credential_id', 'wrong-key', sealed, 'right PRF output, credential id of another passkey (binds the KEK info and the associated data)', { 'credential id': hex(testBytes('other credential id', 20)) })
  add('passkey_wrong_account_id', 'wrong-key', sealed, 'envelope moved to another account', { 'account id': 'acct_0000000000000' })
  add('passkey_flipped_salt', 'wrong-key', flip(sealed, 2), 'first salt byte flipped: another KEK')
  add('passkey_flipped_nonce', 'wrong-key', flip(sealed, 34), 'first nonce byte flipped')
  add('passkey_flipped_ciphertext', 'wrong-key', flip(sealed, 46), 'first byte of the wrapped master key flipped')
  add('passkey_flipped_tag', 'wrong-key', flip(sealed, 93, 0x80), 'last tag byte flipped')
  add('passkey_version_2', 'unknown-version', flip(sealed, 0, 0x03), 'version byte 2')
  add('passkey_version_0', 'unknown-version', flip(sealed, 0, 0x01), 'version byte 0')
  add('passkey_truncated', 'envelope-corrupt', sealed.subarray(0, 93), 'last tag byte missing')
  add('passkey_extended', 'envelope-corrupt', new Uint8Array([...sealed, 0]), 'one trailing byte')
  add('passkey_empty', 'envelope-corrupt', new Uint8Array(0), 'no bytes at all')
  add('passkey_kind_recovery', 'envelope-corrupt', flip(sealed, 1, 0x03), 'kind byte says recovery, opened with a passkey')
  add('passkey_kind_unknown', 'envelope-corrupt', flip(sealed, 1, 0x02), 'kind byte 3')

  const recovery: EnvelopeSecret = { kind: 'recovery', recoveryKey: RECOVERY_KEY }
  const recoverySealed = await sealEnvelope(MASTER_KEY, recovery, ACCOUNT, RANDOMNESS)
  const { recoveryId, recoveryAuth } = await deriveRecoveryCredentials(RECOVERY_KEY)
  const addRecovery = (name: string, expect: string, envelope: Uint8Array, recoveryKey: Uint8Array, accountId: string, comment: string) =>
    vectors.set(name, [
      ['expect', expect],
      ['kind', 'recovery'],
      ['account id', accountId],
      ['recovery key', formatRecoveryKey(recoveryKey)],
      ['envelope', hex(envelope)],
      ...(expect === 'success'
        ? ([['master key', hex(MASTER_KEY)], ['recovery id', hex(recoveryId)], ['recovery auth', hex(recoveryAuth)]] as Fields)
        : []),
      ['comment', comment],
    ])
  addRecovery('recovery_success', 'success', recoverySealed, RECOVERY_KEY, ACCOUNT, 'the recovery envelope, with the recovery id and auth the server sees')
  addRecovery('recovery_wrong_key', 'wrong-key', recoverySealed, testBytes('other recovery key', 32), ACCOUNT, 'a well-formed recovery key of another account')
  addRecovery('recovery_wrong_account_id', 'wrong-key', recoverySealed, RECOVERY_KEY, 'acct_0000000000000', 'envelope moved to another account')
  addRecovery('recovery_flipped_tag', 'wrong-key', flip(recoverySealed, 93), RECOVERY_KEY, ACCOUNT, 'last tag byte flipped')
  addRecovery('recovery_kind_passkey', 'envelope-corrupt', flip(recoverySealed, 1, 0x03), RECOVERY_KEY, ACCOUNT, 'kind byte says passkey, opened with the recovery key')
  addRecovery('recovery_version_255', 'unknown-version', flip(recoverySealed, 0, 0xfe), RECOVERY_KEY, ACCOUNT, 'version byte 255')
  return vectors
}

async function recoveryKeyVectors(): Promise<Map<string, Fields>> {
  const vectors = new Map<string, Fields>()
  const text = formatRecoveryKey(RECOVERY_KEY)
  const { recoveryId, recoveryAuth } = await deriveRecoveryCredentials(RECOVERY_KEY)
  const success = (name: string, typed: string, comment: string) =>
    vectors.set(name, [
      ['expect', 'success'],
      ['kind', 'recovery-key'],
      ['text', typed],
      ['recovery key', hex(RECOVERY_KEY)],
      ['recovery id', hex(recoveryId)],
      ['recovery auth', hex(recoveryAuth)],
      ['comment', comment],
    ])
  const malformed = (name: string, typed: string, group: number | null, comment: string) =>
    vectors.set(name, [['expect', 'recovery-key-malformed'], ['kind', 'recovery-key'], ['text', typed], ['group', group ?? 'none'], ['comment', comment]])
  const symbols = text.replace(/ /g, '')
  const at = (i: number, ch: string) => symbols.slice(0, i) + ch + symbols.slice(i + 1)
  const groupsOf = (s: string) => s.match(/.{5}/g)!.join(' ')
  success('recovery_key_canonical', text, 'as shown: 13 groups of 5, upper case, single spaces')
  success('recovery_key_typed_loosely', text.toLowerCase().replace(/ /g, ' - '), 'lower case, dashes and extra spaces')
  success('recovery_key_aliases', symbols.replace(/0/g, 'O').replace(/1/g, 'l'), 'Crockford aliases: O read as 0, l as 1')
  success('recovery_key_no_separators', symbols, 'no separators at all')
  const other = (ch: string) => '0123456789ABCDEFGHJKMNPQRSTVWXYZ'[('0123456789ABCDEFGHJKMNPQRSTVWXYZ'.indexOf(ch) + 7) % 32]!
  malformed('recovery_key_substitution_group_3', groupsOf(at(11, other(symbols[11]!))), 3, 'second symbol of group 3 mistyped')
  malformed('recovery_key_check_symbol_group_13', groupsOf(at(64, other(symbols[64]!))), 13, 'check symbol of the last group mistyped')
  const swapAt = [30, 31].find((i) => symbols[i] !== symbols[i + 1]) ?? 32
  const swapped = symbols.slice(0, swapAt) + symbols[swapAt + 1] + symbols[swapAt] + symbols.slice(swapAt + 2)
  malformed('recovery_key_transposition_group_7', groupsOf(swapped), 7, 'two neighbouring symbols of group 7 swapped')
  const groups = text.split(' ')
  malformed('recovery_key_swapped_groups', [groups[0], groups[2], groups[1], ...groups.slice(3)].join(' '), 2, 'groups 2 and 3 swapped')
  malformed('recovery_key_invalid_character', groupsOf(at(22, 'U')), 5, 'U is not a Crockford base32 symbol')
  malformed('recovery_key_too_short', groupsOf(symbols.slice(0, 64)), null, 'one symbol missing')
  malformed('recovery_key_too_long', `${text} 0`, null, 'one symbol too many')
  return vectors
}

export async function generateKeyVectors(): Promise<Map<string, string>> {
  const all = new Map([...(await envelopeVectors()), ...(await recoveryKeyVectors())])
  return new Map([...all].map(([name, fields]) => [`${name}.txt`, render(fields)]))
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = fileURLToPath(new URL('.', import.meta.url))
  for (const file of readdirSync(dir)) if (file.endsWith('.txt')) rmSync(join(dir, file))
  const vectors = await generateKeyVectors()
  for (const [file, text] of vectors) writeFileSync(join(dir, file), text)
  console.log(`wrote ${vectors.size} vectors to ${dir}`)
}
