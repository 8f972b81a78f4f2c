import { Match, Show, Switch } from 'solid-js'
import { createAccount } from '../../state/createAccount'
import { RecoveryKeyDialog } from './RecoveryKeyDialog'
import { SignedInPanel } from './SignedInPanel'
import { SignedOutPanel } from './SignedOutPanel'
import './account.css'

/**
 * Settings → Account (the Settings page gives it its section and heading): passkey sign-up and
 * sign-in, the account's passkeys, the recovery key.
 */
export function AccountSection() {
  const account = createAccount()
  return (
    <div class="account-section">
      <Switch>
        <Match when={account.state() === undefined}>
          <p class="hint">Loading…</p>
        </Match>
        <Match when={account.state()?.account}>
          {(record) => <SignedInPanel account={account} record={record()} unlocked={account.state()?.unlocked ?? false} />}
        </Match>
        <Match when={account.state()?.account === null}>
          <SignedOutPanel account={account} />
        </Match>
      </Switch>
      <Show when={account.notice()}>
        {(notice) => (
          <p class="account-notice" role="status">
            {notice()}
          </p>
        )}
      </Show>
      <Show when={account.recoveryKeyToShow()}>
        {(recoveryKey) => <RecoveryKeyDialog recoveryKey={recoveryKey()} onSaved={() => account.dismissRecoveryKey()} />}
      </Show>
    </div>
  )
}
