import { createSignal, For, onCleanup, Show } from 'solid-js'
import type { AutomaticBackup } from '../../db/BackupDB'
import { describeBackup } from './describeBackup'
import { useBackup } from './useBackup'

const SCHEDULES: { value: AutomaticBackup; label: string }[] = [
  { value: 'off', label: 'Off' },
  { value: 'daily', label: 'Daily' },
  { value: 'after-changes', label: 'Soon after changes' },
]

/**
 * Settings → Backup: "Back up now", the automatic schedule, a progress bar (bytes and parts the
 * server has of those to upload, speed, time left) and a status line that says what is happening or
 * what to do. Everything shown is read from the device's backup database, so every tab agrees.
 */
export function BackupSection() {
  const { job, facts, uploads } = useBackup()
  const [now, setNow] = createSignal(Date.now())
  const [online, setOnline] = createSignal(uploads.connectivity.online)
  const clock = setInterval(() => setNow(Date.now()), 1000)
  const offOnline = uploads.connectivity.onChange(setOnline)
  onCleanup(() => {
    clearInterval(clock)
    offOnline()
  })
  const view = () => describeBackup(facts(), { job: job.state(), online: online(), now: now() })

  return (
    <section class="settings-section" aria-labelledby="backup-title">
      <h3 id="backup-title">Backup</h3>
      <p class="muted">
        Backups are encrypted on this device with keys only your passkey or recovery key can unlock, and only what changed is uploaded. Going offline pauses a backup; it continues by itself, also after the app was closed.
      </p>
      <label class="field inline">
        <span class="field-label">Automatic backups</span>
        <select value={job.settings()?.automatic ?? 'daily'} onChange={(e) => void job.setAutomatic(e.currentTarget.value as AutomaticBackup)}>
          <For each={SCHEDULES}>{(s) => <option value={s.value}>{s.label}</option>}</For>
        </select>
      </label>
      <div class="row-actions">
        <button type="button" class="button primary" disabled={job.state().phase === 'sealing'} onClick={() => void job.start()}>
          Back up now
        </button>
      </div>
      <Show when={view().progress}>
        {(progress) => (
          <>
            <div class="meter" role="progressbar" aria-label="Backup progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={progress().percent} aria-valuetext={progress().label}>
              <span class="meter-fill" style={{ width: `${progress().percent}%` }} />
            </div>
            <Show when={view().active}>
              <p class="muted">{progress().label}</p>
            </Show>
          </>
        )}
      </Show>
      <p class={view().failure ? 'error' : 'muted'} role="status">
        {view().text}
      </p>
    </section>
  )
}
