import { transfer, wrap } from 'comlink'
import type { Piece, PieceResult } from '../src/backup/ChunkSealer'
import type { SealerPort } from '../src/backup/runBackup'
import { AppError } from '../src/errors'
import type { CryptoApi, SealerSetup } from './crypto.api'

/** A sealing worker reached through `port`. The only `wrap()` of CryptoApi. */
export interface CryptoClient extends SealerPort {
  setUp(setup: SealerSetup): Promise<void>
  tearDown(): Promise<void>
  close(): void
}

export function connectCryptoWorker(port: MessagePort): CryptoClient {
  const remote = wrap<CryptoApi>(port)
  return {
    setUp: (setup) => remote.setUp(setup),
    tearDown: () => remote.tearDown(),
    async sealJob(pieces: Piece[], slot: number): Promise<PieceResult[]> {
      // Page bytes move to the worker; Blob slices are references and cross as they are.
      const buffers = new Set<ArrayBuffer>()
      for (const piece of pieces) if (piece.kind === 'bytes') buffers.add(piece.bytes.buffer as ArrayBuffer)
      const outcome = await remote.sealJob(transfer(pieces, [...buffers]), slot)
      if (!outcome.ok) throw new AppError(outcome.code, outcome.message)
      return outcome.results
    },
    close: () => port.close(),
  }
}
