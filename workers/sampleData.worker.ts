import { expose } from 'comlink'
import { ChatDB } from '../src/db/ChatDB'
import { generateSampleData, type SampleDataProgress } from '../src/db/sampleData'
import { isAppError } from '../src/errors'
import type { SampleDataApi, SampleDataOutcome, SampleDataRequest } from './sampleData.api'

/** Progress crosses to the page at most this often (each report is a postMessage). */
const PROGRESS_INTERVAL_MS = 100

let running: AbortController | undefined

const api: SampleDataApi = {
  async generate(request: SampleDataRequest, onProgress: (p: SampleDataProgress) => void): Promise<SampleDataOutcome> {
    if (running) return { ok: false, code: 'internal', message: 'Sample data is already being generated' }
    const controller = new AbortController()
    running = controller
    const db = new ChatDB()
    let lastReport = 0
    try {
      const result = await generateSampleData(
        db,
        { ...request, signal: controller.signal },
        (p) => {
          const now = performance.now()
          if (now - lastReport < PROGRESS_INTERVAL_MS) return
          lastReport = now
          void onProgress(p)
        },
      )
      void onProgress({ bytesWritten: result.attachmentBytes, messagesWritten: result.messages })
      return { ok: true, result, stopped: controller.signal.aborted }
    } catch (e) {
      if (isAppError(e)) return { ok: false, code: e.code, message: e.message }
      return { ok: false, code: 'internal', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }
    } finally {
      db.close()
      running = undefined
    }
  },

  cancel() {
    running?.abort()
  },
}

expose(api)
