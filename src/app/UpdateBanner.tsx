import { Show } from 'solid-js'
import type { AppUpdate } from '../state/createAppUpdate'
import { Icon } from './Icon'

/** "Update available": a new version is installed; Reload switches to it. */
export function UpdateBanner(props: { update: AppUpdate }) {
  return (
    <Show when={props.update.available()}>
      <div class="toast" role="status" aria-live="polite">
        <Icon name="refresh" size={18} />
        <span class="toast-text">Update available</span>
        <button type="button" class="button small" onClick={() => props.update.dismiss()}>
          Later
        </button>
        <button type="button" class="button small primary" onClick={() => void props.update.apply()}>
          Reload
        </button>
      </div>
    </Show>
  )
}
