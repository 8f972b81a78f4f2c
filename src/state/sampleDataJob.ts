import { createRoot, createSignal } from 'solid-js'
import type { SampleDataProgress, SampleDataResult } from '../../workers/sampleData.api'
import { makeSampleDataClient, type SampleDataClient } from '../../workers/sampleData.client'
import type { ErrorCode } from '../errors'

export interface SampleDataJobState {
  targetBytes: number
  progress: SampleDataProgress
  running: boolean
  outcome?: { result: SampleDataResult; stopped: boolean; seconds: number }
  error?: ErrorCode
}

/**
 * The page's one sample-data run. It lives outside any view, so leaving Settings does not stop it,
 * and a second run cannot start while one is going.
 */
const [state, setState] = createRoot(() => createSignal<SampleDataJobState>())
let client: SampleDataClient | undefined

export const sampleDataJob = state

export async function startSampleData(opts: { attachmentBytes: number; conversations: number }): Promise<void> {
  if (state()?.running) return
  client ??= makeSampleDataClient()
  const started = performance.now()
  setState({ targetBytes: opts.attachmentBytes, progress: { bytesWritten: 0, messagesWritten: 0 }, running: true })
  const seed = crypto.getRandomValues(new Uint32Array(1))[0]!
  const outcome = await client
    .generate({ ...opts, seed }, (progress) => setState((s) => s && { ...s, progress }))
    .catch((e: unknown) => ({ ok: false as const, code: 'internal' as const, message: String(e) }))
  setState((s) =>
    s && {
      ...s,
      running: false,
      ...(outcome.ok
        ? { outcome: { result: outcome.result, stopped: outcome.stopped, seconds: (performance.now() - started) / 1000 } }
        : { error: outcome.code }),
    },
  )
  if (!outcome.ok) console.error('Keepsake: sample data failed:', outcome.message)
}

export function stopSampleData(): void {
  void client?.cancel()
}
