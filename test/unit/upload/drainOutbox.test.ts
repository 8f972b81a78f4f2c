import { describe, expect, it } from 'vitest'
import { failures } from './ScriptedServer'
import { UploadHarness } from './UploadHarness'

describe('draining the outbox', () => {
  it('uploads every staged chunk once, four at a time at most, then commits the snapshot with its manifest', async () => {
    const h = await UploadHarness.create(4, 600_000)
    h.server.putDelayMs = 5
    const summary = await h.backup.backUp()
    const commit = (await h.db.commits.get(summary.snapshotId))!

    expect(await h.drain()).toEqual({ state: 'drained' })
    expect(new Set(h.server.puts).size).toBe(h.server.puts.length)
    expect(h.server.puts.length).toBe(summary.newChunks)
    expect(h.server.maxInFlight).toBe(4)
    expect(h.server.snapshots.get(summary.snapshotId)?.chunkIds).toEqual(commit.chunkIds)
    expect(h.server.snapshots.get(summary.snapshotId)?.manifest).toEqual((await h.db.runs.get(summary.snapshotId))!.manifest)
    expect((await h.db.commits.get(summary.snapshotId))!.state).toBe('committed')
    expect(await h.rows('staged')).toEqual([])
    expect(await h.stagedIds()).toEqual([])
    const status = await h.status()
    expect([status.phase, status.chunksDone, status.chunksTotal, status.bytesDone]).toEqual(['idle', summary.newChunks, summary.newChunks, summary.stagedBytes])
  })

  it('commits nothing while a chunk it names is not confirmed, and commits once it is', async () => {
    const h = await UploadHarness.create()
    const summary = await h.backup.backUp()
    const [victim] = await h.rows('staged')
    h.server.fail((call) => (call.kind === 'put' && call.id === victim!.id ? failures.status(413, 'chunk-too-large') : undefined))

    expect(await h.drain()).toEqual({ state: 'failed', code: 'server-rejected' })
    expect(h.server.calls.some((c) => c.kind === 'commit')).toBe(false)
    expect((await h.db.chunks.get(victim!.id))!.state).toBe('staged')
    expect((await h.status()).phase).toBe('failed')

    expect(await h.drain()).toEqual({ state: 'drained' })
    expect(h.server.snapshots.has(summary.snapshotId)).toBe(true)
  })

  it('resumes after a crash: rows left uploading are retried, and chunks the server stored before it are not sent again', async () => {
    const h = await UploadHarness.create(4, 600_000)
    const summary = await h.backup.backUp()
    // The crash: a drain claimed chunks, the server stored some of them, the answers were lost.
    const claimed = await h.queue.claim(0, 6)
    const storedBeforeCrash = claimed.slice(0, 4)
    for (const row of storedBeforeCrash) h.server.chunks.set(row.id, 'stored before the crash')
    expect((await h.rows('uploading')).length).toBe(6)

    expect(await h.drain()).toEqual({ state: 'drained' })
    const sentAgain = h.server.puts.filter((id) => storedBeforeCrash.some((row) => row.id === id))
    expect(sentAgain).toEqual([])
    expect(h.server.puts.length).toBe(summary.newChunks - storedBeforeCrash.length)
    expect(h.server.snapshots.has(summary.snapshotId)).toBe(true)
    expect((await h.status()).chunksDone).toBe(summary.newChunks)
  })

  it('pauses offline without spending attempts, and finishes when the connection is back', async () => {
    const h = await UploadHarness.create(4, 600_000)
    h.server.putDelayMs = 20
    const summary = await h.backup.backUp()
    h.server.onPut = () => {
      if (h.server.puts.length === 3) h.network.goOffline()
    }
    const drained = h.drain()
    await waitFor(async () => (await h.db.uploadStatus.get('outbox'))?.phase === 'offline')
    const putsWhileOffline = h.server.puts.length
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(h.server.puts.length).toBe(putsWhileOffline)
    expect((await h.rows()).every((row) => row.attempts === 0)).toBe(true)
    expect((await h.rows('uploading')).length).toBe(0)

    h.server.onPut = undefined
    h.network.goOnline()
    expect(await drained).toEqual({ state: 'drained' })
    expect(h.server.snapshots.has(summary.snapshotId)).toBe(true)
    expect(h.server.chunks.size).toBe(summary.newChunks)
  })

  it('backs off on a busy server, honouring Retry-After, and says when it retries', async () => {
    const h = await UploadHarness.create()
    const summary = await h.backup.backUp()
    h.server.fail((call) => (call.kind === 'put' ? failures.status(503, 'unavailable', { retryAfterMs: 400 }) : undefined))
    const started = Date.now()
    const drained = h.drain()
    await waitFor(async () => (await h.db.uploadStatus.get('outbox'))?.phase === 'retrying')
    const status = await h.status()
    expect(status.retryAt! - started).toBeGreaterThanOrEqual(400)
    expect(status.error).toBe('server-rejected')
    const [retried] = (await h.rows()).filter((row) => row.attempts === 1)
    expect(retried!.nextAttemptAt).toBe(status.retryAt)
    expect(await drained).toEqual({ state: 'drained' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(400)
    expect(h.server.snapshots.has(summary.snapshotId)).toBe(true)
  })

  it('a server that cannot be reached while the device is online is retried with backoff, not treated as offline', async () => {
    const h = await UploadHarness.create(2, 100_000)
    await h.backup.backUp()
    h.server.fail((call) => (call.kind === 'missing' ? failures.offline() : undefined), 2)
    expect(await h.drain({ random: () => 0.05 })).toEqual({ state: 'drained' })
    expect(h.server.calls.filter((c) => c.kind === 'missing').length).toBeGreaterThanOrEqual(3)
  })

  it('stops with the code when signed out or when the server is full, keeping every chunk staged', async () => {
    for (const [failure, code] of [[failures.status(401, 'signed-out'), 'signed-out'], [failures.status(403, 'quota-exceeded', { usedBytes: 9, quotaBytes: 10 }), 'server-quota-exceeded']] as const) {
      const h = await UploadHarness.create(2, 100_000)
      const summary = await h.backup.backUp()
      h.server.fail((call) => (call.kind === 'put' ? failure : undefined), 1000)
      expect(await h.drain()).toEqual({ state: 'failed', code })
      const status = await h.status()
      expect([status.phase, status.error]).toEqual(['failed', code])
      if (code === 'server-quota-exceeded') expect(status.details).toMatchObject({ usedBytes: 9, quotaBytes: 10 })
      expect((await h.rows('staged')).length).toBe(summary.newChunks)
      expect(await h.rows('uploading')).toEqual([])
    }
  })

  it('a commit answered 409 missing-chunks forgets those chunks; the next run seals them again and commits', async () => {
    const h = await UploadHarness.create()
    await h.backup.backUp()
    await h.drain()
    await h.backup.messages('c0' as never, 1, 500)
    const second = await h.backup.backUp()
    // The server lost two chunks both runs name (say, collected after their grace period) while this device had them as done.
    const commit = (await h.db.commits.get(second.snapshotId))!
    const lost = commit.chunkIds.filter((id) => h.server.chunks.has(id)).slice(0, 2)
    expect(lost).toHaveLength(2)
    for (const id of lost) h.server.chunks.delete(id)

    expect(await h.drain()).toEqual({ state: 'drained' })
    expect((await h.db.commits.get(second.snapshotId))!.state).toBe('stale')
    expect(await h.db.chunks.bulkGet(lost)).toEqual([undefined, undefined])

    const third = await h.backup.backUp()
    expect(third.newChunks).toBe(2)
    expect(await h.drain()).toEqual({ state: 'drained' })
    expect((await h.db.commits.get(third.snapshotId))!.state).toBe('committed')
    for (const id of lost) expect(h.server.chunks.has(id)).toBe(true)
  })

  it('commits only the newest of several staged runs; the older ones are superseded', async () => {
    const h = await UploadHarness.create(2, 100_000)
    const first = await h.backup.backUp()
    await h.backup.messages('c1' as never, 3, 900)
    const second = await h.backup.backUp()
    expect(await h.drain()).toEqual({ state: 'drained' })
    expect([...h.server.snapshots.keys()]).toEqual([second.snapshotId])
    expect(h.server.calls.flatMap((c) => (c.kind === 'commit' ? [c.id] : []))).toEqual([second.snapshotId])
    // Superseded, then dropped once the newer one was committed: only the newest commit is kept.
    expect(await h.db.commits.get(first.snapshotId)).toBeUndefined()
    expect((await h.db.commits.toArray()).map((c) => [c.runId, c.state])).toEqual([[second.snapshotId, 'committed']])
  })

  it('never sends a torn staged object: the chunk is forgotten and the snapshot waits for a new run', async () => {
    const h = await UploadHarness.create(2, 100_000)
    const summary = await h.backup.backUp()
    const [torn] = await h.rows('staged')
    const object = (await h.backup.store.read(torn!.id))!
    await h.backup.store.write(torn!.id, [new Uint8Array(await object.slice(0, 100).arrayBuffer())])
    expect(await h.drain()).toEqual({ state: 'drained' })
    expect(h.server.puts).not.toContain(torn!.id)
    expect((await h.db.commits.get(summary.snapshotId))!.state).toBe('stale')
  })

  it('a staged object changed since it was sealed fails its digest at the server: forgotten, never stored', async () => {
    const h = await UploadHarness.create(2, 100_000)
    const summary = await h.backup.backUp()
    const [damaged] = await h.rows('staged')
    const bytes = new Uint8Array(await (await h.backup.store.read(damaged!.id))!.arrayBuffer())
    bytes[Math.floor(bytes.length / 2)]! ^= 0x10 // length and tag intact: only the digest can tell
    await h.backup.store.write(damaged!.id, [bytes])
    expect(await h.drain()).toEqual({ state: 'drained' })
    expect(h.server.puts).toContain(damaged!.id)
    expect(h.server.chunks.has(damaged!.id)).toBe(false)
    expect(await h.db.chunks.get(damaged!.id)).toBeUndefined()
    expect((await h.db.commits.get(summary.snapshotId))!.state).toBe('stale')
  })

  it('in a service worker, returns waiting at the deadline instead of waiting past it', async () => {
    const h = await UploadHarness.create(2, 100_000)
    await h.backup.backUp()
    h.server.fail((call) => (call.kind === 'put' ? failures.status(429, 'rate-limited', { retryAfterMs: 60_000 }) : undefined))
    const outcome = await h.drain({ deadline: Date.now() + 5_000, drainer: 'service-worker' })
    expect(outcome.state).toBe('waiting')
    expect((outcome as { until: number }).until).toBeGreaterThanOrEqual(Date.now() + 50_000)
    h.network.goOffline()
    expect(await h.drain({ deadline: Date.now() + 5_000, drainer: 'service-worker' })).toEqual({ state: 'waiting', until: null })
    expect((await h.status()).drainer).toBe('service-worker')
  })
})

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
