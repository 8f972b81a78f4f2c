import type { SampleDataProgress, SampleDataResult } from '../src/db/sampleData'
import type { ErrorCode } from '../src/errors'

/** What the page asks the sample-data worker for (AbortSignal cannot cross postMessage: see `cancel`). */
export interface SampleDataRequest {
  attachmentBytes: number
  conversations?: number
  seed?: number
}

/** Expected failures travel as data: Comlink keeps only an Error's name, message and stack. */
export type SampleDataOutcome =
  | { ok: true; result: SampleDataResult; stopped: boolean }
  | { ok: false; code: ErrorCode; message: string }

export interface SampleDataApi {
  /** Writes sample chats into this origin's chats database, reporting progress a few times a second. */
  generate(request: SampleDataRequest, onProgress: (p: SampleDataProgress) => void): Promise<SampleDataOutcome>
  /** Stops a running `generate` after its current write; it then resolves with `stopped: true`. */
  cancel(): void
}

export type { SampleDataProgress, SampleDataResult }
