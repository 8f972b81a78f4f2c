import type { Page } from '@playwright/test'
import { AccountDriver } from './drivers/account'
import type { Authenticators } from './drivers/authenticator'
import { BackupDriver, generateSampleMiB, snapshotsOnServer } from './drivers/backup'
import { ChatApp } from './drivers/chat'
import { test } from './drivers/uploadProxy'
import { expect, test as direct } from './fixtures'

const MiB = 1024 * 1024

async function adaWithChats(page: Page, authenticator: Authenticators, mib: number): Promise<BackupDriver> {
  await authenticator.add({ hasPrf: true })
  await page.goto('/')
  await expect(await generateSampleMiB(page, mib)).toMatch(/^Done/)
  const account = new AccountDriver(page)
  await account.open()
  await account.createAccount('Ada')
  await account.confirmRecoveryKeySaved()
  return new BackupDriver(page)
}

test.describe('backups in the background', () => {
  test('with the app open in two tabs, one of them uploads and both show the progress; no chunk goes up twice', async ({ page, context, authenticator, gateway }) => {
    const backup = await test.step('Ada has chats with 24 MiB of photos and files and a passkey account', () => adaWithChats(page, authenticator, 24))
    gateway.answerDelayMs = 150
    const secondTab = await context.newPage()
    const other = new BackupDriver(secondTab)

    await test.step('she opens Keepsake in a second tab too', async () => {
      await secondTab.goto('/#/settings')
      await expect(other.status).toHaveText(/^No backup yet/)
    })

    await test.step('she backs up in the first tab: the second tab shows the same backup going on', async () => {
      await backup.backUpNow()
      await gateway.waitForBytes(4 * MiB)
      await expect(other.status).toHaveText(/^Backing up…/)
      await expect(other.progress).toHaveAttribute('aria-valuetext', /of \d+ parts/)
    })

    await test.step('both tabs say it is backed up; every chunk went up exactly once', async () => {
      await backup.waitUntilBackedUp()
      await other.waitUntilBackedUp()
      const [snapshot] = await backup.serverSnapshots()
      const ids = gateway.puts.map((put) => put.id)
      expect(new Set(ids).size).toBe(ids.length)
      expect(ids.length).toBe(snapshot!.chunkCount)
    })
  })

  test('with the app closed, the service worker uploads a backup staged offline once the connection is back', async ({ page, authenticator, network, gateway }) => {
    const backup = await test.step('Ada has chats with 8 MiB of photos and files and a passkey account', () => adaWithChats(page, authenticator, 8))

    await test.step('offline, she backs up: it is encrypted on the device and waits', async () => {
      await network.goOffline()
      await backup.backUpNow()
      await expect(backup.status).toHaveText(/^Paused — offline/)
      await backup.waitUntilSealed()
      expect(gateway.puts).toEqual([])
    })

    await test.step('she closes the app; later the connection returns', async () => {
      await page.goto('about:blank')
      await network.goOnline()
    })

    await test.step('the backup reaches the server with no page open', async () => {
      await expect.poll(async () => (await snapshotsOnServer(page.request, gateway.url)).length, { timeout: 90_000 }).toBe(1)
      const [snapshot] = await snapshotsOnServer(page.request, gateway.url)
      expect(gateway.puts.length).toBe(snapshot!.chunkCount)
    })

    await test.step('when she opens the app again, it says the backup is done', async () => {
      await page.goto('/#/settings')
      await backup.waitUntilBackedUp()
    })
  })

  test('her session ends mid-backup: the backup says she is signed out, and finishes once she signs in again', async ({ page, context, authenticator, gateway }) => {
    const backup = await test.step('Ada has chats with 16 MiB of photos and files and a passkey account', () => adaWithChats(page, authenticator, 16))
    const account = new AccountDriver(page)
    gateway.answerDelayMs = 250

    await test.step('she backs up now, and her server session ends half-way', async () => {
      await backup.backUpNow()
      await gateway.waitForBytes(3 * MiB)
      await context.clearCookies()
      await expect(backup.status).toHaveText('Backup paused. You are signed out. Sign in with your passkey to continue.')
    })

    await test.step('she signs in with her passkey: the backup goes on by itself and finishes', async () => {
      await page.reload()
      await account.button('Sign in with passkey').click()
      await backup.waitUntilBackedUp()
      expect(gateway.storedTwice()).toEqual([])
    })
  })

  test('"Soon after changes": a new message is backed up by itself', async ({ page, authenticator, gateway }) => {
    const app = new ChatApp(page)
    const backup = await test.step('Ada has a small set of chats, a passkey account and a first backup', async () => {
      const backup = await adaWithChats(page, authenticator, 1)
      await backup.backUpNow()
      await backup.waitUntilBackedUp()
      return backup
    })

    await test.step('she sets automatic backups to "Soon after changes" and sends a message', async () => {
      await backup.setAutomatic('Soon after changes')
      await page.goto('/')
      await app.newChat('Groceries')
      await app.send('Oat milk and lemons')
    })

    await test.step('half a minute later, a second backup is on the server without her asking', async () => {
      await expect.poll(async () => (await snapshotsOnServer(page.request, gateway.url)).length, { timeout: 90_000, intervals: [2_000] }).toBe(2)
      await app.openSettings()
      await backup.waitUntilBackedUp()
      await expect(page.getByRole('combobox', { name: 'Automatic backups' })).toHaveValue('after-changes')
    })
  })
})

direct.describe('when the server cannot take the backup', () => {
  direct.use({ serverEnv: { QUOTA_BYTES: String(3 * MiB) } })

  direct('the server storage is full: the backup stops, says why and what to do, and keeps everything staged', async ({ page, authenticator }) => {
    const backup = await adaWithChats(page, authenticator, 8)
    await backup.backUpNow()
    await expect(backup.status).toHaveText(/^Backup paused\. Your backup storage on the server is full.*\(\d[\d.]* MB of 3 MB used\)/, { timeout: 60_000 })
    await expect(backup.progress).not.toHaveAttribute('aria-valuenow', '100')
    expect(await backup.serverSnapshots()).toEqual([])
    const staged = await backup.searchStaged({ texts: [], slices: [] })
    expect(staged.bytes, 'what the server could not take waits on the device').toBeGreaterThan(4 * MiB)
  })
})
