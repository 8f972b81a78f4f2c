import { ChatApp } from './drivers/chat'
import { expect, test } from './fixtures'

test('Settings → Generate sample data fills the app with realistic chats, photos and files', async ({ page }) => {
  const app = new ChatApp(page)
  await app.open()
  const started = Date.now()
  const summary = await test.step('100 MiB of sample data is generated in the background with progress', async () => {
    await app.openSettings()
    await page.getByRole('radio', { name: '100 MiB' }).check()
    await expect(page.getByRole('spinbutton', { name: 'Size in MiB' })).toHaveValue('100')
    await page.getByRole('button', { name: 'Generate sample data' }).click()
    const progress = page.getByRole('progressbar', { name: 'Sample data progress' })
    await expect(progress).toBeVisible()
    await expect(progress).toHaveAttribute('aria-valuenow', '100', { timeout: 120_000 })
    const status = page.getByRole('status').filter({ hasText: /^Done/ })
    await expect(status).toContainText('12 chats')
    await expect(status).toContainText('(100 MB)')
    return (await status.textContent())!
  })
  const description = `generate 100 MiB of sample data through Settings: ${Date.now() - started} ms (${summary})`
  test.info().annotations.push({ type: 'measurement', description })
  console.log(description)

  await test.step('the chats are there, with photos and searchable text', async () => {
    await expect(app.conversations).toHaveCount(12)
    await app.searchBox.fill('pineapple')
    await expect(app.searchResults.first()).toContainText('pineapple', { ignoreCase: true })
    await app.searchBox.fill('')
    const photo = await app.storedPhoto()
    await app.open(`/#/c/${encodeURIComponent(photo.conversationId)}/m/${encodeURIComponent(photo.messageId)}`)
    const thumbnail = app.photo(photo.name).getByRole('img', { name: photo.name })
    await expect(thumbnail).toBeInViewport()
    expect(await thumbnail.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0)
  })

  await test.step('a custom size outside the allowed range is refused with the reason', async () => {
    await app.openSettings()
    await page.getByRole('spinbutton', { name: 'Size in MiB' }).fill('100000')
    await expect(page.getByRole('alert')).toContainText('Enter a whole number of MiB from 0 to 65,536')
    await expect(page.getByRole('button', { name: 'Generate sample data' })).toBeDisabled()
  })
})
