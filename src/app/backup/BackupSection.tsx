import { Match, Show, Switch } from 'solid-js'
import { errorCopy } from '../errorCopy'
import { formatBytes } from '../formatBytes'
import { formatFullTime } from '../formatTime'
import { createBackupJob } from './createBackupJob'

/**
 * Settings → Backup: "Back up now" reads the chats, encrypts what changed on this device and keeps
 * it ready to upload. Progress comes from the run's row, which the backup workers update.
 */
export function BackupSection() {
  const job = createBackupJob()
  const run = () => job.latestRun() ?? null
  const running = () => job.state().phase === 'running'
  const percent = () => {
    const r = run()
    if (!r) return 0
    if (r.state === 'staged') return 100
    return r.bytesTotal > 0 ? Math.min(99, Math.floor((r.bytesDone / r.bytesTotal) * 100)) : 0
  }

  return (
    <section class="settings-section" aria-labelledby="backup-title">
      <h3 id="backup-title">Backup</h3>
      <p class="muted">Backups are encrypted on this device with keys only your passkey or recovery key can unlock. Only what changed since the last backup is encrypted again.</p>
      <div class="row-actions">
        <button type="button" class="button primary" disabled={running()} onClick={() => void job.start()}>
          Back up now
        </button>
      </div>
      <Show when={running() || job.state().phase === 'done'}>
        <div class="meter" role="progressbar" aria-label="Backup progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent()}>
          <span class="meter-fill" style={{ width: `${percent()}%` }} />
        </div>
      </Show>
      <p class="muted" role="status">
        <Switch fallback={lastBackupText(run())}>
          <Match when={job.state().phase === 'needs-key'}>
            Backing up needs an account with a passkey on this device (or your recovery key): create one or sign in under Account, then try again.
          </Match>
          <Match when={running() && run()?.state === 'running' && run()}>
            {(r) =>
              r().waitingForSpace
                ? `Waiting for upload: ${formatBytes(r().stagedBytes)} encrypted and ready to upload fills the space set aside for it.`
                : `Encrypting: ${formatBytes(r().bytesDone)} of about ${formatBytes(r().bytesTotal)} read, ${formatBytes(r().newBytes)} new so far.`
            }
          </Match>
          <Match when={running()}>Starting the backup…</Match>
          <Match when={job.state().phase === 'done' && job.state()}>
            {(s) => {
              const { summary, seconds } = s() as Extract<ReturnType<typeof job.state>, { phase: 'done' }>
              return summary.newChunks === 0
                ? `Nothing changed since the last backup: all ${summary.chunkCount} chunks (${formatBytes(summary.bytesRead)}) were already encrypted. Checked in ${seconds.toFixed(1)} s.`
                : `Encrypted and ready to upload: ${formatBytes(summary.stagedBytes)} in ${summary.newChunks} new chunks, of ${formatBytes(summary.bytesRead)} backed up, in ${seconds.toFixed(1)} s.`
            }}
          </Match>
        </Switch>
      </p>
      <Show when={job.state().phase === 'failed' && job.state()}>
        {(s) => (
          <p class="error" role="alert">
            {errorCopy[(s() as { code: keyof typeof errorCopy }).code]}
          </p>
        )}
      </Show>
    </section>
  )
}

function lastBackupText(run: { state: string; finishedAt: number | null; stagedBytes: number } | null): string {
  if (!run || run.state !== 'staged' || run.finishedAt === null) return 'No backup on this device yet.'
  return `Last backup ${formatFullTime(run.finishedAt)}: encrypted on this device and ready to upload.`
}
