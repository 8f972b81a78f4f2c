import { For, Show } from 'solid-js'
import type { Message } from '../../db/ChatDB'
import { formatFullTime, formatMessageTime } from '../formatTime'
import { Icon } from '../Icon'
import { AttachmentView, isPhoto, photoBox } from './AttachmentView'

/** A rough height for a row not yet measured, so the scrollbar is close to right before rows render. */
export function estimateRowHeight(message: Message | undefined, previous: Message | undefined): number {
  if (!message) return 64
  let h = 34 // bubble padding, time, row gap
  if (message.text) h += 21 * Math.max(1, Math.ceil(message.text.length / 42) + (message.text.match(/\n/g)?.length ?? 0))
  for (const a of message.attachments) h += isPhoto(a) ? photoBox(a).height + 6 : 58
  if (!previous || dayOf(previous.createdAt) !== dayOf(message.createdAt)) h += 44
  return h
}

function dayOf(time: number): string {
  return new Date(time).toDateString()
}

function dayLabel(time: number): string {
  const day = new Date(time)
  const today = new Date()
  const yesterday = new Date(today.getTime() - 86_400_000)
  if (day.toDateString() === today.toDateString()) return 'Today'
  if (day.toDateString() === yesterday.toDateString()) return 'Yesterday'
  return day.toLocaleDateString(undefined, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(day.getFullYear() === today.getFullYear() ? {} : { year: 'numeric' }),
  })
}

/** One message bubble: author (in groups), attachments, text, time, and its delete action. */
export function MessageRow(props: {
  message: Message
  previous: Message | undefined
  /** True when the previous message is unknown because it is not loaded yet (no day divider then). */
  previousUnknown: boolean
  showAuthors: boolean
  highlighted: boolean
  onDelete: (m: Message) => void
}) {
  const mine = () => props.message.author === 'me'
  const newDay = () => !props.previousUnknown && (!props.previous || dayOf(props.previous.createdAt) !== dayOf(props.message.createdAt))
  const sameAuthor = () => !newDay() && props.previous?.author === props.message.author
  return (
    <>
      <Show when={newDay()}>
        <div class="day-divider" role="separator">
          <span>{dayLabel(props.message.createdAt)}</span>
        </div>
      </Show>
      <div
        class="message"
        classList={{ mine: mine(), continued: sameAuthor(), highlighted: props.highlighted }}
        data-message-id={props.message.id}
      >
        <div class="bubble" tabindex="-1">
          <Show when={props.showAuthors && !mine() && !sameAuthor()}>
            <span class="author">{props.message.author}</span>
          </Show>
          <For each={props.message.attachments}>{(a) => <AttachmentView attachment={a} />}</For>
          <Show when={props.message.text}>
            <p class="text">{props.message.text}</p>
          </Show>
          <time class="message-time" datetime={new Date(props.message.createdAt).toISOString()} title={formatFullTime(props.message.createdAt)}>
            {formatMessageTime(props.message.createdAt)}
          </time>
        </div>
        <button type="button" class="icon-button message-delete" aria-label="Delete message" title="Delete message" onClick={() => props.onDelete(props.message)}>
          <Icon name="trash" size={18} />
        </button>
      </div>
    </>
  )
}
