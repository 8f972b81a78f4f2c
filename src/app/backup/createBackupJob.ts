import { createSignal } from 'solid-js'
import { loadMasterKey } from '../../account/keystore'
import type { BackupSummary } from '../../backup/runBackup'
import { backupDatabase } from '../../backup/backupDatabase'
import { isAppError, type ErrorCode } from '../../errors'
import { createLiveQuery } from '../../state/createLiveQuery'
import { backUpNow } from '../../../workers/backup.client'

export type BackupJobState =
  | { phase: 'idle' }
  | { phase: 'running' }
  | { phase: 'needs-key' }
  | { phase: 'done'; summary: BackupSummary; seconds: number }
  | { phase: 'failed'; code: ErrorCode }

/**
 * "Back up now" for the Settings section: runs the engine in its workers and exposes the latest
 * run's row (progress, written by the workers) through a live query.
 */
export function createBackupJob() {
  const [state, setState] = createSignal<BackupJobState>({ phase: 'idle' })
  const latestRun = createLiveQuery(async () => (await backupDatabase().runs.orderBy('startedAt').last()) ?? null)

  async function start(): Promise<void> {
    if (state().phase === 'running') return
    setState({ phase: 'running' })
    try {
      const masterKey = await loadMasterKey()
      if (!masterKey) return void setState({ phase: 'needs-key' })
      const started = performance.now()
      const summary = await backUpNow(masterKey)
      setState({ phase: 'done', summary, seconds: (performance.now() - started) / 1000 })
    } catch (e) {
      setState({ phase: 'failed', code: isAppError(e) ? e.code : 'internal' })
    }
  }

  return { state, latestRun, start }
}
