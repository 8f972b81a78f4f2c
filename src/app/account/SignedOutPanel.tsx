import { createUniqueId, Show } from 'solid-js'
import type { AccountAction, AccountStore } from '../../state/createAccount'
import { accountErrorMessage } from './accountErrorMessage'
import { RecoveryKeyForm } from './RecoveryKeyForm'

/** Display name used when the person leaves the field empty; the passkey dialog shows it. */
const DEFAULT_DISPLAY_NAME = 'Keepsake account'

/** No account on this device: create one, sign in with a passkey, or come back with the recovery key. */
export function SignedOutPanel(props: { account: AccountStore }) {
  const nameId = createUniqueId()
  let nameInput!: HTMLInputElement
  const failureOf = (...actions: AccountAction[]) => {
    const f = props.account.failure()
    return f && actions.includes(f.action) ? accountErrorMessage(f.action, f.error) : null
  }

  return (
    <div class="account-panel">
      <p>
        Back up your chats with end-to-end encryption. A passkey signs you in and unlocks your backups: no password, and
        the server can never read them.
      </p>
      <form
        class="account-row"
        onSubmit={(e) => {
          e.preventDefault()
          void props.account.signUp(nameInput.value.trim() || DEFAULT_DISPLAY_NAME)
        }}
      >
        <label for={nameId}>Your name</label>
        <input id={nameId} ref={nameInput} maxlength={64} placeholder={DEFAULT_DISPLAY_NAME} autocomplete="nickname" />
        <button type="submit" class="button primary" disabled={!!props.account.running()}>
          {props.account.running() === 'sign-up' ? 'Creating account…' : 'Create account with passkey'}
        </button>
      </form>
      <div class="account-row">
        <span>Already have an account?</span>
        <button type="button" class="button" disabled={!!props.account.running()} onClick={() => void props.account.signIn()}>
          {props.account.running() === 'sign-in' ? 'Signing in…' : 'Sign in with passkey'}
        </button>
      </div>
      <Show when={failureOf('sign-up', 'sign-in')}>
        {(message) => (
          <p class="account-error" role="alert">
            {message()}
          </p>
        )}
      </Show>
      <details class="account-recovery">
        <summary>Lost your passkey? Use your recovery key</summary>
        <RecoveryKeyForm account={props.account} />
      </details>
    </div>
  )
}
