import { createSignal } from 'solid-js'

/** Chromium's install offer (not in TypeScript's DOM types). */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>
}

const [offer, setOffer] = createSignal<BeforeInstallPromptEvent>()
const standaloneQuery = typeof matchMedia === 'function' ? matchMedia('(display-mode: standalone)') : undefined
const [standalone, setStandalone] = createSignal(standaloneQuery?.matches ?? false)

/**
 * Listens for the browser's install offer from the moment the app's code loads: the event can fire
 * before the UI exists, and it fires only once per page.
 */
export function listenForInstallPrompt(): void {
  addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault() // keep the offer for our own "Install app" button
    setOffer(() => event as BeforeInstallPromptEvent)
  })
  addEventListener('appinstalled', () => setOffer(undefined))
  standaloneQuery?.addEventListener('change', (e) => setStandalone(e.matches))
}

/** Whether to show "Install app": the browser offered installation and the app is not already running installed. */
export function canInstall(): boolean {
  return !!offer() && !standalone()
}

/** Shows the browser's install dialog; the offer is used up either way. */
export async function install(): Promise<'accepted' | 'dismissed'> {
  const event = offer()
  if (!event) return 'dismissed'
  setOffer(undefined)
  await event.prompt()
  return (await event.userChoice).outcome
}
