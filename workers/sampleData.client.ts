import { proxy, releaseProxy, wrap, type Remote } from 'comlink'
import type { SampleDataApi, SampleDataOutcome, SampleDataProgress, SampleDataRequest } from './sampleData.api'

/** The sample-data worker, started on first use. The only `wrap()` of its API. */
export interface SampleDataClient {
  generate(request: SampleDataRequest, onProgress: (p: SampleDataProgress) => void): Promise<SampleDataOutcome>
  cancel(): Promise<void>
  /** Terminates the worker; an unfinished `generate` keeps every write it committed. */
  dispose(): void
}

export function makeSampleDataClient(): SampleDataClient {
  let worker: Worker | undefined
  let remote: Remote<SampleDataApi> | undefined
  const api = () => {
    if (!remote) {
      worker = new Worker(new URL('./sampleData.worker.ts', import.meta.url), { type: 'module', name: 'keepsake-sample-data' })
      remote = wrap<SampleDataApi>(worker)
    }
    return remote
  }
  return {
    generate: (request, onProgress) => api().generate(request, proxy(onProgress)),
    cancel: () => api().cancel(),
    dispose: () => {
      remote?.[releaseProxy]()
      worker?.terminate()
      remote = undefined
      worker = undefined
    },
  }
}
