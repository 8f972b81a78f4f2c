import { expose } from 'comlink'
import { createChunkIdHasher } from '../src/format/chunkId'
import type { ConnectMessage } from './crypto.api'
import { createCryptoApi } from './createCryptoApi'

// One sealing worker: hash-wasm BLAKE2b names chunks, WebCrypto seals them (on this thread, which is
// why the backup runs two of these). Its API is exposed on the port the backup worker talks through.
const api = createCryptoApi(createChunkIdHasher)
self.addEventListener('message', (event: MessageEvent<ConnectMessage>) => {
  if (event.data?.connect) expose(api, event.data.connect)
})
