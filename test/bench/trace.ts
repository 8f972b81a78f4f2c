import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Page } from '@playwright/test'

/**
 * BENCH_TRACE=1: a Chromium trace with V8's sampling profiler on every thread of the page's renderer
 * (the page and its workers), written as JSON for test/bench/traceProfile.ts to sum per thread
 * and function.
 */
export async function startTrace(page: Page): Promise<{ stop(path: string): Promise<void> }> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Tracing.start', {
    transferMode: 'ReturnAsStream',
    traceConfig: { includedCategories: ['disabled-by-default-v8.cpu_profiler', 'v8', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'toplevel'] },
  })
  return {
    async stop(path) {
      const done = new Promise<string>((resolve) => cdp.once('Tracing.tracingComplete', (e) => resolve(e.stream!)))
      await cdp.send('Tracing.end')
      const handle = await done
      const parts: string[] = []
      for (;;) {
        const { data, eof, base64Encoded } = await cdp.send('IO.read', { handle, size: 1 << 20 })
        parts.push(base64Encoded ? Buffer.from(data, 'base64').toString('utf8') : data)
        if (eof) break
      }
      await cdp.send('IO.close', { handle })
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, parts.join(''))
      console.log(`trace: ${path}`)
    },
  }
}
