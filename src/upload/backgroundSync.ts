/** The Background Sync tag (and Periodic Background Sync tag) under which the service worker drains the outbox. */
export const UPLOAD_SYNC_TAG = 'keepsake-upload'
/** Periodic Background Sync asks for no more than this often (ms); the browser decides the real rate. */
const PERIODIC_MIN_INTERVAL_MS = 12 * 60 * 60_000

/** Background Sync and Periodic Background Sync are not in TypeScript's libraries. */
interface SyncRegistration {
  sync?: { register(tag: string): Promise<void> }
  periodicSync?: { register(tag: string, options: { minInterval: number }): Promise<void> }
}

/**
 * Asks the service worker to drain the outbox when the connection is there, also after this page
 * closes (Background Sync), and now and then where the browser grants Periodic Background Sync.
 * Returns whether a sync was registered; where the browser has no Background Sync, the pages drain.
 */
export async function requestBackgroundUpload(): Promise<boolean> {
  if (typeof navigator === 'undefined' || !navigator.serviceWorker) return false
  const registration = (await navigator.serviceWorker.getRegistration()) as (ServiceWorkerRegistration & SyncRegistration) | undefined
  if (!registration?.sync) return false
  try {
    await registration.sync.register(UPLOAD_SYNC_TAG)
  } catch {
    // Refused (e.g. no active worker yet, or the permission is blocked): the pages drain instead.
    return false
  }
  if (registration.periodicSync) {
    const permission = await navigator.permissions.query({ name: 'periodic-background-sync' as PermissionName }).catch(() => null)
    if (permission?.state === 'granted') await registration.periodicSync.register(UPLOAD_SYNC_TAG, { minInterval: PERIODIC_MIN_INTERVAL_MS }).catch(() => undefined)
  }
  return true
}
