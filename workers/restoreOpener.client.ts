import { wrap } from 'comlink'
import { AppError } from '../src/errors'
import type { ChunkKeys } from '../src/format/backupKeys'
import type { OpenedChunk, OpenRequest } from '../src/restore/ChunkOpener'
import type { OpenerPort } from '../src/restore/RestorePipeline'
import type { OpenerApi } from './restore.api'

/** An opening worker reached through `port`. The only `wrap()` of OpenerApi. */
export interface OpenerClient extends OpenerPort {
  setUp(keys: ChunkKeys): Promise<void>
  close(): void
}

export function connectOpener(port: MessagePort): OpenerClient {
  const remote = wrap<OpenerApi>(port)
  return {
    setUp: (keys) => remote.setUp(keys),
    async open(request: OpenRequest): Promise<OpenedChunk> {
      const outcome = await remote.open(request)
      if (!outcome.ok) throw new AppError(outcome.code, outcome.message, { details: { chunk: request.index } })
      return outcome.chunk
    },
    close: () => port.close(),
  }
}
