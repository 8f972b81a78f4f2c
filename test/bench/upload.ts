/**
 * `npm run bench:upload`: the upload queue against plain curl, on the same bytes to the same kind of
 * server (docs/BENCHMARKS.md, Upload). BENCH_UPLOAD_MIB sets the size (default 1024).
 *
 * 1. queue: a page of the app's origin stages that many bytes of sealed-size objects (4 MiB parts)
 *    and drains them through the real queue (Dexie outbox, staging area, fetch with Content-Digest).
 * 2. curl: the objects the server stored, PUT again to a fresh server and account by curl, 4 at a
 *    time on kept-alive connections, with Content-Digest and the session cookie.
 * 3. app: sample chats with that many MiB of photos and files, "Back up now" until "Backed up"
 *    (reading, sealing and uploading at once).
 * Results: a table and .bench/upload-results.json. Times of server-side windows come from its request log.
 */
import { chromium, type Page } from '@playwright/test'
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { Authenticators } from '../e2e/drivers/authenticator'
import { KeepsakeServer } from '../e2e/drivers/server'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/fixtures'
import type { UploadBench } from './upload/drainBench'

const MiB = 1024 * 1024
const SIZE_MIB = Number(process.env.BENCH_UPLOAD_MIB ?? 1024)
const PARALLEL = 4
const root = fileURLToPath(new URL('../../', import.meta.url))
const dist = join(root, '.bench/upload-dist')
const MBps = (bytes: number, ms: number) => Math.round((bytes / 1e6 / (ms / 1000)) * 10) / 10

/** First start and last end of the chunk uploads in a server's request log (ms since epoch). */
function putWindow(logs: string): { puts: number; ms: number } {
  const puts = logs
    .split('\n')
    .filter((line) => line.includes('"msg":"request"') && line.includes('"method":"PUT"') && line.includes('/api/chunks/'))
    .map((line) => JSON.parse(line) as { time: string; ms: number })
  if (process.env.BENCH_VERBOSE) for (const r of puts) console.log(`  PUT ${r.time} ${r.ms} ms`)
  if (puts.length === 0) throw new Error('the server logged no chunk uploads')
  return { puts: puts.length, ms: Math.max(...puts.map((r) => Date.parse(r.time))) - Math.min(...puts.map((r) => Date.parse(r.time) - r.ms)) }
}

async function signUp(page: Page, base: string, name: string): Promise<void> {
  await page.goto(`${base}/#/settings`)
  const account = page.getByRole('region', { name: 'Account' })
  await account.getByLabel('Your name').fill(name)
  await account.getByRole('button', { name: 'Create account with passkey', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: 'Recovery key' })
  await dialog.getByRole('button', { name: 'I saved my recovery key' }).click()
  await dialog.waitFor({ state: 'hidden' })
}

/** Leaves the app for a page without its service worker (which would answer any navigation with the app). */
async function openBenchPage(page: Page): Promise<void> {
  await page.evaluate(async () => Promise.all((await navigator.serviceWorker.getRegistrations()).map((r) => r.unregister())))
  await page.goto(new URL('/bench-upload/index.html', page.url()).href)
  await page.waitForFunction(() => 'uploadBench' in window)
}

/** Runs `call` in the benchmark page with its `uploadBench` and a JSON argument. */
function bench<T, A>(page: Page, call: (b: UploadBench, arg: A) => Promise<T>, arg: A): Promise<T> {
  return page.evaluate(([source, a]) => (new Function('b', 'a', `return (${source})(b, a)`) as (b: unknown, a: unknown) => Promise<T>)((window as never as { uploadBench: UploadBench }).uploadBench, a), [call.toString(), arg] as const)
}

async function main() {
  execFileSync('npx', ['vite', 'build', '--logLevel', 'error', '--outDir', dist, '--emptyOutDir'], { cwd: root, stdio: 'inherit' })
  await build({ root: join(root, 'test/bench/upload'), base: '/bench-upload/', logLevel: 'warn', build: { target: 'es2022', outDir: join(dist, 'bench-upload'), emptyOutDir: true } })
  const results: Record<string, unknown> = { mib: SIZE_MIB, date: new Date().toISOString(), parallel: PARALLEL, loadAverageBefore: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ') }
  const profileDir = mkdtempSync(join(tmpdir(), 'keepsake-bench-upload-'))
  const chunkDir = mkdtempSync(join(tmpdir(), 'keepsake-bench-chunks-'))
  const servers: KeepsakeServer[] = []
  const context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true })
  try {
    const page = context.pages()[0] ?? (await context.newPage())
    page.setDefaultTimeout(60 * 60_000)
    page.on('pageerror', (e) => console.log(`[page error] ${e.message}`))
    await new Authenticators(context, page).add({ hasPrf: true })

    // 1. The queue alone.
    const first = await KeepsakeServer.launch({ staticDir: dist })
    servers.push(first)
    await signUp(page, first.url, 'Queue')
    await openBenchPage(page)
    const staged = await bench(page, (b, bytes) => b.stage(bytes), SIZE_MIB * MiB)
    const drained = await bench(page, (b) => b.drain(), null)
    if (drained.outcome !== 'drained') throw new Error(`the drain ended ${drained.outcome}: ${JSON.stringify(drained.status)}`)
    const queueWindow = putWindow(first.logs)
    results.queue = { bytes: staged.storedBytes, chunks: staged.objects, puts: queueWindow.puts, ms: Math.round(drained.ms), MBps: MBps(staged.storedBytes, drained.ms), serverWindowMBps: MBps(staged.storedBytes, queueWindow.ms) }
    console.log('queue', JSON.stringify(results.queue))

    for (const from of ['indexeddb', 'opfs', 'memory'] as const) {
      const raw = await bench(page, (b, [bytes, mode]) => b.rawPuts(bytes, mode), [SIZE_MIB * MiB, from] as const)
      const rawBytes = (raw.objects * staged.storedBytes) / staged.objects
      results[`fetch-${from}`] = { bytes: rawBytes, chunks: raw.objects, ms: Math.round(raw.ms), MBps: MBps(rawBytes, raw.ms) }
      console.log(`fetch-${from}`, JSON.stringify(results[`fetch-${from}`]))
    }

    // 2. curl, the same objects as the server stored them, to a fresh server and account.
    const files: { id: string; path: string; digest: string; size: number }[] = []
    const blobs = join(first.dataDir, 'blobs', 'chunks')
    const queued = new Set(staged.ids)
    for (const account of readdirSync(blobs)) {
      for (const name of readdirSync(join(blobs, account))) {
        if (!queued.has(name.slice(0, 64))) continue
        const bytes = readFileSync(join(blobs, account, name))
        const path = join(chunkDir, name.slice(0, 64))
        writeFileSync(path, bytes)
        files.push({ id: name.slice(0, 64), path, size: bytes.length, digest: createHash('sha256').update(bytes).digest('base64') })
      }
    }
    await first.dispose()
    const second = await KeepsakeServer.launch({ staticDir: dist })
    servers.push(second)
    await signUp(page, second.url, 'Curl')
    const session = (await context.cookies(second.url)).find((c) => c.name === 'ks_session')!.value
    const config = join(chunkDir, 'curl.config')
    const transfer = (f: (typeof files)[number]) => [
      `url = "http://127.0.0.1:${second.port}/api/chunks/${f.id}"`, `upload-file = "${f.path}"`, 'header = "content-type: application/octet-stream"',
      `header = "content-digest: sha-256=:${f.digest}:"`, `header = "origin: ${second.url}"`, `cookie = "ks_session=${session}"`, 'output = "/dev/null"', 'fail', 'silent', 'show-error',
    ].join('\n')
    writeFileSync(config, files.map(transfer).join('\nnext\n'))
    const started = performance.now()
    // Not spawnSync: the server's log pipe must keep draining while curl runs.
    await promisify(execFile)('curl', ['--parallel', '--parallel-max', String(PARALLEL), '-K', config], { maxBuffer: 64 * MiB })
    const curlMs = performance.now() - started
    await new Promise((resolve) => setTimeout(resolve, 500))
    const bytes = files.reduce((sum, f) => sum + f.size, 0)
    results.curl = { bytes, chunks: files.length, puts: putWindow(second.logs).puts, ms: Math.round(curlMs), MBps: MBps(bytes, curlMs), version: execFileSync('curl', ['--version'], { encoding: 'utf8' }).split(' ').slice(0, 2).join(' ') }
    console.log('curl', JSON.stringify(results.curl))
    rmSync(chunkDir, { recursive: true, force: true })

    // 3. The app, end to end: reading, sealing and uploading a backup of sample chats.
    const third = await KeepsakeServer.launch({ staticDir: dist })
    servers.push(third)
    await page.goto(`${third.url}/#/settings`)
    await page.getByRole('spinbutton', { name: 'Size in MiB' }).fill(String(SIZE_MIB))
    await page.getByRole('button', { name: 'Generate sample data' }).click()
    await page.getByRole('status').filter({ hasText: /^Done/ }).waitFor()
    await signUp(page, third.url, 'App')
    const section = page.getByRole('region', { name: 'Backup' })
    const clicked = Date.now()
    await section.getByRole('button', { name: 'Back up now' }).click()
    await section.getByRole('status').filter({ hasText: /^Backed up / }).waitFor()
    const backedUp = Date.now()
    const [snapshot] = await page.evaluate(async () => ((await (await fetch('/api/snapshots')).json()) as { snapshots: { sizeBytes: number; chunkCount: number }[] }).snapshots)
    const appWindow = putWindow(third.logs)
    results.app = { bytes: snapshot!.sizeBytes, chunks: snapshot!.chunkCount, puts: appWindow.puts, ms: backedUp - clicked, MBps: MBps(snapshot!.sizeBytes, backedUp - clicked), uploadWindowMBps: MBps(snapshot!.sizeBytes, appWindow.ms) }
    console.log('app', JSON.stringify(results.app))

    results.queueOverCurl = Math.round(((results.queue as { MBps: number }).MBps / (results.curl as { MBps: number }).MBps) * 100) / 100
    results.chromium = context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent.match(/Chrom\w+\/[\d.]+/)?.[0]))
    results.loadAverageAfter = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  } catch (e) {
    console.error('upload benchmark failed:', e)
    process.exitCode = 1
  } finally {
    await context.close().catch(() => undefined)
    for (const server of servers) await server.dispose()
    rmSync(profileDir, { recursive: true, force: true })
    rmSync(chunkDir, { recursive: true, force: true })
  }
  if (process.exitCode) return
  mkdirSync(join(root, '.bench'), { recursive: true })
  writeFileSync(join(root, '.bench/upload-results.json'), JSON.stringify(results, null, 2))
  console.table({ queue: results.queue, 'fetch-indexeddb': results['fetch-indexeddb'], 'fetch-opfs': results['fetch-opfs'], 'fetch-memory': results['fetch-memory'], curl: results.curl, app: results.app })
  console.log(`queue / curl: ${results.queueOverCurl}`)
}

await main()
