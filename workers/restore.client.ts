import { transfer, wrap } from 'comlink'
import type { SnapshotId } from '../src/db/BackupDB'
import { AppError } from '../src/errors'
import type { ConnectMessage } from './crypto.api'
import type { RestoreApi, RestoreSummary, SnapshotSummary } from './restore.api'

export interface RestoreWorkerOptions {
  /** Opening workers; two use both cores of a two-core machine (docs/BENCHMARKS.md). */
  openers?: number
}

/**
 * Runs `body` against a restore worker and its opening workers, which talk over their own
 * MessageChannels, so no chunk passes through this thread. The only `wrap()` of RestoreApi.
 */
async function withWorkers<T>(count: number, body: (remote: RestoreApi, ports: MessagePort[]) => Promise<T>): Promise<T> {
  const worker = new Worker(new URL('./restore.worker.ts', import.meta.url), { type: 'module', name: 'keepsake-restore' })
  const openers = Array.from({ length: count }, () => new Worker(new URL('./restoreOpener.worker.ts', import.meta.url), { type: 'module', name: 'keepsake-opener' }))
  try {
    const ports = openers.map((opener) => {
      const channel = new MessageChannel()
      opener.postMessage({ connect: channel.port2 } satisfies ConnectMessage, [channel.port2])
      return channel.port1
    })
    return await body(wrap<RestoreApi>(worker) as unknown as RestoreApi, ports)
  } finally {
    worker.terminate()
    for (const opener of openers) opener.terminate()
  }
}

/** The account's snapshots, newest first, with the device that made each. Throws AppError. */
export async function listSnapshots(masterKey: CryptoKey): Promise<SnapshotSummary[]> {
  const worker = new Worker(new URL('./restore.worker.ts', import.meta.url), { type: 'module', name: 'keepsake-restore' })
  try {
    const outcome = await wrap<RestoreApi>(worker).list(masterKey)
    if (!outcome.ok) throw new AppError(outcome.code, outcome.message)
    return outcome.snapshots
  } finally {
    worker.terminate()
  }
}

/** Restores `snapshotId` onto this device; null when another tab is already restoring. Throws AppError. */
export function restoreSnapshot(masterKey: CryptoKey, snapshotId: SnapshotId, merge: boolean, opts: RestoreWorkerOptions = {}): Promise<RestoreSummary | null> {
  return withWorkers(opts.openers ?? 2, async (remote, openers) => {
    const outcome = await remote.start(transfer({ masterKey, snapshotId, merge, openers }, openers))
    if (!outcome.ok) throw new AppError(outcome.code, outcome.message)
    return outcome.summary
  })
}

/** Continues the restore this device recorded; null when another tab runs it. Throws AppError. */
export function resumeRestore(masterKey: CryptoKey, opts: RestoreWorkerOptions = {}): Promise<RestoreSummary | null> {
  return withWorkers(opts.openers ?? 2, async (remote, openers) => {
    const outcome = await remote.resume(transfer({ masterKey, openers }, openers))
    if (!outcome.ok) throw new AppError(outcome.code, outcome.message)
    return outcome.summary
  })
}
