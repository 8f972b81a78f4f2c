/**
 * npm run load: N simulated devices (real HTTP from Node, each with its own account made with a
 * software passkey through the real API) back up in rounds and then restore, against one server
 * process and against two, both on S3 + PostgreSQL. Prints throughput, p50/p99 latency per kind
 * of request and the servers' resident memory (VmRSS from /proc). Loopback only; bounded in
 * rounds and in seconds. Needs the services: test/services/with-services.sh does that for `npm run load`.
 *
 *   npm run load -- --clients 16 --rounds 20 --chunk-kib 256 --chunks-per-round 4 --max-seconds 120
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { provisionStorage, scaleBackend } from '../server/backends'
import { writeStaticSite } from '../server/startTestServer'
import { LatencyLog } from './LatencyLog'
import { LoadClient } from './LoadClient'
import { ServerProcess } from './ServerProcess'

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '15' },
    'chunk-kib': { type: 'string', default: '256' },
    'chunks-per-round': { type: 'string', default: '4' },
    'max-seconds': { type: 'string', default: '120' },
    processes: { type: 'string', default: '1,2' },
  },
})
const clients = Number(values.clients)
const plan = { rounds: Number(values.rounds), chunksPerRound: Number(values['chunks-per-round']), chunkBytes: Number(values['chunk-kib']) * 1024 }
const maxSeconds = Number(values['max-seconds'])
/** One public origin, as behind a load balancer: every process accepts it. */
const ORIGIN = 'http://localhost:8443'

if (!scaleBackend) {
  console.error('npm run load needs PostgreSQL and S3: run it as `npm run load` (which starts them) or inside test/services/with-services.sh')
  process.exit(1)
}

interface Result {
  processes: number
  seconds: { signUp: number; backup: number; restore: number }
  uploadedMiB: number
  downloadedMiB: number
  rounds: number
  latencies: ReturnType<LatencyLog['summary']>
  rss: { pid: number; afterSignUp: number; peak: number; firstHalf: number; secondHalf: number; endOfBackup: number; endOfRestore: number }[]
  /** The machine's 1-minute load average at the end (other work on the machine slows every number). */
  loadAverage: number
}

async function measure(processes: number, staticDir: string): Promise<Result> {
  const storage = await provisionStorage(scaleBackend)
  const env = { ...storage.env, STATIC_DIR: staticDir, ORIGINS: ORIGIN, AUTH_RATE_LIMIT: '100000', LOG_LEVEL: 'info' }
  const servers = await Promise.all(Array.from({ length: processes }, () => ServerProcess.start(env)))
  const peak = servers.map(() => 0)
  /** RSS samples during the backup phase, to compare its first half with its second (flat or growing). */
  const during: { at: number; mib: number[] }[] = []
  let sampling = false
  const sampler = setInterval(() => {
    void Promise.all(servers.map((server) => server.rssMiB())).then((mib) => {
      mib.forEach((m, i) => (peak[i] = Math.max(peak[i]!, m)))
      if (sampling) during.push({ at: performance.now(), mib })
    }, () => undefined)
  }, 200)
  try {
    const log = new LatencyLog()
    const devices = Array.from({ length: clients }, () => new LoadClient(servers.map((s) => s.url), ORIGIN, log))
    const deadline = Date.now() + maxSeconds * 1000
    let started = performance.now()
    await Promise.all(devices.map((device, i) => device.signUp(`Device ${i}`)))
    const signUp = (performance.now() - started) / 1000
    const afterSignUp = await Promise.all(servers.map((s) => s.rssMiB()))

    started = performance.now()
    sampling = true
    const rounds = await Promise.all(devices.map((device) => device.backUp({ ...plan, deadline })))
    sampling = false
    const backup = (performance.now() - started) / 1000
    const middle = started + (backup * 1000) / 2
    const halfMax = (i: number, second: boolean) => Math.max(0, ...during.filter((s) => s.at >= middle === second).map((s) => s.mib[i]!))
    const endOfBackup = await Promise.all(servers.map((s) => s.rssMiB()))

    started = performance.now()
    await Promise.all(devices.map((device) => device.restore(deadline + 60_000)))
    const restore = (performance.now() - started) / 1000
    const endOfRestore = await Promise.all(servers.map((s) => s.rssMiB()))
    return {
      processes,
      seconds: { signUp, backup, restore },
      uploadedMiB: devices.reduce((sum, d) => sum + d.uploadedBytes, 0) / 2 ** 20,
      downloadedMiB: devices.reduce((sum, d) => sum + d.downloadedBytes, 0) / 2 ** 20,
      rounds: rounds.reduce((a, b) => a + b, 0),
      latencies: log.summary(signUp + backup + restore),
      rss: servers.map((s, i) => ({
        pid: s.pid,
        afterSignUp: afterSignUp[i]!,
        peak: peak[i]!,
        firstHalf: halfMax(i, false),
        secondHalf: halfMax(i, true),
        endOfBackup: endOfBackup[i]!,
        endOfRestore: endOfRestore[i]!,
      })),
      loadAverage: loadavg()[0]!,
    }
  } finally {
    clearInterval(sampler)
    await Promise.all(servers.map((s) => s.stop()))
    await storage.dispose()
  }
}

function print(r: Result): void {
  const f = (n: number, digits = 1) => n.toFixed(digits)
  console.log(`\n### ${r.processes} server process${r.processes > 1 ? 'es' : ''}, ${clients} clients, ${plan.chunksPerRound} × ${plan.chunkBytes / 1024} KiB chunks per round`)
  console.log(`- ${r.rounds} backup rounds in ${f(r.seconds.backup)} s: ${f(r.uploadedMiB)} MiB uploaded, ${f(r.uploadedMiB / r.seconds.backup)} MiB/s`)
  console.log(`- restore: ${f(r.downloadedMiB)} MiB in ${f(r.seconds.restore)} s, ${f(r.downloadedMiB / r.seconds.restore)} MiB/s`)
  console.log(`- ${clients} sign-ups at once: ${f(r.seconds.signUp, 2)} s; machine load average ${f(r.loadAverage, 2)} (2 cores)\n`)
  console.log('| request | count | failed | p50 ms | p99 ms | max ms |')
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |')
  for (const l of r.latencies) console.log(`| ${l.kind} | ${l.count} | ${l.failed} | ${f(l.p50)} | ${f(l.p99)} | ${f(l.max)} |`)
  console.log('\n| process | RSS after sign-ups MiB | max in 1st half of backup | max in 2nd half | end of backup | end of restore | peak |')
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const [i, m] of r.rss.entries()) {
    console.log(`| ${i + 1} | ${f(m.afterSignUp)} | ${f(m.firstHalf)} | ${f(m.secondHalf)} | ${f(m.endOfBackup)} | ${f(m.endOfRestore)} | ${f(m.peak)} |`)
  }
}

const staticRoot = await mkdtemp(join(tmpdir(), 'keepsake-load-'))
await writeStaticSite(staticRoot)
let failed = false
try {
  for (const processes of values.processes.split(',').map(Number)) {
    const result = await measure(processes, staticRoot)
    print(result)
    if (result.latencies.some((l) => l.failed)) failed = true
  }
} finally {
  await rm(staticRoot, { recursive: true, force: true })
}
process.exit(failed ? 1 : 0)
