import { transfer, wrap } from 'comlink'
import { DEFAULT_STAGING_CAPACITY } from '../src/backup/StagingWindow'
import { AppError } from '../src/errors'
import type { BackupApi, BackupSummary } from './backup.api'
import type { ConnectMessage } from './crypto.api'

export interface BackUpOptions {
  device?: string
  capacity?: number
  /** Sealing workers; two use both cores of a two-core machine (docs/BENCHMARKS.md). */
  sealers?: number
  /** Starts one sealing worker (the benchmark passes its own to compare hashes). */
  createSealer?: () => Worker
}

/**
 * Runs one backup to the staging area in workers: a backup worker reads the chats and writes the
 * manifest, sealing workers hash, seal and stage; they talk over their own MessageChannels, so no
 * chunk passes through this thread. The only `wrap()` of BackupApi. Throws AppError on failure.
 */
export async function backUpNow(masterKey: CryptoKey, opts: BackUpOptions = {}): Promise<BackupSummary> {
  const createSealer = opts.createSealer ?? (() => new Worker(new URL('./crypto.worker.ts', import.meta.url), { type: 'module', name: 'keepsake-sealer' }))
  const backup = new Worker(new URL('./backup.worker.ts', import.meta.url), { type: 'module', name: 'keepsake-backup' })
  const sealers = Array.from({ length: opts.sealers ?? 2 }, createSealer)
  try {
    const ports = sealers.map((sealer) => {
      const channel = new MessageChannel()
      sealer.postMessage({ connect: channel.port2 } satisfies ConnectMessage, [channel.port2])
      return channel.port1
    })
    const remote = wrap<BackupApi>(backup)
    const request = { masterKey, device: opts.device ?? deviceLabel(), capacity: opts.capacity ?? DEFAULT_STAGING_CAPACITY, sealers: ports }
    // A worker that dies (a script error outside any call, the browser ending it) answers nothing:
    // fail the backup instead of waiting forever.
    const died = new Promise<never>((_, reject) => {
      for (const worker of [backup, ...sealers]) {
        worker.addEventListener('error', (event) => reject(new AppError('internal', `backup worker failed: ${event.message || 'no message'}`)))
      }
    })
    const outcome = await Promise.race([remote.run(transfer(request, ports)), died])
    if (!outcome.ok) throw new AppError(outcome.code, outcome.message)
    return outcome.summary
  } finally {
    backup.terminate()
    for (const sealer of sealers) sealer.terminate()
  }
}

/** A short name for this device in the manifest, e.g. "Chrome on Linux". */
export function deviceLabel(): string {
  const ua = navigator.userAgent
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'Browser'
  const system = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : 'another system'
  return `${browser} on ${system}`
}
