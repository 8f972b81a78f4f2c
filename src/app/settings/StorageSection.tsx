import { createSignal, Show } from 'solid-js'
import { createStorageInfo, requestPersistentStorage } from '../../state/createStorageInfo'
import { formatBytes } from '../formatBytes'

/** How much this device stores for Keepsake, how much more it may store, and whether it may be evicted. */
export function StorageSection() {
  const { info, refresh } = createStorageInfo()
  const [asked, setAsked] = createSignal(false)
  const percent = () => {
    const i = info()
    return i && i.quota > 0 ? Math.min(100, (i.usage / i.quota) * 100) : 0
  }
  return (
    <section class="settings-section" aria-labelledby="storage-title">
      <h3 id="storage-title">Storage</h3>
      <Show when={info()} fallback={<p class="muted">This browser does not report storage use.</p>}>
        {(i) => (
          <>
            <dl class="facts">
              <div>
                <dt>Used</dt>
                <dd>{formatBytes(i().usage)}</dd>
              </div>
              <div>
                <dt>Available</dt>
                <dd>{formatBytes(Math.max(0, i().quota - i().usage))}</dd>
              </div>
              <div>
                <dt>Persistent</dt>
                <dd>{i().persisted ? 'Yes: the browser will not delete your chats to free space' : 'No: the browser may delete data when the device runs low on space'}</dd>
              </div>
            </dl>
            <div class="meter" role="meter" aria-label="Storage used" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(percent())} aria-valuetext={`${formatBytes(i().usage)} of ${formatBytes(i().quota)}`}>
              <span class="meter-fill" style={{ width: `${percent()}%` }} />
            </div>
            <Show when={!i().persisted}>
              <div class="row-actions">
                <button
                  type="button"
                  class="button"
                  onClick={async () => {
                    await requestPersistentStorage()
                    setAsked(true)
                    await refresh()
                  }}
                >
                  Keep my data persistent
                </button>
                <Show when={asked()}>
                  <span class="muted" role="status">
                    The browser declined for now; it usually agrees once the app is installed or used more often.
                  </span>
                </Show>
              </div>
            </Show>
          </>
        )}
      </Show>
    </section>
  )
}
