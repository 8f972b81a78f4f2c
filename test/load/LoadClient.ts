import { createHash, randomBytes } from 'node:crypto'
import { ApiClient } from '../server/ApiClient'
import { SoftAuthenticator } from '../server/softAuthenticator'
import type { LatencyLog } from './LatencyLog'

export interface ClientPlan {
  /** Backup rounds: each asks which chunks are missing, uploads them, commits a snapshot. */
  rounds: number
  chunksPerRound: number
  chunkBytes: number
  /** Stop starting new work after this moment (ms since the epoch). */
  deadline: number
}

/**
 * One simulated device over real HTTP: signs up with a software passkey through the real API,
 * then backs up in rounds (new chunks each round plus all earlier ones, as an incremental backup
 * names them), and finally reads its chunks back as a restore would. Requests go to `bases` in
 * turn, as a load balancer would spread them, so a session made on one process is used on another.
 */
export class LoadClient {
  private readonly clients: ApiClient[]
  private readonly chunkIds: string[] = []
  uploadedBytes = 0
  downloadedBytes = 0
  private turn = 0

  constructor(
    bases: string[],
    private readonly origin: string,
    private readonly log: LatencyLog,
  ) {
    this.clients = bases.map((base) => new ApiClient(base, origin))
  }

  /** The next process, carrying the session cookie the last answer set. */
  private next(): ApiClient {
    const cookie = this.clients[this.turn % this.clients.length]!.cookie
    const client = this.clients[++this.turn % this.clients.length]!
    client.cookie = cookie
    return client
  }

  private async timed<T extends { status: number }>(kind: string, call: (client: ApiClient) => Promise<T>, ok: number[]): Promise<T> {
    const started = performance.now()
    const answer = await call(this.next())
    this.log.record(kind, performance.now() - started, ok.includes(answer.status))
    if (!ok.includes(answer.status)) throw new Error(`${kind}: HTTP ${answer.status} ${JSON.stringify((answer as { body?: unknown }).body).slice(0, 200)}`)
    return answer
  }

  async signUp(name: string): Promise<void> {
    const authenticator = new SoftAuthenticator(this.origin)
    const options = await this.timed('sign-up', (c) => c.post('/api/auth/register/options', { displayName: name }), [200])
    await this.timed('sign-up', (c) => c.post('/api/auth/register/verify', { response: authenticator.register(options.body.options), name: 'Load' }), [200])
  }

  async backUp(plan: ClientPlan): Promise<number> {
    let rounds = 0
    for (; rounds < plan.rounds && Date.now() < plan.deadline; rounds++) {
      const fresh = Array.from({ length: plan.chunksPerRound }, () => randomBytes(plan.chunkBytes))
      const ids = fresh.map((bytes) => createHash('sha256').update(bytes).update('id').digest('hex'))
      const named = [...this.chunkIds, ...ids]
      const missing = (await this.timed('missing-check', (c) => c.post('/api/chunks/missing', { ids: named.slice(-1000) }), [200])).body.missing as string[]
      for (const [i, bytes] of fresh.entries()) {
        if (!missing.includes(ids[i]!)) continue
        const digest = `sha-256=:${createHash('sha256').update(bytes).digest('base64')}:`
        await this.timed('chunk upload', (c) => c.put(`/api/chunks/${ids[i]}`, undefined, { raw: bytes, headers: { 'content-type': 'application/octet-stream', 'content-digest': digest } }), [201])
        this.uploadedBytes += bytes.byteLength
      }
      this.chunkIds.push(...ids)
      const manifest = randomBytes(2048).toString('base64url')
      await this.timed('snapshot commit', (c) => c.post('/api/snapshots', { id: randomBytes(16).toString('hex'), manifest, chunkIds: named, sizeBytes: named.length * plan.chunkBytes }), [201])
    }
    return rounds
  }

  /** Downloads every chunk once, as a restore does. */
  async restore(deadline: number): Promise<void> {
    for (const id of this.chunkIds) {
      if (Date.now() > deadline) return
      const started = performance.now()
      const client = this.next()
      const response = await fetch(`${client.baseUrl}/api/chunks/${id}`, { headers: { cookie: `ks_session=${client.cookie}` } })
      const bytes = await response.arrayBuffer()
      this.log.record('chunk download', performance.now() - started, response.status === 200)
      if (response.status !== 200) throw new Error(`chunk download: HTTP ${response.status}`)
      this.downloadedBytes += bytes.byteLength
    }
  }
}
