import { createSignal, For } from 'solid-js'
import { Dialog } from '../Dialog'

/**
 * Shows a new recovery key once, in groups a person can copy out. It closes only through "I saved my
 * recovery key": Escape and clicks outside do nothing, because the key cannot be shown again.
 */
export function RecoveryKeyDialog(props: { recoveryKey: string; onSaved: () => void }) {
  const [copied, setCopied] = createSignal<'copied' | 'failed' | null>(null)
  const groups = () => props.recoveryKey.split(' ')

  async function copy() {
    try {
      await navigator.clipboard.writeText(props.recoveryKey)
      setCopied('copied')
    } catch {
      setCopied('failed')
    }
  }

  function download() {
    const text = [
      'Keepsake recovery key',
      '',
      props.recoveryKey,
      '',
      'This key unlocks your Keepsake backups when you have no passkey at hand.',
      'Keep it somewhere safe and private. Anyone with it and your account can read your backups.',
      `Saved ${new Date().toLocaleString()}.`,
      '',
    ].join('\n')
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }))
    const link = document.createElement('a')
    link.href = url
    link.download = 'keepsake-recovery-key.txt'
    link.click()
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
  }

  return (
    <Dialog title="Recovery key" onClose={() => undefined} class="recovery-key-dialog">
      <div class="dialog-body">
        <p>
          If you lose your passkey, this key is the only other way to unlock your backups. Write it down or save it
          somewhere safe: it is shown only now.
        </p>
        <code class="recovery-key" aria-label="Your recovery key">
          <For each={groups()}>{(group) => <span class="recovery-key-group">{group}</span>}</For>
        </code>
        <p class="recovery-key-copied" role="status">
          {copied() === 'copied' ? 'Copied to the clipboard.' : copied() === 'failed' ? 'Copying was not allowed here: select the key or download it instead.' : ''}
        </p>
      </div>
      <div class="dialog-actions">
        <button type="button" class="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" class="button" onClick={download}>
          Download
        </button>
        <button type="button" class="button primary" onClick={() => props.onSaved()}>
          I saved my recovery key
        </button>
      </div>
    </Dialog>
  )
}
