import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { ChatApp } from './drivers/chat'
import { expect, test } from './fixtures'

test('Keepsake is installable and offers "Install app"', async ({ context, page }) => {
  const app = new ChatApp(page)
  await app.open()
  await app.waitUntilOfflineReady()
  const cdp = await context.newCDPSession(page)
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors')
  expect(installabilityErrors).toEqual([])
  await expect(page.getByRole('button', { name: 'Install app' })).toBeVisible()
})

test('after the first visit the app and every chat work with no network', async ({ page, network }) => {
  const app = new ChatApp(page)
  await test.step('first visit, online: two chats', async () => {
    await app.open()
    await app.newChat('Ana')
    await app.send('See you at the station')
    await app.newChat('Ben')
    await app.send('Bring the map')
    await app.waitUntilOfflineReady()
  })
  await test.step('the network is cut and the app reloaded', async () => {
    await network.goOffline()
    await page.reload()
    await expect(page.getByRole('heading', { name: 'Keepsake', level: 1 })).toBeVisible()
    await expect(app.conversations).toHaveCount(2)
  })
  await test.step('every chat opens and a new message can be written', async () => {
    await app.openChat('Ana')
    await expect(app.message('See you at the station')).toBeVisible()
    await app.openChat('Ben')
    await expect(app.message('Bring the map')).toBeVisible()
    await app.send('Written offline')
    await page.reload()
    await expect(app.message('Written offline')).toBeVisible()
  })
})

// A copy of the built app the test can change, to publish a "new version" while the page is open.
const distCopy = join(tmpdir(), `keepsake-dist-${process.pid}-${Date.now()}`)

test.describe('updates', () => {
  test.use({ staticDir: distCopy })
  test.beforeAll(async () => cp(resolve(import.meta.dirname, '../../dist'), distCopy, { recursive: true }))
  test.afterAll(async () => rm(distCopy, { recursive: true, force: true }))

  test('a new version shows "Update available" and Reload switches to it', async ({ page }) => {
    const app = new ChatApp(page)
    await app.open()
    await app.newChat('Kept across the update')
    await app.waitUntilOfflineReady()
    await expect(page.getByText('Update available')).toHaveCount(0)

    await test.step('a new version is published', async () => {
      const sw = join(distCopy, 'sw.js')
      const marker = `\nself.addEventListener('message', (e) => { if (e.data === 'version?') e.source.postMessage('v2') })\n`
      await writeFile(sw, (await readFile(sw, 'utf8')) + marker)
    })
    await test.step('the app notices it and offers to reload', async () => {
      await page.evaluate(async () => (await navigator.serviceWorker.ready).update())
      await expect(page.getByRole('status').filter({ hasText: 'Update available' })).toBeVisible()
    })
    await test.step('Reload activates the new version', async () => {
      const reloaded = page.waitForEvent('load')
      await page.getByRole('button', { name: 'Reload' }).click()
      await reloaded
      const version = await page.evaluate(
        () =>
          new Promise<unknown>((resolve) => {
            navigator.serviceWorker.addEventListener('message', (e) => resolve(e.data), { once: true })
            navigator.serviceWorker.controller!.postMessage('version?')
          }),
      )
      expect(version).toBe('v2')
      await expect(page.getByText('Update available')).toHaveCount(0)
      await expect(app.conversation('Kept across the update')).toBeVisible()
    })
  })
})
