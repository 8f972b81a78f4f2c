import { For, Show } from 'solid-js'
import { searchMessages } from '../../db/search'
import { createLiveQuery } from '../../state/createLiveQuery'
import { useChatDB } from '../../state/useChatDB'
import { Avatar } from '../Avatar'
import { formatListTime } from '../formatTime'
import { routeHref } from '../route'

/** Messages matching the search box across all chats; each opens its conversation at that message. */
export function SearchResults(props: { query: string }) {
  const db = useChatDB()
  const hits = createLiveQuery((q: string) => searchMessages(db, q), () => props.query)
  return (
    <section class="search-results" aria-label="Search results">
      <Show when={hits()} fallback={<p class="list-note">Searching…</p>}>
        {(found) => (
          <>
            <p class="list-note" role="status">
              {found().length === 0
                ? 'No messages found'
                : `${found().length === 50 ? 'The 50 newest' : found().length} ${found().length === 1 ? 'message' : 'messages'} found`}
            </p>
            <ul class="conversations">
              <For each={found()}>
                {(hit) => (
                  <li>
                    <a class="conversation result" href={routeHref({ name: 'conversation', id: hit.conversation.id, messageId: hit.message.id })}>
                      <Avatar name={hit.conversation.name} />
                      <span class="conversation-text">
                        <span class="conversation-top">
                          <span class="conversation-name">{hit.conversation.name}</span>
                          <time class="conversation-time">{formatListTime(hit.message.createdAt)}</time>
                        </span>
                        <span class="snippet">
                          {hit.snippet.before}
                          <mark>{hit.snippet.match}</mark>
                          {hit.snippet.after}
                        </span>
                      </span>
                    </a>
                  </li>
                )}
              </For>
            </ul>
          </>
        )}
      </Show>
    </section>
  )
}
