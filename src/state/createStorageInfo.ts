import { createSignal, onCleanup, type Accessor } from 'solid-js'

export interface StorageInfo {
  /** Bytes this origin uses, and may use at most, as the browser estimates them. */
  usage: number
  quota: number
  /** Whether the browser promised not to evict this origin's data under storage pressure. */
  persisted: boolean
}

/** This origin's storage figures, refreshed every few seconds while shown. Undefined where the API is missing. */
export function createStorageInfo(refreshMs = 5000): { info: Accessor<StorageInfo | undefined>; refresh: () => Promise<void> } {
  const [info, setInfo] = createSignal<StorageInfo>()
  const refresh = async () => {
    if (!navigator.storage?.estimate) return
    const [estimate, persisted] = await Promise.all([navigator.storage.estimate(), navigator.storage.persisted?.() ?? false])
    setInfo({ usage: estimate.usage ?? 0, quota: estimate.quota ?? 0, persisted })
  }
  void refresh()
  const timer = setInterval(() => void refresh(), refreshMs)
  onCleanup(() => clearInterval(timer))
  return { info, refresh }
}

let persistence: Promise<boolean> | undefined

/**
 * Asks once per page for persistent storage (so the browser does not evict chats to free space);
 * later calls share the first answer.
 */
export function requestPersistentStorage(): Promise<boolean> {
  persistence ??= (async () => {
    if (!navigator.storage?.persist) return false
    if (await navigator.storage.persisted()) return true
    return navigator.storage.persist()
  })().catch(() => false)
  return persistence
}
