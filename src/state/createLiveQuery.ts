import { liveQuery } from 'dexie'
import { createEffect, createSignal, onCleanup, type Accessor } from 'solid-js'

export interface LiveQuery<T> {
  (): T | undefined
  /** The last failure of the query, cleared by the next success. */
  error: Accessor<unknown>
}

/**
 * A signal fed by a Dexie `liveQuery`: it re-runs whenever the data it read changes, in this tab,
 * another tab or a worker. When `source` is given, the query re-subscribes each time the source
 * changes and is paused while the source is `undefined`, `null` or `false`; the previous value is kept
 * until the new one arrives, so the UI does not flash empty.
 */
export function createLiveQuery<T>(query: () => Promise<T>): LiveQuery<T>
export function createLiveQuery<T, S>(query: (source: S) => Promise<T>, source: Accessor<S | undefined | null | false>): LiveQuery<T>
export function createLiveQuery<T, S>(
  query: (source: S | true) => Promise<T>,
  source?: Accessor<S | undefined | null | false>,
): LiveQuery<T> {
  const [value, setValue] = createSignal<T>()
  const [error, setError] = createSignal<unknown>()
  createEffect(() => {
    const s = source ? source() : true
    if (s === undefined || s === null || s === false) return
    const subscription = liveQuery(() => query(s)).subscribe({
      next: (v) => {
        setError(undefined)
        setValue(() => v)
      },
      error: (e: unknown) => setError(() => e),
    })
    onCleanup(() => subscription.unsubscribe())
  })
  const accessor = (() => value()) as LiveQuery<T>
  accessor.error = error
  return accessor
}
