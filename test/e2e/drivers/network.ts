import type { BrowserContext } from '@playwright/test'

/**
 * The device's connectivity. `setOffline` emulates it for the pages (navigator.onLine and the
 * online/offline events); requests from the service worker follow it too in Chromium, with the
 * caveats of microsoft/playwright#2311, which is why stories check outcomes on the page.
 */
export class Network {
  constructor(private readonly context: BrowserContext) {}

  async goOffline(): Promise<void> {
    await this.context.setOffline(true)
  }

  async goOnline(): Promise<void> {
    await this.context.setOffline(false)
  }
}
