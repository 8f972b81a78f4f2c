import { createSignal, onCleanup, Show } from 'solid-js'
import type { ConversationId } from '../../db/ChatDB'
import { canInstall, install } from '../../state/installPrompt'
import { Icon } from '../Icon'
import { navigate } from '../route'
import { ConversationList } from './ConversationList'
import { NewChatDialog } from './NewChatDialog'
import { SearchResults } from './SearchResults'
import './list.css'

const SEARCH_DELAY_MS = 150

/** The chats column: app bar, search box, and the conversation list or search results. */
export function Sidebar(props: { selected?: ConversationId }) {
  const [newChat, setNewChat] = createSignal(false)
  const [typed, setTyped] = createSignal('')
  const [query, setQuery] = createSignal('')
  let timer: ReturnType<typeof setTimeout> | undefined
  const onSearch = (value: string) => {
    setTyped(value)
    clearTimeout(timer)
    timer = setTimeout(() => setQuery(value.trim()), value.trim() ? SEARCH_DELAY_MS : 0)
  }
  onCleanup(() => clearTimeout(timer))

  return (
    <aside class="sidebar" aria-label="Chats">
      <header class="bar">
        <h1 class="brand">Keepsake</h1>
        <div class="bar-actions">
          <Show when={canInstall()}>
            <button type="button" class="button small" onClick={() => void install()}>
              <Icon name="install" size={18} />
              Install app
            </button>
          </Show>
          <button type="button" class="icon-button" aria-label="Settings" title="Settings" onClick={() => navigate({ name: 'settings' })}>
            <Icon name="settings" />
          </button>
          <button type="button" class="icon-button" aria-label="New chat" title="New chat" onClick={() => setNewChat(true)}>
            <Icon name="compose" />
          </button>
        </div>
      </header>
      <div class="search" role="search">
        <Icon name="search" size={18} class="search-icon" />
        <input
          type="search"
          aria-label="Search messages"
          placeholder="Search messages"
          value={typed()}
          onInput={(e) => onSearch(e.currentTarget.value)}
          onKeyDown={(e) => e.key === 'Escape' && onSearch('')}
        />
      </div>
      <nav class="list" aria-label={query() ? 'Search results' : 'Conversations'}>
        <Show when={query()} fallback={<ConversationList selected={props.selected} onNewChat={() => setNewChat(true)} />}>
          <SearchResults query={query()} />
        </Show>
      </nav>
      <Show when={newChat()}>
        <NewChatDialog
          onClose={() => setNewChat(false)}
          onCreated={(c) => {
            setNewChat(false)
            onSearch('')
            navigate({ name: 'conversation', id: c.id })
          }}
        />
      </Show>
    </aside>
  )
}
