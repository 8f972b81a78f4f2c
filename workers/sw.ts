/// <reference lib="webworker" />
import { precacheAndRoute, cleanupOutdatedCaches, createHandlerBoundToURL } from 'workbox-precaching'
import { NavigationRoute, registerRoute } from 'workbox-routing'
import { clientsClaim } from 'workbox-core'
import { UPLOAD_SYNC_TAG } from '../src/upload/backgroundSync'
import { drainInBackground } from '../src/upload/drainInBackground'

declare const self: ServiceWorkerGlobalScope

precacheAndRoute(self.__WB_MANIFEST)
cleanupOutdatedCaches()
// The first version takes charge of the page that installed it, so that page is offline-capable at once.
// Later versions wait until the person chooses "Reload" (SKIP_WAITING below).
clientsClaim()
// Every navigation gets the precached shell, so the app opens with no network.
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//, /^\/healthz/] }))

self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting()
})

/** Background Sync events are not in TypeScript's WebWorker library. */
interface SyncEvent extends ExtendableEvent {
  readonly tag: string
  readonly lastChance?: boolean
}

// With the app closed, the outbox drains when the connection returns (Background Sync), and now and
// then where the browser grants Periodic Background Sync. Staged chunks are already encrypted: no keys here.
const drainOnSync = (event: Event) => {
  const sync = event as SyncEvent
  if (sync.tag === UPLOAD_SYNC_TAG) sync.waitUntil(drainInBackground())
}
self.addEventListener('sync', drainOnSync)
self.addEventListener('periodicsync', drainOnSync)
