import { createEffect, createSignal, onCleanup, type Accessor } from 'solid-js'

/** An object URL for a Blob that follows the Blob and is revoked when it changes or the owner goes away. */
export function createObjectUrl(blob: Accessor<Blob | undefined>): Accessor<string | undefined> {
  const [url, setUrl] = createSignal<string>()
  createEffect(() => {
    const b = blob()
    if (!b) return setUrl(undefined)
    const u = URL.createObjectURL(b)
    setUrl(u)
    onCleanup(() => URL.revokeObjectURL(u))
  })
  return url
}
