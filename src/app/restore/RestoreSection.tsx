import { Show } from 'solid-js'
import type { RestoreJob } from '../../db/RestoreDB'
import { useRestore } from '../../state/useRestore'
import { ConfirmDialog } from '../ConfirmDialog'
import { formatBytes } from '../formatBytes'
import { formatFullTime } from '../formatTime'
import { restoreErrorMessage } from './restoreErrorMessage'
import { SnapshotList } from './SnapshotList'
import './restore.css'

/** Percent of a restore for the progress bar: verified bytes of the snapshot's distinct chunks. */
export function restorePercent(job: RestoreJob): number {
  if (job.state === 'done') return 100
  return job.bytesTotal > 0 ? Math.min(99, Math.floor((job.bytesDone / job.bytesTotal) * 100)) : 0
}

/** The status line of a restore, as the section and the banner say it. */
export function restoreStatus(job: RestoreJob): string {
  switch (job.state) {
    case 'done':
      return 'Restore complete'
    case 'failed':
      return 'Restore stopped before it was complete.'
    case 'paused':
      return restoreErrorMessage(job.error ?? 'internal', job.errorPart)
    default:
      return job.phase === 'messages'
        ? `Restoring messages: ${job.conversationsDone} of ${job.conversationsTotal} chats…`
        : `Restoring photos and files: ${job.attachmentsDone} of ${job.attachmentsTotal} (${formatBytes(job.bytesDone)} of ${formatBytes(job.bytesTotal)})…`
  }
}

/**
 * Settings → Restore: lists the account's backups once this device holds the account's key (after
 * "Sign in with passkey" or "Unlock with recovery key"), asks before adding one to chats already
 * here, and shows the restore's progress and outcome from its row in `keepsake-restore`.
 */
export function RestoreSection() {
  const restore = useRestore()
  const job = () => restore.job() ?? null
  const step = () => restore.step()
  const active = () => step().step === 'restoring' || job()?.state === 'running'
  const alert = () => {
    const failure = restore.failure()
    const j = job()
    // The job's row names the part that failed; a paused restore's reason is in the status line already.
    if (j?.error && (!failure || failure.code === j.error)) return j.state === 'failed' ? restoreErrorMessage(j.error, j.errorPart) : null
    return failure ? restoreErrorMessage(failure.code, null) : null
  }
  const snapshotsShown = () => {
    const s = step()
    return s.step === 'choosing' || s.step === 'asking' ? s.snapshots : null
  }
  const statusText = () => {
    const s = step()
    if (s.step === 'listing') return 'Looking for backups…'
    if (s.step === 'choosing' || s.step === 'asking') return s.snapshots.length ? 'Choose a backup to restore.' : 'No backups yet.'
    const j = job()
    if (j) return restoreStatus(j)
    return s.step === 'restoring' ? 'Starting the restore…' : ''
  }

  return (
    <section class="settings-section" aria-labelledby="restore-title">
      <h3 id="restore-title">Restore</h3>
      <p class="muted">Bring back your chats from an encrypted backup of your account: messages first, then photos and files. Chats already on this device stay.</p>
      <Show
        when={restore.account()?.unlocked}
        fallback={<p class="muted">To restore from a backup, sign in with your passkey or unlock with your recovery key under Account.</p>}
      >
        <div class="row-actions">
          <button type="button" class="button primary" disabled={active() || step().step === 'listing'} onClick={() => void restore.showBackups()}>
            Restore from backup
          </button>
          <Show when={job()?.state === 'paused' && !active()}>
            <button type="button" class="button" onClick={() => void restore.resume()}>
              Resume
            </button>
          </Show>
        </div>
      </Show>
      <Show when={job()}>
        {(j) => (
          <div class="meter restore-meter" role="progressbar" aria-label="Restore progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={restorePercent(j())}>
            <span class="meter-fill" style={{ width: `${restorePercent(j())}%` }} />
          </div>
        )}
      </Show>
      <p class="muted" role="status">
        {statusText()}
      </p>
      <Show when={job()?.state === 'done' && job()}>
        {(j) => (
          <p class="muted">
            {`${j().conversationsDone} chats, ${j().messagesDone.toLocaleString()} messages and ${j().attachmentsDone} photos and files from the backup of ${formatFullTime(j().snapshotCreatedAt)} (${j().device}).`}
          </p>
        )}
      </Show>
      <Show when={alert()}>
        {(message) => (
          <p class="error" role="alert">
            {message()}
          </p>
        )}
      </Show>
      <Show when={snapshotsShown()}>
        {(snapshots) => <SnapshotList snapshots={snapshots()} disabled={active()} onChoose={(s) => void restore.choose(s)} />}
      </Show>
      <Show when={step().step === 'asking' && (step() as Extract<ReturnType<typeof step>, { step: 'asking' }>)}>
        {(asking) => (
          <ConfirmDialog title="This device already has chats" confirmLabel="Restore and keep both" onConfirm={() => void restore.confirmMerge()} onCancel={() => restore.cancel()}>
            <p>
              {`This device has ${asking().localConversations} ${asking().localConversations === 1 ? 'chat' : 'chats'}. Restoring adds the backup’s chats and messages to them: nothing on this device is deleted or replaced.`}
            </p>
          </ConfirmDialog>
        )}
      </Show>
    </section>
  )
}
