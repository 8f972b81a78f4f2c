import { blake2b } from '@noble/hashes/blake2.js'
import { expose } from 'comlink'
import type { ConnectMessage } from '../../../workers/crypto.api'
import { createCryptoApi } from '../../../workers/createCryptoApi'

// The app's sealing worker with the same keyed BLAKE2b-256 from @noble/hashes (pure JS) instead of
// hash-wasm: same ids, so the comparison isolates the hash implementation.
const api = createCryptoApi(async (key) => {
  const chunkIdKey = new Uint8Array(key)
  return (content) => blake2b(content, { key: chunkIdKey, dkLen: 32 }) as Uint8Array<ArrayBuffer>
})
self.addEventListener('message', (event: MessageEvent<ConnectMessage>) => {
  if (event.data?.connect) expose(api, event.data.connect)
})
