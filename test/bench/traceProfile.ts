/**
 * `tsx test/bench/traceProfile.ts .bench/<restore|backup>-trace-<bytes>.json [top]`: where the
 * renderer's JavaScript time went during a run traced with BENCH_TRACE=1 (bench:restore, bench). Per
 * thread (the page's main thread and each worker): sampled time, then the functions with the most
 * self time and the most inclusive time.
 */
import { readFileSync } from 'node:fs'

interface CallFrame {
  functionName: string
  url: string
  lineNumber: number
}
interface ProfileNode {
  id: number
  callFrame: CallFrame
  parent?: number
}
interface TraceEvent {
  ph: string
  name: string
  pid: number
  tid: number
  id?: string
  args?: { name?: string; data?: { cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] }; timeDeltas?: number[] } }
}

const [path, topArg] = process.argv.slice(2)
if (!path) throw new Error('usage: traceProfile.ts <trace.json> [top]')
const top = Number(topArg ?? 25)
const raw = JSON.parse(readFileSync(path, 'utf8')) as TraceEvent[] | { traceEvents: TraceEvent[] }
const events = Array.isArray(raw) ? raw : raw.traceEvents

const threadNames = new Map<string, string>()
for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?')

interface Profile {
  thread: string
  nodes: Map<number, ProfileNode>
  self: Map<number, number>
}
// ProfileChunk events come from the profiler's own thread: the Profile event names the sampled one.
const sampled = new Map<string, string>()
for (const e of events) if (e.name === 'Profile') sampled.set(`${e.pid}:${e.id}`, `${threadNames.get(`${e.pid}:${e.tid}`) ?? 'thread'} ${e.pid}:${e.tid}`)
const profiles = new Map<string, Profile>()
for (const e of events) {
  if (e.name !== 'ProfileChunk') continue
  const key = `${e.pid}:${e.id}`
  let p = profiles.get(key)
  if (!p) profiles.set(key, (p = { thread: sampled.get(key) ?? `thread ${key}`, nodes: new Map(), self: new Map() }))
  const data = e.args?.data
  for (const node of data?.cpuProfile?.nodes ?? []) p.nodes.set(node.id, node)
  const samples = data?.cpuProfile?.samples ?? []
  const deltas = data?.timeDeltas ?? []
  samples.forEach((id, i) => p.self.set(id, (p.self.get(id) ?? 0) + Math.max(0, deltas[i] ?? 0)))
}

const label = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${(f.url ?? '').replace(/^.*\//, '')}:${f.lineNumber + 1}`
const ms = (us: number) => `${(us / 1000).toFixed(0)} ms`
for (const p of [...profiles.values()].sort((a, b) => sum(b) - sum(a))) {
  const idle = [...p.self].filter(([id]) => p.nodes.get(id)?.callFrame.functionName === '(idle)').reduce((n, [, t]) => n + t, 0)
  console.log(`\n== ${p.thread}: ${ms(sum(p) - idle)} busy (${ms(idle)} idle)`)
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  for (const [id, t] of p.self) {
    const node = p.nodes.get(id)
    if (!node || node.callFrame.functionName === '(idle)') continue
    self.set(label(node.callFrame), (self.get(label(node.callFrame)) ?? 0) + t)
    const seen = new Set<string>()
    for (let n: ProfileNode | undefined = node; n; n = n.parent === undefined ? undefined : p.nodes.get(n.parent)) {
      const l = label(n.callFrame)
      if (seen.has(l)) continue
      seen.add(l)
      inclusive.set(l, (inclusive.get(l) ?? 0) + t)
    }
  }
  console.log('  self:')
  for (const [l, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`    ${ms(t).padStart(8)}  ${l}`)
  console.log('  inclusive:')
  for (const [l, t] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`    ${ms(t).padStart(8)}  ${l}`)
}

function sum(p: Profile): number {
  let n = 0
  for (const t of p.self.values()) n += t
  return n
}
