import type { JSX } from 'solid-js'
import { Dialog } from './Dialog'

/** Asks before something that cannot be undone. */
export function ConfirmDialog(props: {
  title: string
  confirmLabel: string
  onConfirm: () => void
  onCancel: () => void
  children: JSX.Element
}) {
  return (
    <Dialog title={props.title} onClose={props.onCancel} class="confirm">
      <div class="dialog-body">{props.children}</div>
      <div class="dialog-actions">
        <button type="button" class="button" onClick={() => props.onCancel()} autofocus>
          Cancel
        </button>
        <button type="button" class="button danger" onClick={() => props.onConfirm()}>
          {props.confirmLabel}
        </button>
      </div>
    </Dialog>
  )
}
