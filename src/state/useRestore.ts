import { createRoot } from 'solid-js'
import { createRestore, type RestoreStore } from './createRestore'

let store: RestoreStore | undefined

/** The app's one restore store (the Settings section and the banner share it), created on first use. */
export function useRestore(): RestoreStore {
  store ??= createRoot(() => createRestore())
  return store
}
