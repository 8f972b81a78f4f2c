import { createSignal, For, onCleanup, Show, type Accessor } from 'solid-js'
import type { ConversationId } from '../../db/ChatDB'
import { sendMessage, type NewAttachment } from '../../db/messages'
import { requestPersistentStorage } from '../../state/createStorageInfo'
import { makeThumbnail } from '../../state/makeThumbnail'
import { useChatDB } from '../../state/useChatDB'
import { describeError } from '../errorCopy'
import { formatBytes } from '../formatBytes'
import { Icon } from '../Icon'
import './composer.css'

interface Pending {
  key: number
  file: File
  /** Resolves once the photo's thumbnail is made (or at once for other files). */
  ready: Promise<NewAttachment>
  previewUrl: Accessor<string | undefined>
}

const MAX_TEXTAREA_PX = 160

/** The message box with attachments: Enter sends, Shift+Enter starts a new line. */
export function Composer(props: { conversationId: ConversationId; onSent?: () => void; ref?: (focus: () => void) => void }) {
  const db = useChatDB()
  const [text, setText] = createSignal('')
  const [pending, setPending] = createSignal<Pending[]>([])
  const [sending, setSending] = createSignal(false)
  const [error, setError] = createSignal<string>()
  let textarea!: HTMLTextAreaElement
  let fileInput!: HTMLInputElement
  let nextKey = 0
  props.ref?.(() => textarea.focus())

  const fit = () => {
    textarea.style.height = 'auto'
    textarea.style.height = `${Math.min(textarea.scrollHeight, MAX_TEXTAREA_PX)}px`
  }

  const attach = (files: Iterable<File>) => {
    const added: Pending[] = [...files].map((file) => {
      const [previewUrl, setPreviewUrl] = createSignal<string>()
      const item: Pending = { key: nextKey++, file, previewUrl, ready: Promise.resolve({ name: file.name || 'file', type: file.type, blob: file }) }
      if (file.type.startsWith('image/')) {
        item.ready = makeThumbnail(file).then((thumb) => {
          if (!thumb) return { name: file.name || 'file', type: file.type, blob: file }
          if (pending().includes(item)) setPreviewUrl(URL.createObjectURL(thumb.blob))
          return { name: file.name || 'photo', type: file.type, blob: file, thumbnail: thumb.blob, width: thumb.width, height: thumb.height }
        })
      }
      return item
    })
    setPending((list) => [...list, ...added])
  }
  const remove = (item: Pending) => {
    const url = item.previewUrl()
    if (url) URL.revokeObjectURL(url)
    setPending((list) => list.filter((p) => p !== item))
  }
  onCleanup(() => pending().forEach((p) => p.previewUrl() && URL.revokeObjectURL(p.previewUrl()!)))

  const canSend = () => !sending() && (text().trim() !== '' || pending().length > 0)
  const send = async () => {
    if (!canSend()) return
    setSending(true)
    setError(undefined)
    const items = pending()
    try {
      await sendMessage(db, { conversationId: props.conversationId, text: text(), attachments: await Promise.all(items.map((p) => p.ready)) })
      setText('')
      items.forEach(remove)
      fit()
      props.onSent?.()
      void requestPersistentStorage()
    } catch (e) {
      // Nothing is lost: the text and the attachments stay in the composer.
      setError(describeError(e))
    } finally {
      setSending(false)
      textarea.focus()
    }
  }

  return (
    <div class="composer-wrap">
      <Show when={error()}>
        <div class="composer-error" role="alert">
          <span>{error()}</span>
          <button type="button" class="icon-button" aria-label="Dismiss" onClick={() => setError(undefined)}>
            <Icon name="close" size={18} />
          </button>
        </div>
      </Show>
      <Show when={pending().length > 0}>
        <ul class="pending" aria-label="Attachments to send">
          <For each={pending()}>
            {(item) => (
              <li class="pending-item">
                <Show when={item.previewUrl()} fallback={<Icon name="file" size={18} />}>
                  {(url) => <img src={url()} alt="" />}
                </Show>
                <span class="pending-name">{item.file.name}</span>
                <span class="pending-size">{formatBytes(item.file.size)}</span>
                <button type="button" class="icon-button small" aria-label={`Remove ${item.file.name}`} onClick={() => remove(item)}>
                  <Icon name="close" size={16} />
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <form
        class="composer"
        onSubmit={(e) => {
          e.preventDefault()
          void send()
        }}
      >
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          onChange={(e) => {
            if (e.currentTarget.files) attach(e.currentTarget.files)
            e.currentTarget.value = ''
          }}
        />
        <button type="button" class="icon-button" aria-label="Attach file" title="Attach file" onClick={() => fileInput.click()}>
          <Icon name="paperclip" />
        </button>
        <textarea
          ref={textarea}
          rows={1}
          aria-label="Message"
          placeholder="Message"
          value={text()}
          onInput={(e) => {
            setText(e.currentTarget.value)
            fit()
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault()
              void send()
            }
          }}
          onPaste={(e) => {
            const files = e.clipboardData?.files
            if (files && files.length > 0) {
              e.preventDefault()
              attach(files)
            }
          }}
        />
        <button type="submit" class="icon-button send" aria-label="Send" title="Send" disabled={!canSend()}>
          <Icon name="send" />
        </button>
      </form>
    </div>
  )
}
