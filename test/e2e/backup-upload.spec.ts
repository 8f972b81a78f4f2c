import type { Page } from '@playwright/test'
import { AccountDriver } from './drivers/account'
import type { Authenticators } from './drivers/authenticator'
import { BackupDriver, generateSampleMiB } from './drivers/backup'
import { test } from './drivers/uploadProxy'
import { expect } from './fixtures'

const MiB = 1024 * 1024

/** Ada's laptop: sample chats with `mib` MiB of photos and files, and a passkey account that can unlock backups. */
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

test.describe('backing up to the server', () => {
  test('the connection drops mid-backup: it pauses, and finishes by itself when the connection is back', async ({ page, authenticator, network, gateway }) => {
    const backup = await test.step('Ada has chats with 24 MiB of photos and files and a passkey account', () => adaWithChats(page, authenticator, 24))
    gateway.answerDelayMs = 250

    await test.step('she backs up now; part of it reaches the server', async () => {
      await backup.backUpNow()
      await expect(backup.status).toHaveText(/^Backing up…/)
      await gateway.waitForBytes(4 * MiB)
    })

    await test.step('her connection drops: the backup says it is paused, and sends nothing more', async () => {
      await network.goOffline()
      await expect(backup.status).toHaveText(/^Paused — offline/)
      const sent = gateway.bytesReceived
      await page.waitForTimeout(1_500)
      expect(gateway.bytesReceived).toBe(sent)
      await expect(backup.progress).not.toHaveAttribute('aria-valuenow', '100')
    })

    await test.step('the connection returns: the backup finishes by itself', async () => {
      await network.goOnline()
      await expect(backup.status).toHaveText(/^Backed up /, { timeout: 90_000 })
      await expect(backup.progress).toHaveAttribute('aria-valuenow', '100')
      const [snapshot] = await backup.serverSnapshots()
      expect(snapshot!.sizeBytes).toBeGreaterThan(24 * MiB)
      expect(gateway.storedTwice()).toEqual([])
    })
  })
})
