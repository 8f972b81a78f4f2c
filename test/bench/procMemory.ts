import { readFileSync, readdirSync } from 'node:fs'

/** Chromium's processes for one profile, found in /proc: the browser process and its renderers. */
export interface ChromiumProcesses {
  browser: number
  renderers: number[]
  /** The browser process and every process below it (renderers, zygotes, utility and storage services). */
  all: number[]
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return null
  }
}

/** Process kinds by pid, for the per-process CPU breakdown BENCH_VERBOSE prints. */
export const kinds = new Map<number, string>()

export function findChromium(profileDir: string): ChromiumProcesses | null {
  const pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number)
  // Zygote-forked children rewrite their title: their cmdline is one space-separated string.
  const cmdline = new Map(pids.map((pid) => [pid, (read(`/proc/${pid}/cmdline`) ?? '').split(/[\0 ]/)]))
  const parent = new Map(pids.map((pid) => [pid, Number((read(`/proc/${pid}/stat`) ?? '').replace(/^.*\) \S+ /, '').split(' ')[0])]))
  const browser = pids.find((pid) => {
    const args = cmdline.get(pid)!
    return args.includes(`--user-data-dir=${profileDir}`) && !args.some((a) => a.startsWith('--type='))
  })
  if (browser === undefined) return null
  const descends = (pid: number): boolean => {
    for (let p = parent.get(pid), hops = 0; p && hops < 10; p = parent.get(p), hops++) if (p === browser) return true
    return false
  }
  const renderers = pids.filter((pid) => cmdline.get(pid)!.includes('--type=renderer') && descends(pid))
  const all = [browser, ...pids.filter(descends)]
  if (process.env.BENCH_VERBOSE) for (const pid of all) kinds.set(pid, (cmdline.get(pid)!.find((a) => a.startsWith('--utility-sub-type=')) ?? cmdline.get(pid)!.find((a) => a.startsWith('--type=')) ?? 'browser').replace(/^--[a-z-]+=/, ''))
  return { browser, renderers, all }
}

/** Resident set size of a process in bytes (VmRSS from /proc/<pid>/status), or 0 once it has exited. */
export function rss(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? '')
  return match ? Number(match[1]) * 1024 : 0
}

/** CPU time a process has used so far (user + system, seconds), from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const fields = (read(`/proc/${pid}/stat`) ?? '').replace(/^.*\) /, '').split(' ')
  return fields.length > 13 ? (Number(fields[11]) + Number(fields[12])) / 100 : 0
}

/** Samples the renderers' and the browser process's RSS every `intervalMs` and keeps the peaks. */
export class RssSampler {
  peakRenderer = 0
  peakBrowser = 0
  /** CPU seconds per Chromium process of the profile, at the last sample (exited processes keep their last value). */
  private cpu = new Map<number, number>()
  private cpuAtStart = 0
  private cpuStart = new Map<number, number>()
  private timer: NodeJS.Timeout | undefined
  constructor(private readonly profileDir: string, private readonly intervalMs = 100) {}

  start(): void {
    this.peakRenderer = 0
    this.peakBrowser = 0
    const sample = () => {
      const found = findChromium(this.profileDir)
      if (!found) return
      for (const pid of found.renderers) this.peakRenderer = Math.max(this.peakRenderer, rss(pid))
      this.peakBrowser = Math.max(this.peakBrowser, rss(found.browser))
      for (const pid of found.all) this.cpu.set(pid, Math.max(this.cpu.get(pid) ?? 0, cpuSeconds(pid)))
    }
    sample()
    this.cpuAtStart = [...this.cpu.values()].reduce((a, b) => a + b, 0)
    this.cpuStart = new Map(this.cpu)
    this.timer = setInterval(sample, this.intervalMs)
  }

  stop(): { peakRendererMB: number; peakBrowserMB: number; chromiumCpuSeconds: number; loadAverage: number } {
    clearInterval(this.timer)
    const cpu = [...this.cpu.values()].reduce((a, b) => a + b, 0) - this.cpuAtStart
    if (process.env.BENCH_VERBOSE) console.log([...this.cpu].map(([pid, s]) => `${kinds.get(pid)}:${(s - (this.cpuStart.get(pid) ?? 0)).toFixed(1)}`).join(' '))
    const loadAverage = Number((read('/proc/loadavg') ?? '0').split(' ')[0])
    return { peakRendererMB: Math.round(this.peakRenderer / 1e6), peakBrowserMB: Math.round(this.peakBrowser / 1e6), chromiumCpuSeconds: Math.round(cpu * 10) / 10, loadAverage }
  }
}
