import { expose } from 'comlink'
import { createBLAKE2b, createBLAKE3 } from 'hash-wasm'
import sodium from 'libsodium-wrappers'
import * as openpgp from 'openpgp'
import { IdbStagingStore } from '../../../src/backup/IdbStagingStore'
import { BackupDB, type ChunkIdHex } from '../../../src/db/BackupDB'
import { ChatDB } from '../../../src/db/ChatDB'

export type PeerName = 'read' | 'stage' | 'openpgp' | 'libsodium' | 'blake2b' | 'blake3' | 'aes-gcm'

const PIECE = 4 * 1024 * 1024
let bytesRead = 0

/** The same attachment bytes the backup reads, in 4 MiB pieces, one piece in memory at a time. */
async function* pieces(): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  const chats = new ChatDB()
  const keys = await chats.attachments.orderBy('conversationId').primaryKeys()
  for (const key of keys) {
    const a = await chats.attachments.get(key)
    for (const blob of [a!.blob, ...(a!.thumbnail ? [a!.thumbnail] : [])]) {
      for (let at = 0; at < blob.size; at += PIECE) {
        const piece = new Uint8Array(await blob.slice(at, at + PIECE).arrayBuffer())
        bytesRead += piece.length
        yield piece
      }
    }
  }
  chats.close()
}

async function openpgpStream(): Promise<number> {
  let input: AsyncGenerator<Uint8Array<ArrayBuffer>>
  const source = new ReadableStream<Uint8Array>({
    start: () => void (input = pieces()),
    pull: async (controller) => {
      const next = await input.next()
      if (next.done) controller.close()
      else controller.enqueue(next.value)
    },
  })
  const message = await openpgp.createMessage({ binary: source })
  const encrypted = (await openpgp.encrypt({ message, passwords: ['benchmark passphrase'], format: 'binary', config: { aeadProtect: true } })) as ReadableStream<Uint8Array>
  let out = 0
  const reader = encrypted.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return out
    out += value.length
  }
}

async function secretstream(): Promise<number> {
  await sodium.ready
  const key = sodium.crypto_secretstream_xchacha20poly1305_keygen()
  const { state } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key)
  let out = 0
  for await (const piece of pieces()) out += sodium.crypto_secretstream_xchacha20poly1305_push(state, piece, null, sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE).length
  return out
}

async function hashOnly(kind: 'blake2b' | 'blake3'): Promise<number> {
  const key = new Uint8Array(32).fill(9)
  const hasher = kind === 'blake2b' ? await createBLAKE2b(256, key) : await createBLAKE3(256, key)
  let out = 0
  for await (const piece of pieces()) {
    hasher.init()
    hasher.update(piece)
    out += hasher.digest('binary').length
  }
  return out
}

async function aesGcmOnly(): Promise<number> {
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt'])
  let out = 0
  for await (const piece of pieces()) out += (await crypto.subtle.encrypt({ name: 'AES-GCM', iv: crypto.getRandomValues(new Uint8Array(12)) }, key, piece)).byteLength
  return out
}

/** The staging store alone (IndexedDB Blobs): every piece written as a staged object, removed 64 objects later. */
async function stageOnly(): Promise<number> {
  const store = new IdbStagingStore(new BackupDB('keepsake-bench-stage'))
  const ids: ChunkIdHex[] = []
  let out = 0
  for await (const piece of pieces()) {
    const id = `${ids.length}`.padStart(64, '0') as ChunkIdHex
    await store.write(id, [piece.subarray(0, 33), piece])
    ids.push(id)
    if (ids.length > 64) await store.remove([ids[ids.length - 65]!])
    out += piece.length
  }
  await store.remove(ids.slice(-64))
  return out
}

async function readOnly(): Promise<number> {
  let out = 0
  for await (const piece of pieces()) out += piece[0]! & 1
  return out
}

const api = {
  /** Reads the attachments from IndexedDB and runs one peer over them; reports time and bytes read. */
  async run(name: PeerName) {
    bytesRead = 0
    const started = performance.now()
    const out = name === 'read' ? await readOnly() : name === 'stage' ? await stageOnly() : name === 'openpgp' ? await openpgpStream() : name === 'libsodium' ? await secretstream() : name === 'aes-gcm' ? await aesGcmOnly() : await hashOnly(name)
    return { name, bytes: bytesRead, out, seconds: (performance.now() - started) / 1000 }
  },
}
export type PeerApi = typeof api
expose(api)
