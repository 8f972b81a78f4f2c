import type { ErrorCode } from '../../errors'
import type { BackupFacts } from '../../state/createBackupStatus'
import { errorCopy } from '../errorCopy'
import { formatBytes } from '../formatBytes'
import { formatFullTime } from '../formatTime'
import type { BackupJobState } from './createBackupJob'

export interface BackupView {
  /** The status line, in words. */
  text: string
  /** A backup is under way (sealing, uploading, or paused with work left). */
  active: boolean
  /** The progress bar, when there is something to show. */
  progress: { percent: number; label: string } | null
  /** A failure the person has to act on. */
  failure: ErrorCode | null
}

export interface ViewContext {
  job: BackupJobState
  online: boolean
  now: number
}

/**
 * The Backup section's status line and progress bar from the stored facts (pure, so every state
 * has a test): what is happening, what went wrong and what to do, or when the last backup was made.
 */
export function describeBackup(facts: BackupFacts | undefined, { job, online, now }: ViewContext): BackupView {
  if (job.phase === 'needs-key') {
    return { text: 'Backing up needs an account with a passkey on this device (or your recovery key): create one or sign in under Account, then try again.', active: false, progress: null, failure: null }
  }
  if (!facts) return { text: 'Loading…', active: false, progress: null, failure: null }
  const { run, upload, work, lastBackup } = facts
  const sealing = job.phase === 'sealing' || run?.state === 'running'
  const active = sealing || work.chunks + work.commits > 0
  const progress = active ? measure(facts, sealing, upload && upload.phase === 'uploading' && now - upload.updatedAt < 10_000 ? upload.bytesPerSecond : 0) : lastBackup ? { percent: 100, label: `Backed up ${formatBytes(lastBackup.sizeBytes)}` } : null

  if (job.phase === 'failed') return { text: `The backup stopped. ${errorCopy[job.code]}`, active: false, progress, failure: job.code }
  if (active && upload?.phase === 'failed' && upload.error) {
    const quota = upload.error === 'server-quota-exceeded' && upload.details.quotaBytes ? ` (${formatBytes(upload.details.usedBytes ?? 0)} of ${formatBytes(upload.details.quotaBytes)} used)` : ''
    return { text: `Backup paused. ${errorCopy[upload.error]}${quota}`, active, progress, failure: upload.error }
  }
  if (active && !online) return { text: 'Paused — offline. The backup continues when the connection is back.', active, progress, failure: null }
  if (active && upload?.phase === 'retrying' && upload.retryAt !== null && upload.retryAt > now) {
    const seconds = Math.max(1, Math.ceil((upload.retryAt - now) / 1000))
    const status = upload.details.status ?? 0
    const why = status === 429 || status === 503 ? 'the server is busy' : status >= 500 ? 'the server is unavailable' : 'the server cannot be reached'
    return { text: `Retrying in ${seconds} s — ${why}.`, active, progress, failure: null }
  }
  if (active) {
    const detail = sealing && facts.current.chunksTotal === 0 && run ? `reading and encrypting your chats (${formatBytes(run.bytesDone)} of about ${formatBytes(run.bytesTotal)})` : progress!.label
    return { text: `Backing up… ${detail}`, active, progress, failure: null }
  }
  if (lastBackup) return { text: `Backed up ${formatFullTime(lastBackup.at)} · ${formatBytes(lastBackup.sizeBytes)}`, active, progress, failure: null }
  return { text: 'No backup yet.', active, progress, failure: null }
}

/**
 * Bytes and chunks the server has of those the current backup needs uploaded. While the run still
 * seals, what it has yet to read is estimated at the share of new bytes it found so far, so the
 * bar does not race to the end of what is staged.
 */
function measure(facts: BackupFacts, sealing: boolean, bytesPerSecond: number): { percent: number; label: string } {
  const { current, run } = facts
  const read = run && sealing ? run.bytesDone : 0
  const unsealed = run && sealing && read > 0 ? Math.max(0, run.bytesTotal - read) * (run.stagedBytes / read) : 0
  const total = current.bytesTotal + unsealed
  let percent: number
  if (total > 0) percent = (current.bytesDone / total) * 100
  else percent = run && sealing && run.bytesTotal > 0 ? (read / run.bytesTotal) * 100 : 0
  const parts = [`${formatBytes(current.bytesDone)} of ${sealing && unsealed > 0 ? 'about ' : ''}${formatBytes(total)} uploaded`, `${current.chunksDone} of ${current.chunksTotal} parts`]
  if (bytesPerSecond > 0) {
    parts.push(`${formatBytes(bytesPerSecond)}/s`)
    if (!sealing) parts.push(`about ${formatDuration((current.bytesTotal - current.bytesDone) / bytesPerSecond)} left`)
  }
  return { percent: Math.min(99, Math.floor(percent)), label: parts.join(' · ') }
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`
  return `${(seconds / 3600).toFixed(1).replace(/\.0$/, '')} h`
}
