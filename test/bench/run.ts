/**
 * `npm run bench`: the backup pipeline in headless Chromium with a persistent profile, against
 * native age and in-browser peers on the same bytes. BENCH_BYTES sets the attachment bytes
 * (default 1 GiB); results print as a table and go to .bench/results-<bytes>.json. See docs/BENCHMARKS.md.
 */
import { chromium, type Page } from '@playwright/test'
import { createReadStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/fixtures'
import { ensureAge, timeAge } from './nativeAge'
import { startTrace } from './trace'
import { RssSampler } from './procMemory'

const GiB = 1024 ** 3
const BYTES = Number(process.env.BENCH_BYTES ?? GiB)
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 24)
const CAPACITY = 256 * 1024 * 1024
/** BENCH_QUICK=1 measures the hash-wasm pipeline and the read/hash/encrypt baselines only (for working on it). */
const QUICK = process.env.BENCH_QUICK === '1'
/** Sealing workers (the app uses two). */
const SEALERS = Number(process.env.BENCH_SEALERS ?? 2)
const root = fileURLToPath(new URL('../../', import.meta.url))
const dist = join(root, '.bench/dist')
const mbps = (bytes: number, seconds: number) => Math.round(bytes / 1e6 / seconds)

async function main() {
  // Unminified when traced, so the profile names functions.
  await build({ configFile: fileURLToPath(new URL('./vite.config.ts', import.meta.url)), build: { minify: !process.env.BENCH_TRACE } })
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' }
  const server = createServer((req, res) => {
    const path = join(dist, (req.url ?? '/').split('?')[0] === '/' ? 'index.html' : req.url!.split('?')[0]!)
    if (!path.startsWith(dist) || !statSync(path, { throwIfNoEntry: false })?.isFile()) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' })
    createReadStream(path).pipe(res)
  }).listen(0, '127.0.0.1')
  await new Promise((r) => server.once('listening', r))
  const port = (server.address() as { port: number }).port

  const profileDir = mkdtempSync(join(tmpdir(), 'keepsake-bench-profile-'))
  const context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, acceptDownloads: true })
  const page = context.pages()[0] ?? (await context.newPage())
  page.on('console', (m) => (process.env.BENCH_VERBOSE || m.type() === 'error') && console.log(`[page] ${m.text()}`))
  page.on('pageerror', (e) => console.log(`[page error] ${e.message}`))
  await page.goto(`http://localhost:${port}/`)
  await page.waitForFunction(() => 'bench' in window)
  const sampler = new RssSampler(profileDir)
  const results: Record<string, unknown> = { bytes: BYTES, conversations: CONVERSATIONS, chromium: context.browser()?.version() ?? 'persistent', date: new Date().toISOString() }
  const measured = async <T>(name: string, step: () => Promise<T>) => {
    sampler.start()
    // BENCH_VERBOSE: the running backup's row every 5 s (page.evaluate runs beside the pending step).
    const watch = process.env.BENCH_VERBOSE ? setInterval(() => void bench(page, (b) => b.progress(), null).then((p) => console.log(`  … ${name}: ${JSON.stringify(p)}`), () => undefined), 5000) : undefined
    const value = await step().finally(() => clearInterval(watch))
    const memory = sampler.stop()
    results[name] = { ...value, ...memory }
    console.log(name, JSON.stringify(results[name]))
    return value
  }

  try {
    const generated = await measured('generate', () => bench(page, (b, [bytes, n]) => b.generate(bytes, 1, n), [BYTES, CONVERSATIONS]))
    const download = page.waitForEvent('download', { timeout: 600_000 })
    const exported = await bench(page, (b) => b.exportAttachments(), null)
    const file = await (await download).path()
    if (statSync(file).size !== exported) throw new Error(`export wrote ${statSync(file).size} of ${exported} bytes`)
    if (!QUICK && ensureAge()) {
      const seconds = timeAge(file)
      results.age = { bytes: exported, seconds, MBps: mbps(exported, seconds) }
      console.log('age', JSON.stringify(results.age))
    }
    rmSync(file, { force: true })
    // Start the measured steps from a fresh page: the export's 4 GiB object URL and its Blob
    // references stay with the old document (with them alive, a 4 GiB run stalled here).
    await page.reload()
    await page.waitForFunction(() => 'bench' in window)

    for (const variant of QUICK ? (['hash-wasm'] as const) : (['hash-wasm', 'noble'] as const)) {
      await bench(page, (b) => b.resetBackups(), null)
      const trace = process.env.BENCH_TRACE && variant === 'hash-wasm' ? await startTrace(page) : null
      const run = await measured(`pipeline-${variant}`, () => bench(page, (b, [v, c, n]) => b.backUp(v, c, n), [variant, CAPACITY, SEALERS] as const))
      if (trace) await trace.stop(join(root, `.bench/backup-trace-${BYTES}.json`))
      Object.assign(results[`pipeline-${variant}`] as object, { MBps: mbps(run.bytesRead, run.seconds) })
    }
    for (const peer of QUICK ? (['read', 'stage', 'blake2b', 'aes-gcm'] as const) : (['read', 'openpgp', 'libsodium', 'blake2b', 'blake3', 'aes-gcm'] as const)) {
      const r = await measured(`peer-${peer}`, () => bench(page, (b, p) => b.peer(p), peer))
      Object.assign(results[`peer-${peer}`] as object, { MBps: mbps(r.bytes, r.seconds) })
    }

    if (QUICK) return
    // Incremental: the index now knows every chunk; add 1% new data (new chats with new files) and back up again.
    await measured('add-1-percent', () => bench(page, (b, [bytes]) => b.generate(bytes, 2, 2), [Math.round(BYTES / 100)]))
    const second = await measured('pipeline-incremental', () => bench(page, (b, [c]) => b.backUp('hash-wasm', c), [CAPACITY] as const))
    Object.assign(results['pipeline-incremental'] as object, { MBps: mbps(second.bytesRead, second.seconds), sealedShare: second.newBytes / second.bytesRead })

    const pipeline = results['pipeline-hash-wasm'] as { MBps: number; peakRendererMB: number }
    const age = results.age as { MBps: number } | undefined
    const row = (name: string, value: string) => console.log(`| ${name.padEnd(44)} | ${value.padStart(12)} |`)
    console.log(`\n${(BYTES / GiB).toFixed(2)} GiB of attachments, ${generated.messages} messages, ${generated.attachments} files`)
    row('pipeline (hash-wasm BLAKE2b, 2 sealers) MB/s', String(pipeline.MBps))
    if (age) row('native age MB/s (ratio pipeline/age)', `${age.MBps} (${(pipeline.MBps / age.MBps).toFixed(2)}×)`)
    row('pipeline with @noble/hashes MB/s', String((results['pipeline-noble'] as { MBps: number }).MBps))
    row('OpenPGP.js streaming (AEAD) MB/s', String((results['peer-openpgp'] as { MBps: number }).MBps))
    row('libsodium secretstream MB/s', String((results['peer-libsodium'] as { MBps: number }).MBps))
    row('renderer peak RSS during the pipeline, MB', String(pipeline.peakRendererMB))
    row('incremental: sealed share of bytes read', `${(second.newBytes / second.bytesRead * 100).toFixed(2)} %`)
  } finally {
    mkdirSync(join(root, '.bench'), { recursive: true })
    writeFileSync(join(root, `.bench/results-${BYTES}.json`), JSON.stringify(results, null, 2))
    await context.close()
    server.close()
    rmSync(profileDir, { recursive: true, force: true })
  }
}

type Bench = Window['bench']
/** Calls `window.bench` in the page with no timeout (a 4 GiB step takes minutes). */
function bench<A, R>(page: Page, fn: (b: Bench, arg: A) => Promise<R>, arg: A): Promise<R> {
  return page.evaluate(([source, a]) => (new Function('b', 'a', `return (${source})(b, a)`) as (b: unknown, a: unknown) => Promise<R>)(window.bench, a), [fn.toString(), arg] as const)
}

await main()
