import { createResource, Show } from 'solid-js'
import type { AttachmentRef } from '../../db/ChatDB'
import { createObjectUrl } from '../../state/createObjectUrl'
import { saveAttachment } from '../../state/saveAttachment'
import { useChatDB } from '../../state/useChatDB'
import { Dialog } from '../Dialog'
import { formatBytes } from '../formatBytes'
import { Icon } from '../Icon'

/** A photo at full size, with download. */
export function ImageViewer(props: { attachment: AttachmentRef; onClose: () => void }) {
  const db = useChatDB()
  const [record] = createResource(() => props.attachment.id, (id) => db.attachments.get(id))
  const url = createObjectUrl(() => record()?.blob)
  return (
    <Dialog title={props.attachment.name} onClose={props.onClose} class="viewer">
      <div class="viewer-image">
        <Show when={url()} fallback={<p class="list-note">Loading…</p>}>
          {(u) => <img src={u()} alt={props.attachment.name} />}
        </Show>
      </div>
      <div class="dialog-actions">
        <span class="viewer-size">{formatBytes(props.attachment.size)}</span>
        <button type="button" class="button" onClick={() => void saveAttachment(db, props.attachment.id)}>
          <Icon name="download" size={18} />
          Download
        </button>
        <button type="button" class="button primary" onClick={() => props.onClose()} autofocus>
          Close
        </button>
      </div>
    </Dialog>
  )
}
