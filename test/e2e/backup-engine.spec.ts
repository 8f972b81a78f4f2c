import { AccountDriver } from './drivers/account'
import { BackupDriver, finishedStatus } from './drivers/backup'
import { ChatApp } from './drivers/chat'
import { expect, test } from './fixtures'

test.describe('backing up to the staging area', () => {
  test('Ada backs up her chats: everything is encrypted on the device, and a second backup seals nothing again', async ({ page, authenticator, network }) => {
    const app = new ChatApp(page)
    const account = new AccountDriver(page)
    const backup = new BackupDriver(page)
    await authenticator.add({ hasPrf: true })
    await page.goto('/')

    await test.step('she fills the device with sample chats, photos and files', async () => {
      await expect(await app.generateSampleData('Small (a few chats)')).toMatch(/^Done/)
    })

    await test.step('without an account, "Back up now" says a passkey account is needed', async () => {
      await backup.backUpNow()
      await expect(backup.status).toHaveText(/needs an account with a passkey/)
    })

    await test.step('she creates an account with her passkey and saves her recovery key', async () => {
      await account.createAccount('Ada')
      await account.confirmRecoveryKeySaved()
    })

    await test.step('offline, she backs up now: the chats are encrypted and wait on the device to be uploaded', async () => {
      await network.goOffline()
      await backup.backUpNow()
      await expect(backup.status).toHaveText(/^Paused — offline/)
      await backup.waitUntilSealed(1)
    })

    await test.step('the staged bytes hold none of her messages or attachment bytes', async () => {
      const known = await backup.knownPlaintexts()
      expect(known.texts.length).toBeGreaterThan(10)
      expect(known.slices.length).toBeGreaterThan(0)
      const search = await backup.searchStaged(known)
      expect(search.bytes, 'the staging area holds at least the sample attachments').toBeGreaterThan(4 * 1024 * 1024)
      expect(search.files, 'sealed objects wait in slot files on disk').toBeGreaterThan(0)
      expect(search.found).toEqual([])
    })

    await test.step('back online it is uploaded; a second backup with nothing changed seals nothing again', async () => {
      await network.goOnline()
      await finishedStatus(backup)
      await network.goOffline()
      await backup.backUpNow()
      await backup.waitUntilSealed(2)
      const again = await backup.searchStaged({ texts: [], slices: [] })
      expect(again.objects).toBe(0)
      expect(again.files, 'the run began by deleting the staging files of what was uploaded').toBe(0)
      await network.goOnline()
      await finishedStatus(backup)
      expect(await backup.serverSnapshots()).toHaveLength(2)
    })
  })
})
