import { test as base, expect, chromium, type BrowserContext, type Page } from '@playwright/test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Authenticators } from './drivers/authenticator'
import { Device } from './drivers/device'
import { Network } from './drivers/network'
import { KeepsakeServer } from './drivers/server'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** A persistent Chromium profile in a fresh directory: real on-disk storage, installability checks work. */
export async function launchProfile(baseURL: string): Promise<{ context: BrowserContext; dispose: () => Promise<void> }> {
  const profileDir = await mkdtemp(join(tmpdir(), 'keepsake-profile-'))
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    baseURL,
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
  })
  return {
    context,
    dispose: async () => {
      await context.close()
      await rm(profileDir, { recursive: true, force: true })
    },
  }
}

interface Fixtures {
  serverEnv: Record<string, string>
  staticDir: string | undefined
  server: KeepsakeServer
  authenticator: Authenticators
  network: Network
  device: Device
}

export const test = base.extend<Fixtures>({
  serverEnv: [{}, { option: true }],
  staticDir: [undefined, { option: true }],

  server: async ({ serverEnv, staticDir }, use, testInfo) => {
    const server = await KeepsakeServer.launch({ env: serverEnv, staticDir })
    await use(server)
    if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('server.log', { body: server.logs })
    await server.dispose()
  },

  context: async ({ server }, use) => {
    const profile = await launchProfile(server.url)
    await use(profile.context)
    await profile.dispose()
  },

  page: async ({ context }, use) => {
    const page: Page = context.pages()[0] ?? (await context.newPage())
    await use(page)
  },

  authenticator: async ({ context, page }, use) => {
    await use(new Authenticators(context, page))
  },

  network: async ({ context }, use) => {
    await use(new Network(context))
  },

  device: async ({ context, page }, use) => {
    await use(new Device(context, page))
  },
})

export { expect }
