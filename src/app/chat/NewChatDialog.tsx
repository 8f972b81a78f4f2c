import { createSignal, createUniqueId } from 'solid-js'
import type { Conversation } from '../../db/ChatDB'
import { createConversation, MAX_CONVERSATION_NAME } from '../../db/conversations'
import { useChatDB } from '../../state/useChatDB'
import { Dialog } from '../Dialog'
import { describeError } from '../errorCopy'

/** "New chat": a name, then the conversation is created and opened. */
export function NewChatDialog(props: { onClose: () => void; onCreated: (c: Conversation) => void }) {
  const db = useChatDB()
  const [name, setName] = createSignal('')
  const [error, setError] = createSignal<string>()
  const [busy, setBusy] = createSignal(false)
  const inputId = createUniqueId()
  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    if (!name().trim() || busy()) return
    setBusy(true)
    try {
      props.onCreated(await createConversation(db, name()))
    } catch (err) {
      setError(describeError(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <Dialog title="New chat" onClose={props.onClose}>
      <form class="dialog-body form" onSubmit={submit}>
        <label class="field" for={inputId}>
          <span class="field-label">Chat name</span>
          <input
            id={inputId}
            type="text"
            autocomplete="off"
            maxlength={MAX_CONVERSATION_NAME}
            placeholder="A person or a group"
            required
            autofocus
            value={name()}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        {error() && (
          <p class="error" role="alert">
            {error()}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" class="button" onClick={() => props.onClose()}>
            Cancel
          </button>
          <button type="submit" class="button primary" disabled={!name().trim() || busy()}>
            Create
          </button>
        </div>
      </form>
    </Dialog>
  )
}
