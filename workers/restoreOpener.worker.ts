import { expose, transfer } from 'comlink'
import { isAppError } from '../src/errors'
import { createChunkIdHasher } from '../src/format/chunkId'
import { ChunkOpener } from '../src/restore/ChunkOpener'
import { createHttpChunkSource } from '../src/restore/httpChunkSource'
import type { ConnectMessage } from './crypto.api'
import type { OpenerApi, OpenOutcome } from './restore.api'

// One opening worker: fetches chunks, checks and decrypts them (WebCrypto and hash-wasm BLAKE2b run on
// this thread, which is why a restore runs two). Its API is exposed on the port the restore worker talks through.
let opener: ChunkOpener | undefined

const api: OpenerApi = {
  async setUp(keys) {
    opener = new ChunkOpener(keys, await createChunkIdHasher(keys.chunkIdKey), createHttpChunkSource())
  },
  async open(request): Promise<OpenOutcome> {
    if (!opener) throw new Error('restore opener: internal error: open before setUp')
    try {
      const chunk = await opener.open(request)
      return chunk.kind === 'bytes' ? transfer({ ok: true, chunk }, [chunk.bytes.buffer]) : { ok: true, chunk }
    } catch (e) {
      if (isAppError(e)) return { ok: false, code: e.code, message: e.message }
      throw e
    }
  },
}

self.addEventListener('message', (event: MessageEvent<ConnectMessage>) => {
  if (event.data?.connect) expose(api, event.data.connect)
})
