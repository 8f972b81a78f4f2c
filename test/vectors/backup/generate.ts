/**
 * Generates the backup-format test vectors (docs/FORMAT.md §8) into this directory:
 *   npx tsx test/vectors/backup/generate.ts
 * One success and one failure kind per file, each from a few lines below. Every input is derived
 * from a label, so the output is the same on every run; it is committed, and
 * test/unit/format/backupVectors.test.ts checks the files, and this generator, against the format code.
 */
import { createHash } from 'node:crypto'
import { readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { deriveBackupKeys, importMasterKeyBytes, type BackupKeys } from '../../../src/format/backupKeys'
import { chunkObject, sealChunk } from '../../../src/format/chunk'
import { createChunkIdHasher } from '../../../src/format/chunkId'
import { sealManifest, type ManifestBody } from '../../../src/format/manifest'
import { MessagePager } from '../../../src/format/pages'

/** Deterministic stand-in for random bytes: SHA-256 of a label, repeated as needed. */
export function testBytes(label: string, size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size)
  for (let i = 0; i * 32 < size; i++) out.set(createHash('sha256').update(`keepsake test vector/${label}/${i}`).digest().subarray(0, size - i * 32), i * 32)
  return out
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
type Fields = [string, string | number][]
const render = (fields: Fields) => fields.map(([k, v]) => `${k}: ${v}\n`).join('')

const MASTER_KEY = testBytes('backup master key', 32)
const OTHER_MASTER_KEY = testBytes('other account master key', 32)
const NONCE = testBytes('chunk nonce', 12)
const SNAPSHOT = testBytes('snapshot id', 16)
const OTHER_SNAPSHOT = testBytes('other snapshot id', 16)

function edit(object: Uint8Array, offset: number, mask = 0x01): Uint8Array {
  const out = new Uint8Array(object)
  out[offset < 0 ? out.length + offset : offset]! ^= mask
  return out
}

/** A page of two messages, as the backup engine cuts it (FORMAT.md §6.1). */
export function samplePage(): Uint8Array {
  const pager = new MessagePager()
  pager.add({ id: 'm1', conversationId: 'c1', createdAt: 1_700_000_000_000, author: 'me', text: 'See you at the lighthouse at noon', attachments: [], words: [] })
  pager.add({ id: 'm2', conversationId: 'c1', createdAt: 1_700_000_060_000, author: 'Ana', text: 'Bringing the map 🗺️', attachments: [], words: [] })
  return pager.finish()!
}

async function chunkVectors(keys: BackupKeys, other: BackupKeys): Promise<Map<string, Fields>> {
  const vectors = new Map<string, Fields>()
  const idOf = await createChunkIdHasher(keys.chunkIdKey)
  const page = samplePage()
  const pageId = idOf(page)
  const object = chunkObject(await sealChunk(page, pageId, NONCE, keys))
  const add = (name: string, expect: string, body: Uint8Array, comment: string, over: { id?: Uint8Array; length?: number; masterKey?: Uint8Array; released?: Uint8Array } = {}) =>
    vectors.set(name, [
      ['expect', expect],
      ['object', 'chunk'],
      ['master key', hex(over.masterKey ?? MASTER_KEY)],
      ['chunk id', hex(over.id ?? pageId)],
      ['length', over.length ?? page.length],
      ['payload', sha256(over.released ?? (expect === 'success' ? page : new Uint8Array(0)))],
      ['body', hex(body)],
      ['comment', comment],
    ])
  add('chunk_success', 'success', object, 'a message page of two messages, padded to 512 bytes')
  const part = testBytes('attachment part', 4096)
  const partId = idOf(part)
  const partObject = chunkObject(await sealChunk(part, partId, NONCE, keys))
  add('chunk_success_4096', 'success', partObject, 'a 4096-byte attachment part: a power of two, so no padding', { id: partId, length: 4096, released: part })
  const odd = testBytes('odd part', 4097)
  const oddId = idOf(odd)
  add('chunk_success_4097', 'success', chunkObject(await sealChunk(odd, oddId, NONCE, keys)), '4097 bytes, padded to 4352', { id: oddId, length: 4097, released: odd })
  add('chunk_flipped_nonce', 'chunk-corrupt', edit(object, 21), 'first nonce byte flipped')
  add('chunk_flipped_ciphertext', 'chunk-corrupt', edit(object, 33), 'first ciphertext byte flipped')
  add('chunk_flipped_padding', 'chunk-corrupt', edit(object, -17), 'last padding byte flipped (inside the ciphertext)')
  add('chunk_flipped_tag', 'chunk-corrupt', edit(object, -1, 0x80), 'last tag byte flipped')
  add('chunk_swapped', 'chunk-corrupt', partObject, 'the server returns the 4096-byte part when asked for the page: longer than the page, so not the page')
  add('chunk_swapped_smaller', 'truncated', object, 'the server returns the page when asked for the 4096-byte part: fewer bytes than the part needs', { id: partId, length: 4096 })
  add('chunk_swapped_same_length', 'chunk-corrupt', object, 'asked for another id of the same length (a reordered or swapped chunk)', { id: idOf(new Uint8Array(page).fill(0x61)) })
  add('chunk_wrong_length', 'chunk-corrupt', object, 'the manifest claims one byte less: the content no longer hashes to its id', { length: page.length - 1 })
  // Sealed by someone holding the encryption key, under an id that is not the keyed hash of the content.
  const lying = chunkObject(await sealChunk(page, partId, NONCE, keys))
  add('chunk_id_not_hash', 'chunk-corrupt', lying, 'authentic under the id it is asked for, but that id is not the keyed hash of its content', { id: partId })
  add('chunk_truncated', 'truncated', object.subarray(0, object.length - 1), 'last tag byte missing')
  add('chunk_truncated_header', 'truncated', object.subarray(0, 20), 'ends inside the key id')
  add('chunk_truncated_magic', 'truncated', object.subarray(0, 3), 'three bytes of the magic')
  add('chunk_empty', 'truncated', new Uint8Array(0), 'no bytes at all')
  add('chunk_extended', 'chunk-corrupt', new Uint8Array([...object, 0]), 'one byte after the tag')
  add('chunk_version_2', 'unknown-version', edit(object, 4, 0x03), 'version byte 2')
  add('chunk_version_0', 'unknown-version', edit(object, 4, 0x01), 'version byte 0')
  add('chunk_bad_magic', 'header-invalid', edit(object, 0, 0x20), 'magic "Ksck"')
  add('chunk_manifest_magic', 'header-invalid', new Uint8Array([...new TextEncoder().encode('ksmf'), ...object.subarray(4)]), 'a manifest header where a chunk belongs')
  add('chunk_wrong_key', 'wrong-key', object, 'opened with another account\'s master key', { masterKey: OTHER_MASTER_KEY })
  const otherIdOf = await createChunkIdHasher(other.chunkIdKey)
  const foreign = chunkObject(await sealChunk(page, otherIdOf(page), NONCE, other))
  add('chunk_other_account', 'wrong-key', foreign, 'the same page backed up by another account, served under its id there', { id: otherIdOf(page) })
  const forged = new Uint8Array(foreign)
  forged.set(keys.keyId, 5)
  add('chunk_other_account_forged_key_id', 'chunk-corrupt', forged, 'another account\'s chunk with this account\'s key id written over its own')
  return vectors
}

/** A small manifest naming the sample page and one two-part attachment. */
export function sampleManifestBody(pageId: string, pageLength: number): ManifestBody {
  return {
    parent: null,
    createdAt: 1_700_000_100_000,
    device: 'Test vectors',
    chunks: [[pageId, pageLength], ['ab'.repeat(32), 4096], ['cd'.repeat(32), 100]],
    conversations: [
      {
        record: { id: 'c1', name: 'Ana', createdAt: 1_699_000_000_000, updatedAt: 1_700_000_060_000, lastMessageText: 'Bringing the map 🗺️', unread: 1 },
        messageCount: 2,
        pages: [0],
        attachments: [{ record: { id: 'a1', messageId: 'm2', name: 'map.bin', type: 'application/octet-stream', size: 4196 }, size: 4196, parts: [1, 2], thumbnail: null }],
      },
    ],
  }
}

async function manifestVectors(keys: BackupKeys, other: BackupKeys): Promise<Map<string, Fields>> {
  const vectors = new Map<string, Fields>()
  const idOf = await createChunkIdHasher(keys.chunkIdKey)
  const page = samplePage()
  const body = sampleManifestBody(hex(idOf(page)), page.length)
  const plaintext = new TextEncoder().encode(JSON.stringify(body))
  const object = await sealManifest(body, SNAPSHOT, NONCE, keys)
  const add = (name: string, expect: string, sealed: Uint8Array, comment: string, over: { snapshot?: Uint8Array; masterKey?: Uint8Array } = {}) =>
    vectors.set(name, [
      ['expect', expect],
      ['object', 'manifest'],
      ['master key', hex(over.masterKey ?? MASTER_KEY)],
      ['snapshot id', hex(over.snapshot ?? SNAPSHOT)],
      ['payload', sha256(expect === 'success' ? plaintext : new Uint8Array(0))],
      ['body', hex(sealed)],
      ['comment', comment],
    ])
  add('manifest_success', 'success', object, 'a manifest naming one page and a two-part attachment')
  add('manifest_flipped_body', 'manifest-corrupt', edit(object, 60), 'a body byte flipped')
  add('manifest_flipped_tag', 'manifest-corrupt', edit(object, -1, 0x80), 'last tag byte flipped')
  const relabelled = new Uint8Array(object)
  relabelled.set(OTHER_SNAPSHOT, 21)
  add('manifest_relabelled', 'manifest-corrupt', relabelled, 'header rewritten to claim another snapshot id, asked for that id: the id is in the associated data', { snapshot: OTHER_SNAPSHOT })
  const older = await sealManifest({ ...body, createdAt: 1_600_000_000_000 }, OTHER_SNAPSHOT, NONCE, keys)
  add('manifest_other_snapshot', 'snapshot-mismatch', older, 'a genuine manifest of another snapshot of this account, served for this one')
  add('manifest_truncated', 'truncated', object.subarray(0, object.length - 1), 'last tag byte missing')
  add('manifest_truncated_header', 'truncated', object.subarray(0, 40), 'ends inside the nonce')
  add('manifest_extended', 'manifest-corrupt', new Uint8Array([...object, 0]), 'one byte after the tag')
  const short = new Uint8Array(object)
  short.set([0, 0, 0, 15], 49)
  add('manifest_length_under_tag', 'header-invalid', short, 'sealed length 15, less than a tag')
  add('manifest_version_2', 'unknown-version', edit(object, 4, 0x03), 'version byte 2')
  add('manifest_bad_magic', 'header-invalid', edit(object, 3, 0x02), 'magic "ksmd"')
  add('manifest_wrong_key', 'wrong-key', object, 'opened with another account\'s master key', { masterKey: OTHER_MASTER_KEY })
  add('manifest_other_account', 'wrong-key', await sealManifest(body, SNAPSHOT, NONCE, other), 'another account\'s manifest under this snapshot id')
  const dangling = { ...body, conversations: [{ ...body.conversations[0]!, pages: [7] }] }
  add('manifest_dangling_reference', 'manifest-corrupt', await sealManifest(dangling, SNAPSHOT, NONCE, keys), 'authentic, but a page points past the chunk list')
  return vectors
}

export async function generateBackupVectors(): Promise<Map<string, string>> {
  const keys = await deriveBackupKeys(await importMasterKeyBytes(MASTER_KEY))
  const other = await deriveBackupKeys(await importMasterKeyBytes(OTHER_MASTER_KEY))
  const all = new Map([...(await chunkVectors(keys, other)), ...(await manifestVectors(keys, other))])
  return new Map([...all].map(([name, fields]) => [`${name}.txt`, render(fields)]))
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = fileURLToPath(new URL('.', import.meta.url))
  const vectors = await generateBackupVectors()
  for (const file of readdirSync(dir)) if (file.endsWith('.txt')) rmSync(join(dir, file))
  for (const [file, text] of vectors) writeFileSync(join(dir, file), text)
  console.log(`wrote ${vectors.size} vectors to ${dir}`)
}
