import * as v from 'valibot'
import { AppError } from '../errors'
import type { BackupKeys } from './backupKeys'
import { BACKUP_NONCE_SIZE, BACKUP_TAG_SIZE, CHUNK_ID_SIZE, MANIFEST_HEADER_SIZE, MANIFEST_MAGIC, MAX_CHUNK_LENGTH, SNAPSHOT_ID_SIZE } from './constants'
import { fromHex, toHex } from './hex'
import { concatBytes, utf8, type Bytes } from './keys/bytes'
import { checkObjectHeader, equalBytes, objectPrelude } from './objectHeader'

const index = v.pipe(v.number(), v.integer(), v.minValue(0))
const count = index
const record = v.pipe(v.looseObject({ id: v.pipe(v.string(), v.minLength(1)) }), v.readonly())
const chunkRef = v.tuple([v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)), v.pipe(index, v.minValue(1), v.maxValue(MAX_CHUNK_LENGTH))])

/** FORMAT.md §5.2: the manifest body, UTF-8 JSON inside the sealed manifest. */
const ManifestBodySchema = v.object({
  parent: v.nullable(v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/))),
  createdAt: index,
  device: v.string(),
  chunks: v.array(chunkRef),
  conversations: v.array(
    v.object({
      record,
      messageCount: count,
      pages: v.array(index),
      attachments: v.array(
        v.object({
          record,
          size: count,
          parts: v.array(index),
          thumbnail: v.nullable(v.object({ type: v.string(), size: count, parts: v.array(index) })),
        }),
      ),
    }),
  ),
})

export type ManifestBody = v.InferOutput<typeof ManifestBodySchema>
export type ManifestConversation = ManifestBody['conversations'][number]
export type ManifestAttachment = ManifestConversation['attachments'][number]

export interface OpenedManifest {
  snapshotId: string
  body: ManifestBody
}

/**
 * FORMAT.md §5: `ksmf || 0x01 || keyId || snapshotId || nonce || sealedLength (u32 BE) ||
 * AES-256-GCM(manifestKey, nonce, body, aad = the whole 53-byte header)`. The snapshot id sits in
 * the associated data, so a manifest cannot be passed off as another snapshot's.
 */
export async function sealManifest(
  body: ManifestBody,
  snapshotId: Uint8Array,
  nonce: Uint8Array,
  keys: Pick<BackupKeys, 'keyId' | 'manifestKey'>,
): Promise<Bytes> {
  if (snapshotId.length !== SNAPSHOT_ID_SIZE || nonce.length !== BACKUP_NONCE_SIZE) throw new Error('format: internal error: snapshot id or nonce size')
  const plaintext = utf8(JSON.stringify(v.parse(ManifestBodySchema, body)))
  const sealedLength = new Uint8Array(4)
  new DataView(sealedLength.buffer).setUint32(0, plaintext.length + BACKUP_TAG_SIZE)
  const header = concatBytes(objectPrelude(MANIFEST_MAGIC), keys.keyId, snapshotId, nonce, sealedLength)
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv: new Uint8Array(nonce), additionalData: header }, keys.manifestKey, plaintext)
  return concatBytes(header, new Uint8Array(sealed))
}

/** The snapshot id a manifest's header claims (hex), without opening it; null if it has no v1 header. */
export function manifestSnapshotId(object: Uint8Array): string | null {
  if (object.length < MANIFEST_HEADER_SIZE || !equalBytes(object.subarray(0, 5), objectPrelude(MANIFEST_MAGIC))) return null
  return toHex(object.subarray(21, 21 + SNAPSHOT_ID_SIZE))
}

/**
 * FORMAT.md §5.3: opens a manifest, checks it is the snapshot asked for (when `expectedSnapshotId`
 * is given) and that every reference inside it holds. Releases nothing on failure.
 */
export async function openManifest(
  object: Uint8Array,
  keys: Pick<BackupKeys, 'keyId' | 'manifestKey'>,
  expectedSnapshotId?: string,
): Promise<OpenedManifest> {
  checkObjectHeader(object, MANIFEST_MAGIC, MANIFEST_HEADER_SIZE, keys.keyId)
  const snapshotId = manifestSnapshotId(object)!
  if (expectedSnapshotId !== undefined && snapshotId !== expectedSnapshotId) {
    throw new AppError('snapshot-mismatch', `asked for snapshot ${expectedSnapshotId}, got ${snapshotId}`)
  }
  const header = object.subarray(0, MANIFEST_HEADER_SIZE)
  const sealedLength = new DataView(header.buffer, header.byteOffset).getUint32(MANIFEST_HEADER_SIZE - 4)
  if (sealedLength < BACKUP_TAG_SIZE) throw new AppError('header-invalid', 'manifest declares a body shorter than its tag')
  const size = MANIFEST_HEADER_SIZE + sealedLength
  if (object.length < size) throw new AppError('truncated', `manifest is ${object.length} bytes, its header says ${size}`)
  if (object.length > size) throw new AppError('manifest-corrupt', `manifest has ${object.length - size} bytes after its tag`)
  let plaintext: ArrayBuffer
  try {
    const nonce = header.subarray(MANIFEST_HEADER_SIZE - 4 - BACKUP_NONCE_SIZE, MANIFEST_HEADER_SIZE - 4)
    plaintext = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: new Uint8Array(nonce), additionalData: new Uint8Array(header) },
      keys.manifestKey,
      object.subarray(MANIFEST_HEADER_SIZE) as Bytes,
    )
  } catch (cause) {
    throw new AppError('manifest-corrupt', 'manifest failed authentication', { cause })
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext))
  } catch (cause) {
    throw new AppError('manifest-corrupt', 'manifest body is not UTF-8 JSON', { cause })
  }
  const result = v.safeParse(ManifestBodySchema, parsed)
  if (!result.success) throw new AppError('manifest-corrupt', `manifest body is malformed: ${v.summarize(result.issues)}`)
  checkReferences(result.output)
  return { snapshotId, body: result.output }
}

/** FORMAT.md §5.2: indices in range, chunk ids unique, sizes equal to the sum of their parts. */
function checkReferences(body: ManifestBody): void {
  const fail = (why: string) => {
    throw new AppError('manifest-corrupt', `manifest references do not hold: ${why}`)
  }
  if (new Set(body.chunks.map(([id]) => id)).size !== body.chunks.length) fail('a chunk is listed twice')
  const lengthOf = (parts: readonly number[]) =>
    parts.reduce((sum, i) => {
      const chunk = body.chunks[i]
      if (!chunk) fail(`chunk index ${i} out of range`)
      return sum + chunk![1]
    }, 0)
  for (const conversation of body.conversations) {
    lengthOf(conversation.pages)
    if (conversation.messageCount > 0 && conversation.pages.length === 0) fail('messages without pages')
    for (const attachment of conversation.attachments) {
      if (lengthOf(attachment.parts) !== attachment.size) fail(`attachment ${attachment.record.id} size`)
      if (attachment.thumbnail && lengthOf(attachment.thumbnail.parts) !== attachment.thumbnail.size) fail(`thumbnail ${attachment.record.id} size`)
    }
  }
}

/** The chunk id of manifest entry `i` as bytes (ids in a checked manifest are always well-formed). */
export function manifestChunkId(body: ManifestBody, i: number): Bytes {
  const entry = body.chunks[i]
  const id = entry && fromHex(entry[0], CHUNK_ID_SIZE)
  if (!id) throw new Error('format: internal error: chunk index')
  return id
}
