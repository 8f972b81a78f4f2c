import type { BrowserContext, Page } from '@playwright/test'

/**
 * The device the browser runs on. `wipe()` turns it into a new device for the same synced passkey:
 * all site data of the origin is deleted (IndexedDB, OPFS, caches, cookies, service workers), while the
 * tab keeps its virtual authenticator (see BROWSER-FACTS: the PRF secret can't be copied elsewhere).
 */
export class Device {
  constructor(
    private readonly context: BrowserContext,
    private readonly page: Page,
  ) {}

  async wipe(): Promise<void> {
    const origin = new URL(this.page.url()).origin
    await this.page.evaluate(async () => {
      const registrations = await navigator.serviceWorker?.getRegistrations()
      await Promise.all((registrations ?? []).map((r) => r.unregister()))
    })
    // Leave the origin so no open connection keeps a database alive while it is deleted.
    await this.page.goto('about:blank')
    const cdp = await this.context.newCDPSession(this.page)
    await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'all' })
    // Not detached: detaching any CDP session of the page ends its WebAuthn environment, and with it
    // the virtual authenticators (the synced passkey this new device must still have).
    await this.context.clearCookies()
  }
}
