import { Match, Show, Switch } from 'solid-js'
import { createAppUpdate } from '../state/createAppUpdate'
import { useBackup } from './backup/useBackup'
import { ConversationView } from './chat/ConversationView'
import { Sidebar } from './chat/Sidebar'
import { Icon } from './Icon'
import { RestoreBanner } from './restore/RestoreBanner'
import { createRoute } from './route'
import { SettingsPage } from './settings/SettingsPage'
import { UpdateBanner } from './UpdateBanner'

/**
 * The app shell: the chats column and the open pane side by side on wide screens; on narrow ones the
 * pane replaces the list while a conversation or Settings is open.
 */
export function App() {
  const route = createRoute()
  const update = createAppUpdate()
  // Backups run whichever view is open: uploads drain, automatic backups start, unfinished ones resume.
  useBackup()
  const conversationRoute = () => {
    const r = route()
    return r.name === 'conversation' ? r : undefined
  }
  return (
    <div class="app" data-view={route().name}>
      <Sidebar selected={conversationRoute()?.id} />
      <main class="pane">
        <Switch>
          <Match when={conversationRoute()}>
            {(r) => (
              <Show when={r().id} keyed>
                {(id) => <ConversationView id={id} focusMessageId={r().messageId} />}
              </Show>
            )}
          </Match>
          <Match when={route().name === 'settings'}>
            <SettingsPage />
          </Match>
          <Match when={route().name === 'home'}>
            <div class="empty-pane">
              <Icon name="chat" size={48} />
              <p>Choose a chat, or start a new one.</p>
              <p class="muted">Your chats are stored on this device and work offline.</p>
            </div>
          </Match>
        </Switch>
      </main>
      <RestoreBanner />
      <UpdateBanner update={update} />
    </div>
  )
}
