import { readFileSync, readdirSync } from 'node:fs'

/** Chromium's processes for one profile, found in /proc: the browser process and its renderers. */
export interface ChromiumProcesses {
  browser: number
  renderers: number[]
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return null
  }
}

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
  return { browser, renderers }
}

/** Resident set size of a process in bytes (VmRSS from /proc/<pid>/status), or 0 once it has exited. */
export function rss(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? '')
  return match ? Number(match[1]) * 1024 : 0
}

/** Samples the renderers' and the browser process's RSS every `intervalMs` and keeps the peaks. */
export class RssSampler {
  peakRenderer = 0
  peakBrowser = 0
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
    }
    sample()
    this.timer = setInterval(sample, this.intervalMs)
  }

  stop(): { peakRendererMB: number; peakBrowserMB: number } {
    clearInterval(this.timer)
    return { peakRendererMB: Math.round(this.peakRenderer / 1e6), peakBrowserMB: Math.round(this.peakBrowser / 1e6) }
  }
}
