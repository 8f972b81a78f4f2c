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
    // Reloading is done in apply(): the plugin reloads only for updates its own Workbox instance found,
    // not for ones the browser or registration.update() found (workbox-window calls those external).
    onNeedReload: () => {},
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
  const apply = async () => {
    const waiting = (await navigator.serviceWorker.getRegistration())?.waiting
    if (!waiting) return location.reload()
    // Reload once the new version is active, whether or not this page was controlled by the old one.
    waiting.addEventListener('statechange', () => waiting.state === 'activated' && location.reload())
    await updateServiceWorker(true)
  }
  return { available, apply, dismiss: () => setAvailable(false) }
}
