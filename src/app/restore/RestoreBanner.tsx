import { Show } from 'solid-js'
import { useRestore } from '../../state/useRestore'
import { navigate } from '../route'
import { restorePercent, restoreStatus } from './RestoreSection'

/**
 * A slim bar over the app while a restore runs or waits, wherever the person is: chats are readable
 * while photos and files still arrive. Creating it resumes a restore a reload or a closed tab left.
 */
export function RestoreBanner() {
  const restore = useRestore()
  const job = () => {
    const j = restore.job()
    return j && (j.state === 'running' || j.state === 'paused') ? j : null
  }
  return (
    <Show when={job()}>
      {(j) => (
        <div class="restore-banner">
          <div class="meter restore-meter" aria-hidden="true">
            <span class="meter-fill" style={{ width: `${restorePercent(j())}%` }} />
          </div>
          <span>{restoreStatus(j())}</span>
          <button type="button" class="link-button" onClick={() => navigate({ name: 'settings' })}>
            Details
          </button>
        </div>
      )}
    </Show>
  )
}
