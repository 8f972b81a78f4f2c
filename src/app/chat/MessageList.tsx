import { createVirtualizer } from '@tanstack/solid-virtual'
import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js'
import type { ConversationId, Message, MessageId } from '../../db/ChatDB'
import { createMessageWindow, type VisibleRange } from '../../state/createMessageWindow'
import { useChatDB } from '../../state/useChatDB'
import { estimateRowHeight, MessageRow } from './MessageRow'

const HIGHLIGHT_MS = 2500
/** How long opening at a message keeps correcting the scroll position (ms). */
const SCROLL_INTO_VIEW_MS = 8000
/** Consecutive checks the row must pass in view before opening at it is done. */
const SETTLED_CHECKS = 5

/**
 * A conversation's messages, virtualized: only the rows on screen (plus a few) exist in the page, and
 * only their pages are read from the database, so a history of any length opens at once, at its newest
 * message, and keeps up with new messages while scrolled to the end.
 */
export function MessageList(props: {
  conversationId: ConversationId
  focusMessageId?: MessageId
  /** Messages by anyone but 'me' and this name (a group's members) show their author. */
  conversationName: string
  onDelete: (m: Message) => void
  ref?: (api: { scrollToEnd: () => void }) => void
}) {
  const db = useChatDB()
  let scroller!: HTMLDivElement
  const [visible, setVisible] = createSignal<VisibleRange>()
  const rows = createMessageWindow(db, props.conversationId, visible)
  const [highlighted, setHighlighted] = createSignal<MessageId>()
  // Following new messages at the end also fires when the row count first arrives; when opening at a
  // particular message it would pull the view to the end, so it starts once that message is in view.
  const [following, setFollowing] = createSignal(!props.focusMessageId)
  const [target] = createResource(
    () => props.focusMessageId,
    async (id) => {
      const message = await db.messages.get(id)
      return message?.conversationId === props.conversationId ? message : undefined
    },
  )

  const virtualizer = createVirtualizer({
    get count() {
      return rows.count() ?? 0
    },
    getScrollElement: () => scroller,
    // Called for every row of the history whenever sizes are recomputed: no reactive reads here.
    estimateSize: (i) => {
      const message = rows.peek(i)
      return message === null ? 0 : estimateRowHeight(message, message ? (rows.peek(i - 1) ?? undefined) : undefined)
    },
    overscan: 8,
    paddingStart: 12,
    paddingEnd: 12,
    anchorTo: 'end',
    get followOnAppend() {
      return following()
    },
    scrollEndThreshold: 48,
  })

  createEffect(() => {
    const items = virtualizer.getVirtualItems()
    const first = items[0]
    const last = items[items.length - 1]
    setVisible(first && last ? { start: first.index, end: last.index + 1 } : undefined)
  })

  // Open at the newest message, or at the one a search result points to.
  createEffect(
    on([() => rows.count() !== undefined, () => props.focusMessageId, () => target.loading], ([ready, focus, loading]) => {
      if (!ready || loading) return
      const message = focus ? target() : undefined
      if (!message) {
        virtualizer.scrollToIndex((rows.count() ?? 1) - 1, { align: 'end' })
        setFollowing(true)
        return
      }
      setFollowing(false)
      void scrollIntoView(message.seq).then(() => setFollowing(true))
      setHighlighted(message.id)
      clearTimeout(highlightTimer)
      highlightTimer = setTimeout(() => setHighlighted(undefined), HIGHLIGHT_MS)
    }),
  )
  let highlightTimer: ReturnType<typeof setTimeout> | undefined
  let scrollRequest = 0

  /**
   * Centres a row. The first jump lands where the size estimates put the row; once the rows around it
   * are read and measured it may be elsewhere, so jump again until it sits in view. Reading the rows
   * can take seconds on a busy device, so this keeps trying for a while, not for a number of frames.
   */
  async function scrollIntoView(index: number): Promise<void> {
    const request = ++scrollRequest
    const deadline = performance.now() + SCROLL_INTO_VIEW_MS
    // The list is anchored to its end, so rows measured between the target and the end still move it
    // after it first shows: it counts as there once it stayed in view for several checks in a row.
    let settled = 0
    while (performance.now() < deadline && request === scrollRequest) {
      virtualizer.scrollToIndex(index, { align: 'center' })
      await new Promise(requestAnimationFrame)
      await new Promise(requestAnimationFrame)
      const row = scroller.querySelector<HTMLElement>(`[data-index="${index}"]`)
      settled = row && rows.at(index) && isInView(row, scroller) ? settled + 1 : 0
      if (settled >= SETTLED_CHECKS) return
    }
  }
  onCleanup(() => clearTimeout(highlightTimer))

  props.ref?.({ scrollToEnd: () => virtualizer.scrollToIndex((rows.count() ?? 1) - 1, { align: 'end' }) })

  return (
    <div ref={scroller} class="messages" role="list" aria-label="Messages" aria-busy={rows.count() === undefined}>
      <Show when={rows.empty()}>
        <p class="messages-empty">No messages yet. Say hello!</p>
      </Show>
      <div class="messages-inner" style={{ height: `${virtualizer.getTotalSize()}px` }}>
        <For each={virtualizer.getVirtualItems()}>
          {(item) => (
            <div
              class="row"
              role={rows.at(item.index) ? 'listitem' : undefined}
              aria-posinset={rows.at(item.index) ? item.index + 1 : undefined}
              aria-setsize={rows.at(item.index) ? (rows.count() ?? 0) : undefined}
              data-index={item.index}
              ref={(el) => queueMicrotask(() => el.isConnected && virtualizer.measureElement(el))}
              style={{ transform: `translateY(${item.start}px)` }}
            >
              <Show
                when={rows.at(item.index)}
                fallback={
                  <Show when={!rows.loaded(item.index)}>
                    <div class="message placeholder" aria-hidden="true">
                      <div class="bubble" />
                    </div>
                  </Show>
                }
              >
                {(message) => (
                  <MessageRow
                    message={message()}
                    previous={rows.previous(item.index) ?? undefined}
                    previousUnknown={rows.previous(item.index) === undefined}
                    showAuthors={message().author !== props.conversationName}
                    highlighted={highlighted() === message().id}
                    onDelete={props.onDelete}
                  />
                )}
              </Show>
            </div>
          )}
        </For>
      </div>
    </div>
  )
}

function isInView(element: HTMLElement, container: HTMLElement): boolean {
  const r = element.getBoundingClientRect()
  const c = container.getBoundingClientRect()
  return r.top >= c.top - 1 && r.bottom <= c.bottom + 1 ? true : r.top < c.top + c.height / 2 && r.bottom > c.top + c.height / 2
}
