import { createEffect, createUniqueId, onCleanup, type JSX } from 'solid-js'

/**
 * A modal dialog on the native <dialog> element: it traps focus, closes with Escape and is named by
 * its title. Rendered only while open (wrap it in <Show>).
 */
export function Dialog(props: { title: string; onClose: () => void; class?: string; children: JSX.Element }) {
  let dialog!: HTMLDialogElement
  const titleId = createUniqueId()
  createEffect(() => {
    if (!dialog.open) dialog.showModal()
  })
  onCleanup(() => dialog.open && dialog.close())
  return (
    <dialog
      ref={dialog}
      class={props.class ? `dialog ${props.class}` : 'dialog'}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault()
        props.onClose()
      }}
      onClick={(e) => e.target === dialog && props.onClose()}
    >
      <h2 id={titleId} class="dialog-title">
        {props.title}
      </h2>
      {props.children}
    </dialog>
  )
}
