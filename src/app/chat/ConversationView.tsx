import { createEffect, createSignal, Show } from 'solid-js'
import type { ConversationId, Message, MessageId } from '../../db/ChatDB'
import { deleteConversation, markConversationRead } from '../../db/conversations'
import { ensureSequenced } from '../../db/messagePages'
import { deleteMessage } from '../../db/messages'
import { createLiveQuery } from '../../state/createLiveQuery'
import { useChatDB } from '../../state/useChatDB'
import { Avatar } from '../Avatar'
import { ConfirmDialog } from '../ConfirmDialog'
import { describeError } from '../errorCopy'
import { Icon } from '../Icon'
import { navigate } from '../route'
import { Composer } from './Composer'
import { MessageList } from './MessageList'
import './conversation.css'

/** One conversation: its header, the message history and the composer. */
export function ConversationView(props: { id: ConversationId; focusMessageId?: MessageId }) {
  const db = useChatDB()
  void ensureSequenced(db, props.id) // a conversation restored from an older backup gets its row numbers
  const found = createLiveQuery(async () => ({ conversation: await db.conversations.get(props.id) }))
  const conversation = () => found()?.conversation
  const [confirmChat, setConfirmChat] = createSignal(false)
  const [confirmMessage, setConfirmMessage] = createSignal<Message>()
  const [error, setError] = createSignal<string>()
  let list: { scrollToEnd: () => void } | undefined

  // Opening a conversation reads it; so does a message arriving while it is open.
  createEffect(() => {
    const c = conversation()
    if (c && c.unread > 0) void markConversationRead(db, c.id)
  })

  const removeChat = async () => {
    setConfirmChat(false)
    try {
      await deleteConversation(db, props.id)
      navigate({ name: 'home' }, { replace: true })
    } catch (e) {
      setError(describeError(e))
    }
  }
  const removeMessage = async (m: Message) => {
    setConfirmMessage(undefined)
    try {
      await deleteMessage(db, m.id)
    } catch (e) {
      setError(describeError(e))
    }
  }

  return (
    <Show
      when={conversation()}
      fallback={
        <Show when={found()}>
          <div class="empty-pane">
            <p>This chat no longer exists.</p>
            <button type="button" class="button" onClick={() => navigate({ name: 'home' })}>
              Back to chats
            </button>
          </div>
        </Show>
      }
    >
      {(c) => (
        <section class="conversation-view" aria-label={c().name}>
          <header class="bar conversation-bar">
            <button type="button" class="icon-button back" aria-label="Back to chats" onClick={() => navigate({ name: 'home' })}>
              <Icon name="back" />
            </button>
            <Avatar name={c().name} />
            <h2 class="conversation-title">{c().name}</h2>
            <button type="button" class="icon-button" aria-label="Delete chat" title="Delete chat" onClick={() => setConfirmChat(true)}>
              <Icon name="trash" />
            </button>
          </header>
          <Show when={error()}>
            <div class="banner error" role="alert">
              <span>{error()}</span>
              <button type="button" class="icon-button" aria-label="Dismiss" onClick={() => setError(undefined)}>
                <Icon name="close" size={18} />
              </button>
            </div>
          </Show>
          <MessageList
            conversationId={props.id}
            conversationName={c().name}
            focusMessageId={props.focusMessageId}
            onDelete={(m) => setConfirmMessage(m)}
            ref={(api) => (list = api)}
          />
          <Composer conversationId={props.id} onSent={() => list?.scrollToEnd()} />
          <Show when={confirmChat()}>
            <ConfirmDialog title={`Delete “${c().name}”?`} confirmLabel="Delete" onConfirm={() => void removeChat()} onCancel={() => setConfirmChat(false)}>
              <p>All messages, photos and files in this chat will be deleted from this device.</p>
            </ConfirmDialog>
          </Show>
          <Show when={confirmMessage()}>
            {(m) => (
              <ConfirmDialog title="Delete message?" confirmLabel="Delete" onConfirm={() => void removeMessage(m())} onCancel={() => setConfirmMessage(undefined)}>
                <p>This message{m().attachments.length ? ' and its attachments' : ''} will be deleted from this device.</p>
              </ConfirmDialog>
            )}
          </Show>
        </section>
      )}
    </Show>
  )
}
