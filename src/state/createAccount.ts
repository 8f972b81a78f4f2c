import { createResource, createSignal, onCleanup } from 'solid-js'
import { accountApi, type CredentialInfo } from '../account/accountApi'
import { addPasskey } from '../account/addPasskey'
import { accountDatabase, loadAccountState, type AccountState } from '../account/keystore'
import { replaceRecoveryKey } from '../account/replaceRecoveryKey'
import { signIn } from '../account/signIn'
import { signOut } from '../account/signOut'
import { signUp } from '../account/signUp'
import { unlockWithPasskey } from '../account/unlockWithPasskey'
import { unlockWithRecoveryKey } from '../account/unlockWithRecoveryKey'
import type { CredentialId } from '../db/AccountDB'
import { createLiveQuery } from './createLiveQuery'

/** The account actions the UI offers; one runs at a time. */
export type AccountAction =
  | 'sign-up' | 'sign-in' | 'sign-out' | 'add-passkey' | 'rename-passkey' | 'remove-passkey'
  | 'recovery-unlock' | 'passkey-unlock' | 'new-recovery-key'

/** How long master key bytes unlocked by the recovery key stay in memory for a follow-up "Add passkey". */
const HOLD_MASTER_KEY_MS = 5 * 60_000

/**
 * The account as the UI sees it: the device's account state (live, from IndexedDB), the passkeys
 * (from the server), and actions that report their failure in `failure()` instead of throwing.
 */
export function createAccount() {
  const state = createLiveQuery(() => loadAccountState(accountDatabase()))
  const [running, setRunning] = createSignal<AccountAction | null>(null)
  const [failure, setFailure] = createSignal<{ action: AccountAction; error: unknown } | null>(null)
  const [notice, setNotice] = createSignal<string | null>(null)
  const [recoveryKeyToShow, setRecoveryKeyToShow] = createSignal<string | null>(null)
  const [held, setHeld] = createSignal(false)
  let heldMasterKey: Uint8Array | null = null
  let heldTimer: ReturnType<typeof setTimeout> | undefined

  const accountId = () => state()?.account?.accountId
  const [credentialsResource, { refetch: refetchCredentials }] = createResource(accountId, () => accountApi.credentials())
  /** The passkeys, or undefined while loading or after a failure (then `credentialsError()` says why). */
  const credentials = () => (credentialsResource.state === 'errored' ? undefined : credentialsResource.latest)
  const credentialsError = () => (credentialsResource.state === 'errored' ? (credentialsResource.error as unknown) : null)

  // Passkeys that could not be loaded offline load when the connection is back.
  const onOnline = () => credentialsResource.state === 'errored' && void refetchCredentials()
  addEventListener('online', onOnline)
  onCleanup(() => removeEventListener('online', onOnline))

  function forgetHeldKey() {
    heldMasterKey?.fill(0)
    heldMasterKey = null
    setHeld(false)
    clearTimeout(heldTimer)
  }
  function hold(masterKey: Uint8Array) {
    forgetHeldKey()
    heldMasterKey = masterKey
    setHeld(true)
    heldTimer = setTimeout(forgetHeldKey, HOLD_MASTER_KEY_MS)
  }
  onCleanup(forgetHeldKey)

  async function run<T>(action: AccountAction, body: () => Promise<T>): Promise<T | undefined> {
    if (running()) return undefined
    setRunning(action)
    setFailure(null)
    setNotice(null)
    try {
      return await body()
    } catch (error) {
      setFailure({ action, error })
      return undefined
    } finally {
      setRunning(null)
    }
  }

  const signedIn = () => {
    const account = state()?.account
    if (!account) throw new Error('createAccount: internal error: no account on this device')
    return account
  }

  return {
    state: state as () => AccountState | undefined,
    credentials,
    credentialsError,
    running,
    failure,
    notice,
    recoveryKeyToShow,
    /** Whether master key bytes from a recovery unlock are at hand (no passkey prompt needed to add one). */
    holdsMasterKey: held,
    dismissRecoveryKey: () => setRecoveryKeyToShow(null),

    signUp: (displayName: string) =>
      run('sign-up', async () => {
        const result = await signUp(displayName)
        setRecoveryKeyToShow(result.recoveryKey)
        if (!result.passkeyCanUnlock) {
          setNotice("Your account is ready, but this passkey can't unlock backups (its provider has no PRF support). Your recovery key protects your backups: keep it safe.")
        }
      }),

    signIn: () =>
      run('sign-in', async () => {
        const result = await signIn()
        if (result.recoveryKey) setRecoveryKeyToShow(result.recoveryKey)
        void refetchCredentials()
      }),

    signOut: () =>
      run('sign-out', async () => {
        await signOut()
        forgetHeldKey()
      }),

    addPasskey: () =>
      run('add-passkey', async () => {
        const account = signedIn()
        const name = `Passkey ${(credentials()?.length ?? 0) + 1}`
        const result = await addPasskey(account, name, heldMasterKey ?? undefined)
        await refetchCredentials()
        setNotice(
          result.canUnlock
            ? `${name} was added and can unlock your backups.`
            : `${name} was added. It can sign you in, but it can't unlock backups: its provider has no PRF support.`,
        )
      }),

    renamePasskey: (id: CredentialId, name: string) =>
      run('rename-passkey', async () => {
        await accountApi.renameCredential(id, name)
        await refetchCredentials()
      }),

    removePasskey: (credential: CredentialInfo) =>
      run('remove-passkey', async () => {
        await accountApi.deleteCredential(credential.id)
        await refetchCredentials()
        setNotice(`${credential.name} was removed.`)
      }),

    unlockWithRecoveryKey: (text: string) =>
      run('recovery-unlock', async () => {
        hold(await unlockWithRecoveryKey(text, state()?.account?.accountId))
        void refetchCredentials()
        return true
      }),

    unlockWithPasskey: () =>
      run('passkey-unlock', async () => {
        const { masterKey } = await unlockWithPasskey(signedIn().accountId)
        masterKey.fill(0)
        void refetchCredentials()
      }),

    replaceRecoveryKey: () =>
      run('new-recovery-key', async () => {
        setRecoveryKeyToShow(await replaceRecoveryKey(signedIn().accountId, heldMasterKey ?? undefined))
      }),

    refetchCredentials,
  }
}

export type AccountStore = ReturnType<typeof createAccount>
