/**
 * `npm run bench:restore`: the restore of a backup of BENCH_BYTES of photos and files (default
 * 1 GiB) through the real app and server, as a person does it: sample chats, an account, "Back up
 * now", then a new device (same synced passkey) that signs in and restores. Measures the restore's
 * plaintext throughput and the renderer's peak RSS (/proc), checks the result is identical, and
 * writes .bench/restore-<bytes>.json. See docs/BENCHMARKS.md.
 */
import { chromium, expect, type Page } from '@playwright/test'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { AccountDriver } from '../e2e/drivers/account'
import { Authenticators } from '../e2e/drivers/authenticator'
import { Device } from '../e2e/drivers/device'
import { BackupDriver } from '../e2e/drivers/backup'
import { chatsFingerprint, RestoreDriver } from '../e2e/drivers/restore'
import { KeepsakeServer } from '../e2e/drivers/server'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/fixtures'
import { startTrace } from './trace'
import { findChromium, rss, RssSampler } from './procMemory'

const MiB = 1024 * 1024
const BYTES = Number(process.env.BENCH_BYTES ?? 1024 * MiB)
const root = fileURLToPath(new URL('../../', import.meta.url))
const dist = join(root, '.bench/restore-dist')
const mbps = (bytes: number, seconds: number) => Math.round(bytes / 1e6 / seconds)
const LONG = { timeout: 30 * 60_000 }

async function timed<T>(name: string, step: () => Promise<T>): Promise<T> {
  const started = performance.now()
  const value = await step()
  console.log(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`)
  return value
}

async function generateSampleData(page: Page): Promise<void> {
  await page.goto('/#/settings')
  await page.getByRole('spinbutton', { name: 'Size in MiB' }).fill(String(Math.round(BYTES / MiB)))
  await page.getByRole('button', { name: 'Generate sample data' }).click()
  await expect(page.getByRole('status').filter({ hasText: /^Done/ })).toBeVisible(LONG)
}

/** "Back up now", until the Backup section says the snapshot is on the server; returns its chunk count. */
async function backUp(page: Page): Promise<number> {
  const backup = new BackupDriver(page)
  await backup.backUpNow()
  await backup.waitUntilBackedUp(LONG.timeout)
  const [snapshot] = await backup.serverSnapshots()
  return snapshot!.chunkCount
}

/** Peak summed RSS of the processes `pids()` names, sampled every 100 ms until `stop()`. */
function samplePeak(pids: () => number[], threads?: Map<string, number>): { stop(): number } {
  let peak = 0
  let n = 0
  const sample = () => {
    // Threads end with their workers: keep each one's last CPU time seen.
    if (threads) for (const [name, s] of threadTimes(pids())) threads.set(name, Math.max(threads.get(name) ?? 0, s))
    const now = pids().map((pid) => rss(pid))
    peak = Math.max(peak, now.reduce((sum, bytes) => sum + bytes, 0))
    if (process.env.BENCH_VERBOSE && n++ % 10 === 0) console.log(`device B renderers (MB): ${now.map((b) => Math.round(b / 1e6)).join(' ')}`)
  }
  sample()
  const timer = setInterval(sample, 100)
  return { stop: () => (clearInterval(timer), peak) }
}

/** CPU seconds per thread of these processes (`/proc/<pid>/task/<tid>`), by thread name. */
function threadTimes(pids: number[]): Map<string, number> {
  const times = new Map<string, number>()
  for (const pid of pids) {
    for (const tid of readdirSync(`/proc/${pid}/task`, { withFileTypes: false }) as string[]) {
      try {
        const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim()
        const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
        times.set(`${name}#${tid}`, (Number(fields[11]) + Number(fields[12])) / 100)
        // System time apart: page faults of fresh buffers and file writes show there.
        times.set(`${name}#${tid}(sys)`, Number(fields[12]) / 100)
      } catch {
        // the thread ended between the listing and the read
      }
    }
  }
  return times
}

function threadCpu(seen: Map<string, number>, before: Map<string, number>): string {
  return [...seen]
    .map(([name, s]) => [name, s - (before.get(name) ?? 0)] as const)
    .filter(([, s]) => s >= 0.2)
    .sort((a, b) => b[1] - a[1])
    .map(([name, s]) => `${name}:${s.toFixed(1)}`)
    .join(' ')
}

async function main() {
  // Traced builds keep their function names, so the profile reads without a source map.
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir: dist, emptyOutDir: true, minify: !process.env.BENCH_TRACE } })
  const server = await KeepsakeServer.launch({ staticDir: dist, env: { LOG_LEVEL: 'warn' } })
  const profileDir = mkdtempSync(join(tmpdir(), 'keepsake-bench-restore-'))
  const context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, baseURL: server.url })
  // tsx names functions with an `__name` helper that page.evaluate does not carry over: give the page one.
  await context.addInitScript('globalThis.__name = (f) => f')
  const page = context.pages()[0] ?? (await context.newPage())
  page.setDefaultTimeout(120_000)
  const results: Record<string, unknown> = { bytes: BYTES, chromium: context.browser()?.version() ?? 'persistent', date: new Date().toISOString() }
  try {
    const authenticator = new Authenticators(context, page)
    await authenticator.add({ hasPrf: true })
    const account = new AccountDriver(page)
    await page.goto('/')
    await timed('sample data', () => generateSampleData(page))
    await account.open()
    await account.createAccount('Bench')
    await account.confirmRecoveryKeySaved()
    const chunks = await timed('back up and upload', () => backUp(page))
    const original = await timed('fingerprint (device A)', () => chatsFingerprint(page))

    const deviceA = new Set(findChromium(profileDir)?.renderers ?? [])
    await new Device(context, page).wipe()
    // Through another site (127.0.0.1 is not localhost), so device B gets a renderer process of its
    // own instead of the one that made the sample data and the backup.
    await page.goto(`http://127.0.0.1:${server.port}/healthz`)
    await account.open()
    await account.signIn()
    const restore = new RestoreDriver(page)
    await restore.showBackups()
    // The renderer before the restore (the page idle, signed in), to tell the restore's memory from the page's.
    const idle = new RssSampler(profileDir)
    idle.start()
    await new Promise((r) => setTimeout(r, 2000))
    results.idle = idle.stop()
    const sampler = new RssSampler(profileDir)
    sampler.start()
    // Device A's renderer can outlive the switch (back/forward cache): device B's are the others.
    const deviceBRenderers = () => (findChromium(profileDir)?.renderers ?? []).filter((pid) => !deviceA.has(pid))
    const threadsBefore = threadTimes(deviceBRenderers())
    const threadsSeen = new Map<string, number>()
    const deviceB = samplePeak(deviceBRenderers, threadsSeen)
    const trace = process.env.BENCH_TRACE ? await startTrace(page) : null
    const started = performance.now()
    await restore.backups.first().getByRole('button', { name: 'Restore' }).click()
    await expect(restore.status).toHaveText('Restore complete', LONG)
    const seconds = (performance.now() - started) / 1000
    if (trace) await trace.stop(join(root, `.bench/restore-trace-${BYTES}.json`))
    if (process.env.BENCH_VERBOSE) console.log(`device B renderer threads (CPU s): ${threadCpu(threadsSeen, threadsBefore)}`)
    const memory = { ...sampler.stop(), peakDeviceBRendererMB: Math.round(deviceB.stop() / 1e6) }
    const job = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('keepsake-restore')
        request.onsuccess = () => resolve(request.result)
        request.onerror = () => reject(request.error)
      })
      const row = await new Promise<Record<string, number>>((resolve) => {
        const request = db.transaction('job').objectStore('job').get('current')
        request.onsuccess = () => resolve(request.result as Record<string, number>)
      })
      db.close()
      return { bytesTotal: row.bytesTotal!, conversations: row.conversationsDone!, messages: row.messagesDone!, attachments: row.attachmentsDone! }
    })
    results.restore = { ...job, chunks, seconds: Math.round(seconds * 10) / 10, MBps: mbps(job.bytesTotal, seconds), ...memory }
    console.log('restore', JSON.stringify(results.restore))
    const restored = await timed('fingerprint (device B)', () => chatsFingerprint(page))
    expect(restored).toEqual(original)
    results.identical = true
    mkdirSync(join(root, '.bench'), { recursive: true })
    writeFileSync(join(root, `.bench/restore-${BYTES}.json`), `${JSON.stringify(results, null, 2)}\n`)
  } finally {
    await context.close()
    await server.dispose()
    rmSync(profileDir, { recursive: true, force: true })
  }
}

await main()
