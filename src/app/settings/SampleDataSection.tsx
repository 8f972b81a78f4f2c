import { createSignal, For, Show } from 'solid-js'
import { sampleDataJob, startSampleData, stopSampleData } from '../../state/sampleDataJob'
import { errorCopy } from '../errorCopy'
import { formatBytes } from '../formatBytes'

const MiB = 1024 * 1024
const MAX_MIB = 65_536
/** Attachments plus thumbnails, messages and indexes take a little more than the attachment bytes. */
const SPACE_MARGIN = 1.1

interface Preset {
  label: string
  mib: number
  conversations: number
}

const PRESETS: Preset[] = [
  { label: 'Small (a few chats)', mib: 4, conversations: 6 },
  { label: '100 MiB', mib: 100, conversations: 12 },
  { label: '1 GiB', mib: 1024, conversations: 24 },
  { label: '4 GiB', mib: 4096, conversations: 40 },
]

/** Fills the device with realistic chats, to try the app and measure backups; the work runs in a worker. */
export function SampleDataSection() {
  const [mib, setMib] = createSignal(PRESETS[0]!.mib)
  const valid = () => Number.isInteger(mib()) && mib() >= 0 && mib() <= MAX_MIB
  const running = () => sampleDataJob()?.running ?? false
  const conversationsFor = (m: number) => PRESETS.find((p) => p.mib === m)?.conversations ?? Math.min(60, 6 + Math.round(Math.sqrt(m)))
  const percent = () => {
    const job = sampleDataJob()
    if (!job) return 0
    if (job.outcome && !job.outcome.stopped) return 100
    return job.targetBytes > 0 ? Math.min(100, (job.progress.bytesWritten / job.targetBytes) * 100) : 0
  }

  const [tooBig, setTooBig] = createSignal<string>()
  const generate = async () => {
    const bytes = mib() * MiB
    // Refuse up front what cannot fit, rather than fill the disk and stop half-way.
    const estimate = await navigator.storage?.estimate?.()
    const available = estimate?.quota !== undefined ? estimate.quota - (estimate.usage ?? 0) : Infinity
    if (bytes * SPACE_MARGIN > available) {
      setTooBig(`Not enough space: ${formatBytes(bytes)} of sample data needs about ${formatBytes(bytes * SPACE_MARGIN)}, and this device has ${formatBytes(available)} available for Keepsake. Choose a smaller size.`)
      return
    }
    setTooBig(undefined)
    await startSampleData({ attachmentBytes: bytes, conversations: conversationsFor(mib()) })
  }

  return (
    <section class="settings-section" aria-labelledby="sample-title">
      <h3 id="sample-title">Sample data</h3>
      <p class="muted">Adds made-up chats with photos and files to this device, to try Keepsake with a realistic amount of data. Your own chats are kept.</p>
      <fieldset class="presets" disabled={running()}>
        <legend>Size of photos and files</legend>
        <div class="chips">
          <For each={PRESETS}>
            {(p) => (
              <label class="chip">
                <input type="radio" name="sample-size" checked={mib() === p.mib} onChange={() => setMib(p.mib)} />
                <span>{p.label}</span>
              </label>
            )}
          </For>
        </div>
        <label class="field inline">
          <span class="field-label">Size in MiB</span>
          <input
            type="number"
            min="0"
            max={MAX_MIB}
            step="1"
            inputmode="numeric"
            value={mib()}
            aria-invalid={!valid()}
            onInput={(e) => setMib(e.currentTarget.valueAsNumber)}
          />
        </label>
        <Show when={!valid()}>
          <p class="error" role="alert">
            Enter a whole number of MiB from 0 to {MAX_MIB.toLocaleString()}.
          </p>
        </Show>
      </fieldset>
      <div class="row-actions">
        <button type="button" class="button primary" disabled={running() || !valid()} onClick={() => void generate()}>
          Generate sample data
        </button>
        <Show when={running()}>
          <button type="button" class="button" onClick={stopSampleData}>
            Stop
          </button>
        </Show>
      </div>
      <Show when={tooBig()}>
        <p class="error" role="alert">
          {tooBig()}
        </p>
      </Show>
      <Show when={sampleDataJob()}>
        {(job) => (
          <>
            <div class="meter" role="progressbar" aria-label="Sample data progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(percent())}>
              <span class="meter-fill" style={{ width: `${percent()}%` }} />
            </div>
            <p class="muted" role="status">
              <Show
                when={job().outcome}
                fallback={
                  job().error
                    ? 'Stopped.'
                    : `${formatBytes(job().progress.bytesWritten)} of ${formatBytes(job().targetBytes)} · ${job().progress.messagesWritten.toLocaleString()} messages`
                }
              >
                {(o) =>
                  `${o().stopped ? 'Stopped' : 'Done'}: ${o().result.conversations} chats, ${o().result.messages.toLocaleString()} messages, ` +
                  `${o().result.attachments.toLocaleString()} photos and files (${formatBytes(o().result.attachmentBytes)}) in ${o().seconds.toFixed(1)} s.`
                }
              </Show>
            </p>
            <Show when={job().error}>
              {(code) => (
                <p class="error" role="alert">
                  {errorCopy[code()]}
                </p>
              )}
            </Show>
          </>
        )}
      </Show>
    </section>
  )
}
