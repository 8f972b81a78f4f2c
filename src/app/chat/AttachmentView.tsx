import { createSignal, Show } from 'solid-js'
import type { AttachmentRef } from '../../db/ChatDB'
import { createLiveQuery } from '../../state/createLiveQuery'
import { createObjectUrl } from '../../state/createObjectUrl'
import { saveAttachment } from '../../state/saveAttachment'
import { useChatDB } from '../../state/useChatDB'
import { formatBytes } from '../formatBytes'
import { Icon } from '../Icon'
import { AttachmentPending } from '../restore/AttachmentPending'
import { ImageViewer } from './ImageViewer'

/** Largest on-screen size of a photo in a bubble, in CSS pixels. */
const PHOTO_MAX = { width: 280, height: 320 }

/** The size a photo takes in a bubble, known before it loads so rows do not jump. */
export function photoBox(ref: Pick<AttachmentRef, 'width' | 'height'>): { width: number; height: number } {
  const w = ref.width ?? 4
  const h = ref.height ?? 3
  const scale = Math.min(PHOTO_MAX.width / w, PHOTO_MAX.height / h)
  return { width: Math.round(w * scale), height: Math.round(h * scale) }
}

export function isPhoto(ref: Pick<AttachmentRef, 'type'>): boolean {
  return /^image\/(jpeg|png|gif|webp|avif|bmp)$/.test(ref.type)
}

export function AttachmentView(props: { attachment: AttachmentRef }) {
  return (
    <Show when={isPhoto(props.attachment)} fallback={<FileCard attachment={props.attachment} />}>
      <Photo attachment={props.attachment} />
    </Show>
  )
}

function Photo(props: { attachment: AttachmentRef }) {
  const db = useChatDB()
  const [open, setOpen] = createSignal(false)
  // Live: a photo still arriving from a restore appears as soon as it is written (null = not here).
  const record = createLiveQuery(async (id: AttachmentRef['id']) => (await db.attachments.get(id)) ?? null, () => props.attachment.id)
  const thumbnailUrl = createObjectUrl(() => {
    const r = record()
    return r?.thumbnail ?? r?.blob
  })
  const box = () => photoBox(props.attachment)
  return (
    <>
      <button
        type="button"
        class="photo"
        aria-label={`Open photo ${props.attachment.name}`}
        style={{ width: `${box().width}px`, 'aspect-ratio': `${box().width} / ${box().height}` }}
        onClick={(e) => {
          e.stopPropagation()
          setOpen(true)
        }}
      >
        <Show when={thumbnailUrl()} fallback={<Show when={record() === null}><AttachmentPending name={props.attachment.name} /></Show>}>
          {(url) => <img src={url()} alt={props.attachment.name} width={box().width} height={box().height} decoding="async" />}
        </Show>
      </button>
      <Show when={open()}>
        <ImageViewer attachment={props.attachment} onClose={() => setOpen(false)} />
      </Show>
    </>
  )
}

function FileCard(props: { attachment: AttachmentRef }) {
  const db = useChatDB()
  const present = createLiveQuery(async (id: AttachmentRef['id']) => (await db.attachments.where('id').equals(id).count()) > 0, () => props.attachment.id)
  return (
    <div class="file-card">
      <span class="file-icon" aria-hidden="true">
        <Icon name="file" size={22} />
      </span>
      <span class="file-text">
        <span class="file-name">{props.attachment.name}</span>
        <span class="file-size">{formatBytes(props.attachment.size)}</span>
      </span>
      <Show when={present() !== false} fallback={<AttachmentPending name={props.attachment.name} />}>
      <button
        type="button"
        class="icon-button"
        aria-label={`Download ${props.attachment.name}`}
        title="Download"
        onClick={(e) => {
          e.stopPropagation()
          void saveAttachment(db, props.attachment.id)
        }}
      >
        <Icon name="download" />
      </button>
      </Show>
    </div>
  )
}
