import { createSignal, createUniqueId, For, Show } from 'solid-js'
import type { CredentialInfo } from '../../account/accountApi'
import type { CredentialId } from '../../db/AccountDB'
import type { AccountStore } from '../../state/createAccount'
import { ConfirmDialog } from '../ConfirmDialog'

const day = (time: number) => new Date(time).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' })

/** The account's passkeys: what each can do, rename and remove. */
export function PasskeyList(props: { account: AccountStore; currentCredentialId: CredentialId | null }) {
  const [renaming, setRenaming] = createSignal<CredentialId | null>(null)
  const [removing, setRemoving] = createSignal<CredentialInfo | null>(null)

  return (
    <>
      <ul class="passkey-list" aria-label="Passkeys">
        <For each={props.account.credentials()}>
          {(credential) => (
            <li class="passkey" aria-label={credential.name}>
              <Show when={renaming() === credential.id} fallback={<span class="passkey-name">{credential.name}</span>}>
                <RenameForm
                  credential={credential}
                  onSave={async (name) => {
                    await props.account.renamePasskey(credential.id, name)
                    setRenaming(null)
                  }}
                  onCancel={() => setRenaming(null)}
                />
              </Show>
              <span class={credential.canUnlock ? 'passkey-badge can-unlock' : 'passkey-badge cannot-unlock'}>
                {credential.canUnlock ? 'Can unlock backups' : "Can't unlock backups"}
              </span>
              <span class="passkey-meta">
                Created {day(credential.createdAt)} · {credential.lastUsedAt ? `last used ${day(credential.lastUsedAt)}` : 'never used to sign in'}
                {credential.id === props.currentCredentialId ? ' · signed in with this passkey' : ''}
                {credential.backedUp ? ' · synced' : ''}
              </span>
              <span class="passkey-actions">
                <button type="button" class="button small" disabled={!!props.account.running()} onClick={() => setRenaming(credential.id)}>
                  Rename
                </button>
                <button type="button" class="button small danger" disabled={!!props.account.running()} onClick={() => setRemoving(credential)}>
                  Remove passkey
                </button>
              </span>
            </li>
          )}
        </For>
      </ul>
      <Show when={removing()}>
        {(credential) => (
          <ConfirmDialog
            title={`Remove “${credential().name}”?`}
            confirmLabel="Remove"
            onCancel={() => setRemoving(null)}
            onConfirm={() => {
              const chosen = credential()
              setRemoving(null)
              void props.account.removePasskey(chosen)
            }}
          >
            <p>
              You won't be able to sign in with this passkey any more
              {credential().canUnlock ? ', and it will no longer unlock your backups' : ''}.
            </p>
          </ConfirmDialog>
        )}
      </Show>
    </>
  )
}

function RenameForm(props: { credential: CredentialInfo; onSave: (name: string) => Promise<void>; onCancel: () => void }) {
  const id = createUniqueId()
  let input!: HTMLInputElement
  return (
    <form
      class="passkey-rename"
      onSubmit={(e) => {
        e.preventDefault()
        const name = input.value.trim()
        if (name) void props.onSave(name)
      }}
    >
      <label for={id} class="visually-hidden">
        Passkey name
      </label>
      <input id={id} ref={input} value={props.credential.name} maxlength={64} required autofocus />
      <button type="submit" class="button small primary">
        Save
      </button>
      <button type="button" class="button small" onClick={() => props.onCancel()}>
        Cancel
      </button>
    </form>
  )
}
