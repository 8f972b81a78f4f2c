import { useRegisterSW } from 'virtual:pwa-register/solid'
import type { Accessor } from 'solid-js'

const UPDATE_CHECK_MS = 60 * 60 * 1000

export interface AppUpdate {
  /** A new version is installed and waiting for this page to let it take over. */
  available: Accessor<boolean>
  /** Activates the waiting version (SKIP_WAITING) and reloads once it controls the page. */
  apply: () => Promise<void>
  dismiss: () => void
}

/** Registers the service worker and watches for new versions (at start, hourly, and when the app comes back into view). */
export function createAppUpdate(): AppUpdate {
  const {
    needRefresh: [available, setAvailable],
    updateServiceWorker,
  } = useRegisterSW({
    onRegisteredSW(_url, registration) {
      if (!registration) return
      const check = () => {
        if (navigator.onLine && !registration.installing) void registration.update().catch(() => {})
      }
      setInterval(check, UPDATE_CHECK_MS)
      document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && check())
    },
    onRegisterError(error: unknown) {
      console.warn('Keepsake: the service worker could not be registered; the app will not work offline.', error)
    },
  })
  return { available, apply: () => updateServiceWorker(true), dismiss: () => setAvailable(false) }
}
