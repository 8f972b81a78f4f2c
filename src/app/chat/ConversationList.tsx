import { For, Show } from 'solid-js'
import type { ConversationId } from '../../db/ChatDB'
import { conversationsByRecency } from '../../db/conversations'
import { createLiveQuery } from '../../state/createLiveQuery'
import { useChatDB } from '../../state/useChatDB'
import { Avatar } from '../Avatar'
import { formatFullTime, formatListTime } from '../formatTime'
import { routeHref } from '../route'

/** All conversations, latest activity first, with their last message, time and unread count. */
export function ConversationList(props: { selected?: ConversationId; onNewChat: () => void }) {
  const db = useChatDB()
  const conversations = createLiveQuery(() => conversationsByRecency(db))
  // Arrow keys move between chats, as in a list box; Tab leaves the list.
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
    const links = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLAnchorElement>('a.conversation')]
    const i = links.indexOf(document.activeElement as HTMLAnchorElement)
    const next = links[e.key === 'ArrowDown' ? Math.min(links.length - 1, i + 1) : Math.max(0, i - 1)]
    if (next) {
      e.preventDefault()
      next.focus()
    }
  }
  return (
    <Show
      when={conversations()?.length !== 0}
      fallback={
        <div class="list-empty">
          <p>No chats yet.</p>
          <button type="button" class="button primary" onClick={() => props.onNewChat()}>
            Start a chat
          </button>
        </div>
      }
    >
      <ul class="conversations" onKeyDown={onKeyDown}>
        <For each={conversations()}>
          {(c) => (
            <li>
              <a
                class="conversation"
                href={routeHref({ name: 'conversation', id: c.id })}
                aria-current={props.selected === c.id ? 'page' : undefined}
              >
                <Avatar name={c.name} />
                <span class="conversation-text">
                  <span class="conversation-top">
                    <span class="conversation-name">{c.name}</span>
                    <time class="conversation-time" datetime={new Date(c.updatedAt).toISOString()} title={formatFullTime(c.updatedAt)}>
                      {formatListTime(c.updatedAt)}
                    </time>
                  </span>
                  <span class="conversation-bottom">
                    <span class="conversation-last">{c.lastMessageText || 'No messages yet'}</span>
                    <Show when={c.unread > 0}>
                      <span class="badge" aria-label={`${c.unread} unread`}>
                        {c.unread > 99 ? '99+' : c.unread}
                      </span>
                    </Show>
                  </span>
                </span>
              </a>
            </li>
          )}
        </For>
      </ul>
    </Show>
  )
}
