import { For, Show } from 'solid-js'
import type { SnapshotSummary } from '../../../workers/restore.api'
import { formatBytes } from '../formatBytes'
import { formatFullTime } from '../formatTime'
import { restoreErrorMessage } from './restoreErrorMessage'

const plural = (n: number, one: string, many: string) => `${n.toLocaleString()} ${n === 1 ? one : many}`

/** The account's backups, newest first: when, from which device, how big, and a button to restore each. */
export function SnapshotList(props: { snapshots: SnapshotSummary[]; onChoose: (snapshot: SnapshotSummary) => void; disabled: boolean }) {
  return (
    <Show when={props.snapshots.length > 0} fallback={<p class="muted">There are no backups of this account on the server yet.</p>}>
      <ul class="snapshot-list" aria-label="Backups">
        <For each={props.snapshots}>
          {(snapshot, i) => {
            const when = formatFullTime(snapshot.createdAt)
            return (
              <li class="snapshot" aria-label={`Backup of ${when}`}>
                <div class="snapshot-text">
                  <span class="snapshot-when">
                    {when}
                    <Show when={i() === 0}> (latest)</Show>
                  </span>
                  <span class="muted">
                    {snapshot.device ? `From ${snapshot.device} · ` : ''}
                    {formatBytes(snapshot.sizeBytes)}
                    <Show when={snapshot.device}>
                      {` · ${plural(snapshot.conversations, 'chat', 'chats')}, ${plural(snapshot.messages, 'message', 'messages')}, ${plural(snapshot.attachments, 'photo or file', 'photos and files')}`}
                    </Show>
                  </span>
                  <Show when={snapshot.error}>{(code) => <span class="error">{restoreErrorMessage(code(), null)}</span>}</Show>
                </div>
                <button type="button" class="button" disabled={props.disabled || snapshot.error !== null} onClick={() => props.onChoose(snapshot)}>
                  Restore
                </button>
              </li>
            )
          }}
        </For>
      </ul>
    </Show>
  )
}
