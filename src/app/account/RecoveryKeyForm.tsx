import { createUniqueId, Show } from 'solid-js'
import type { AccountStore } from '../../state/createAccount'
import { accountErrorMessage } from './accountErrorMessage'

/** "Unlock with recovery key": signed out it signs in too; signed in it unlocks this device's backups. */
export function RecoveryKeyForm(props: { account: AccountStore }) {
  const inputId = createUniqueId()
  const hintId = createUniqueId()
  let input!: HTMLTextAreaElement
  const failure = () => {
    const f = props.account.failure()
    return f?.action === 'recovery-unlock' ? accountErrorMessage(f.action, f.error) : null
  }

  async function submit(event: SubmitEvent) {
    event.preventDefault()
    const ok = await props.account.unlockWithRecoveryKey(input.value)
    if (ok) input.value = ''
  }

  return (
    <form class="recovery-form" onSubmit={(e) => void submit(e)}>
      <label for={inputId}>Recovery key</label>
      <textarea
        id={inputId}
        ref={input}
        rows={3}
        required
        autocomplete="off"
        autocapitalize="characters"
        spellcheck={false}
        aria-describedby={hintId}
        aria-invalid={failure() ? 'true' : undefined}
        placeholder="XXXXX XXXXX XXXXX …"
      />
      <p id={hintId} class="hint">
        13 groups of 5 letters and digits. Spaces, dashes and upper or lower case don't matter.
      </p>
      <Show when={failure()}>
        {(message) => (
          <p class="account-error" role="alert">
            {message()}
          </p>
        )}
      </Show>
      <button type="submit" class="button" disabled={!!props.account.running()}>
        {props.account.running() === 'recovery-unlock' ? 'Unlocking…' : 'Unlock with recovery key'}
      </button>
    </form>
  )
}
