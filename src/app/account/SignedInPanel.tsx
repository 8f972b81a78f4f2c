import { Show } from 'solid-js'
import type { AccountRecord } from '../../db/AccountDB'
import { isAppError } from '../../errors'
import type { AccountAction, AccountStore } from '../../state/createAccount'
import { errorCopy } from '../errorCopy'
import { accountErrorMessage } from './accountErrorMessage'
import { PasskeyList } from './PasskeyList'
import { RecoveryKeyForm } from './RecoveryKeyForm'

/** The signed-in account: whether backups can be unlocked here, its passkeys, the recovery key, sign-out. */
export function SignedInPanel(props: { account: AccountStore; record: AccountRecord; unlocked: boolean }) {
  const a = props.account
  const busy = () => !!a.running()
  const failureOf = (...actions: AccountAction[]) => {
    const f = a.failure()
    return f && actions.includes(f.action) ? accountErrorMessage(f.action, f.error) : null
  }
  const anyPasskeyCanUnlock = () => a.credentials()?.some((c) => c.canUnlock) ?? true
  const sessionEnded = () => isAppError(a.credentialsError(), 'signed-out')

  return (
    <div class="account-panel">
      <p>
        Signed in as <strong>{props.record.displayName}</strong>
      </p>

      <div class={props.unlocked ? 'backup-lock unlocked' : 'backup-lock locked'} role="status">
        <Show
          when={props.unlocked}
          fallback={
            <>
              <strong>Backups are locked on this device.</strong>{' '}
              {props.record.lockedReason ? errorCopy[props.record.lockedReason] : 'Unlock them with your recovery key.'}
            </>
          }
        >
          <strong>Backups can be unlocked on this device.</strong> Your chats are backed up end-to-end encrypted.
        </Show>
      </div>

      <Show when={!props.unlocked}>
        <RecoveryKeyForm account={a} />
        <Show when={anyPasskeyCanUnlock()}>
          <button type="button" class="button" disabled={busy()} onClick={() => void a.unlockWithPasskey()}>
            Unlock with another passkey
          </button>
        </Show>
        <Show when={failureOf('passkey-unlock')}>{(m) => <p class="account-error" role="alert">{m()}</p>}</Show>
      </Show>

      <Show when={props.unlocked && a.holdsMasterKey()}>
        <p class="account-offer">
          You unlocked your backups with the recovery key. Add a passkey so that next time one fingerprint or face scan
          is enough.
        </p>
      </Show>
      <Show when={props.unlocked && !anyPasskeyCanUnlock()}>
        <p class="account-offer">
          None of your passkeys can unlock backups, so your recovery key is the only way to restore them on another
          device. Keep it safe, or add a passkey from a provider that supports it.
        </p>
      </Show>

      <section class="account-subsection" aria-labelledby="passkeys-heading">
        <h4 id="passkeys-heading">Passkeys</h4>
        <Show when={sessionEnded()}>
          <p class="account-error" role="alert">
            Your session has ended. Sign in with your passkey again to manage your passkeys.
          </p>
          <button type="button" class="button" disabled={busy()} onClick={() => void a.signIn()}>
            Sign in with passkey
          </button>
        </Show>
        <Show when={a.credentialsError() && !sessionEnded()}>
          <p class="account-error" role="alert">
            Couldn't load your passkeys. {accountErrorMessage('add-passkey', a.credentialsError())}{' '}
            <button type="button" class="button small" onClick={() => void a.refetchCredentials()}>
              Retry
            </button>
          </p>
        </Show>
        <PasskeyList account={a} currentCredentialId={props.record.credentialId} />
        <button type="button" class="button" disabled={busy() || (!props.unlocked && !a.holdsMasterKey())} onClick={() => void a.addPasskey()}>
          {a.running() === 'add-passkey' ? 'Adding passkey…' : 'Add passkey'}
        </button>
        <Show when={!props.unlocked}>
          <p class="hint">Unlock your backups first: a new passkey gets a copy of the key that opens them.</p>
        </Show>
        <Show when={failureOf('add-passkey', 'rename-passkey', 'remove-passkey', 'sign-in')}>
          {(m) => <p class="account-error" role="alert">{m()}</p>}
        </Show>
      </section>

      <section class="account-subsection" aria-labelledby="recovery-heading">
        <h4 id="recovery-heading">Recovery key</h4>
        <p>
          Your recovery key unlocks your backups when no passkey is at hand. Making a new one replaces the old one, which
          then stops working.
        </p>
        <button type="button" class="button" disabled={busy() || !props.unlocked} onClick={() => void a.replaceRecoveryKey()}>
          {a.running() === 'new-recovery-key' ? 'Making a new recovery key…' : 'Make a new recovery key'}
        </button>
        <Show when={failureOf('new-recovery-key')}>{(m) => <p class="account-error" role="alert">{m()}</p>}</Show>
      </section>

      <div class="account-row">
        <button type="button" class="button danger" disabled={busy()} onClick={() => void a.signOut()}>
          {a.running() === 'sign-out' ? 'Signing out…' : 'Sign out'}
        </button>
        <span class="hint">Your chats stay on this device.</span>
      </div>
      <Show when={failureOf('sign-out')}>{(m) => <p class="account-error" role="alert">{m()}</p>}</Show>
    </div>
  )
}
