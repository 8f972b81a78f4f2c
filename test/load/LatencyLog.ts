/** Request latencies by kind, and the percentiles of each. */
export class LatencyLog {
  private readonly samples = new Map<string, number[]>()
  private readonly failures = new Map<string, number>()

  record(kind: string, ms: number, ok: boolean): void {
    if (!ok) this.failures.set(kind, (this.failures.get(kind) ?? 0) + 1)
    const list = this.samples.get(kind) ?? []
    list.push(ms)
    this.samples.set(kind, list)
  }

  summary(seconds: number): { kind: string; count: number; failed: number; perSecond: number; p50: number; p99: number; max: number }[] {
    return [...this.samples].map(([kind, list]) => {
      const sorted = [...list].sort((a, b) => a - b)
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
      return { kind, count: list.length, failed: this.failures.get(kind) ?? 0, perSecond: list.length / seconds, p50: at(0.5), p99: at(0.99), max: sorted.at(-1)! }
    })
  }
}
