import { SampleRandom } from '../../src/db/SampleRandom'
import { samplePhoto } from '../../src/db/samplePng'
import { ChatApp } from './drivers/chat'
import { expect, test } from './fixtures'

const photo = { name: 'sunset.png', mimeType: 'image/png', buffer: Buffer.from(samplePhoto(new SampleRandom(11), 1200, 900)) }
const file = { name: 'notes.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(new SampleRandom(12).fill(new Uint8Array(300_000))) }

test('Alice starts a chat, her messages survive a reload, and she shares a photo and a file', async ({ page }) => {
  const app = new ChatApp(page)
  await test.step('she opens Keepsake and starts a chat with Bob', async () => {
    await app.open()
    await app.newChat('Bob')
  })
  await test.step('she writes two messages: Enter sends, Shift+Enter starts a new line', async () => {
    await app.send('Hi Bob, dinner on Friday?')
    await app.messageBox.fill('First line')
    await app.messageBox.press('Shift+Enter')
    await app.messageBox.pressSequentially('second line')
    await app.messageBox.press('Enter')
    await expect(app.message('First line\nsecond line')).toBeVisible()
    await expect(app.messageBox).toHaveValue('')
  })
  await test.step('after a reload the chat and its messages are still there', async () => {
    await page.reload()
    await app.openChat('Bob')
    await expect(app.messages).toHaveText([/Hi Bob, dinner on Friday\?/, /First line\s+second line/])
    await expect(app.conversation('Bob')).toContainText('First line second line')
  })
  await test.step('she attaches a photo and a file and sends them', async () => {
    await app.attach([photo, file])
    await expect(page.getByRole('list', { name: 'Attachments to send' }).getByRole('listitem')).toHaveCount(2)
    await app.messageBox.fill('The view from the hill, and my notes')
    await page.getByRole('button', { name: 'Send' }).click()
    await expect(app.message('The view from the hill')).toBeVisible()
  })
  await test.step('the photo shows as a thumbnail and opens at full size', async () => {
    const thumbnail = app.photo('sunset.png').getByRole('img', { name: 'sunset.png' })
    await expect(thumbnail).toBeVisible()
    const thumbSize = await thumbnail.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])
    expect(thumbSize).toEqual([480, 360])
    await app.photo('sunset.png').click()
    const viewer = page.getByRole('dialog', { name: 'sunset.png' })
    const full = viewer.getByRole('img', { name: 'sunset.png' })
    await expect(full).toBeVisible()
    expect(await full.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([1200, 900])
    await viewer.getByRole('button', { name: 'Close' }).click()
    await expect(viewer).toBeHidden()
  })
  await test.step('the file downloads with the same bytes', async () => {
    await expect(app.message('The view from the hill')).toContainText('notes.bin')
    await expect(app.message('The view from the hill')).toContainText('293 KB')
    const downloaded = await app.download('notes.bin')
    expect(downloaded.equals(file.buffer)).toBe(true)
  })
})

test('a message sent in one tab appears in another tab', async ({ context, page }) => {
  const first = new ChatApp(page)
  await first.open()
  await first.newChat('Team')
  const second = new ChatApp(await context.newPage())
  await second.open()
  await second.openChat('Team')
  await first.send('Stand-up moved to 10:30')
  await expect(second.message('Stand-up moved to 10:30')).toBeVisible()
  await expect(second.conversation('Team')).toContainText('Stand-up moved to 10:30')
  await second.send('Thanks, noted')
  await expect(first.message('Thanks, noted')).toBeVisible()
})

test('search finds a message in any chat and opens the chat at that message', async ({ page }) => {
  const app = new ChatApp(page)
  await app.open()
  await app.newChat('Priya')
  await app.send('The pineapple tart recipe is on page 42')
  await app.send('See you tomorrow')
  await app.newChat('Sam')
  await app.send('Nothing about fruit here')
  await app.searchBox.fill('PINEAPP tart')
  await expect(app.searchResults).toHaveCount(1)
  await expect(app.searchResults.first()).toContainText('Priya')
  await expect(app.searchResults.first().locator('mark')).toHaveText('pineapp')
  await app.searchResults.first().click()
  await expect(app.title).toHaveText('Priya')
  await expect(app.message('The pineapple tart recipe')).toBeInViewport()
  await app.searchBox.fill('zebra')
  await expect(page.getByRole('status').filter({ hasText: 'No messages found' })).toBeVisible()
})

test('deleting a message and a whole chat', async ({ page }) => {
  const app = new ChatApp(page)
  await app.open()
  await app.newChat('Old friend')
  await app.send('Keep this one')
  await app.send('Oops, wrong chat')
  await app.deleteMessage('Oops, wrong chat')
  await expect(app.message('Oops, wrong chat')).toHaveCount(0)
  await expect(app.messages).toHaveCount(1)
  await expect(app.conversation('Old friend')).toContainText('Keep this one')

  await app.newChat('Spam')
  await app.send('Buy now')
  await page.getByRole('button', { name: 'Delete chat' }).click()
  await page.getByRole('dialog', { name: 'Delete “Spam”?' }).getByRole('button', { name: 'Cancel' }).click()
  await expect(app.conversation('Spam')).toBeVisible()
  await app.deleteChat('Spam')
  await expect(app.conversation('Spam')).toHaveCount(0)
  await expect(app.conversations).toHaveCount(1)
  await app.searchBox.fill('buy')
  await expect(page.getByRole('status').filter({ hasText: 'No messages found' })).toBeVisible()
})

test('opening a chat clears its unread count', async ({ page }) => {
  const app = new ChatApp(page)
  await app.open()
  await app.seedConversation('Grandma Rose', 12, { unread: 3 })
  await app.seedConversation('Weekend football', 5)
  await expect(app.conversation('Grandma Rose').getByLabel('3 unread')).toHaveText('3')
  await expect(app.conversation('Weekend football').getByLabel(/unread/)).toHaveCount(0)
  await app.openChat('Grandma Rose')
  await expect(app.conversation('Grandma Rose').getByLabel(/unread/)).toHaveCount(0)
  await page.reload()
  await expect(app.message('Message number 12')).toBeVisible()
  await expect(app.conversation('Grandma Rose').getByLabel(/unread/)).toHaveCount(0)
})

test('on a full disk the message and its file stay in the composer, with what to do', async ({ context, page, server }) => {
  const cdp = await context.newCDPSession(page)
  await test.step('the device has 4 MiB of space for Keepsake', async () => {
    // The quota must be set before the origin first uses IndexedDB: Chromium reads it once per origin.
    await page.goto('/favicon.svg')
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url, quotaSize: 4 * 1024 * 1024 })
  })
  const app = new ChatApp(page)
  await app.open()
  await app.newChat('Mum')
  const video = { name: 'birthday.mov', mimeType: 'video/quicktime', buffer: Buffer.alloc(16 * 1024 * 1024, 7) }
  await test.step('a 16 MiB video does not fit: Keepsake says so and keeps everything', async () => {
    await app.attach([video])
    await app.messageBox.fill('Happy birthday, Mum!')
    await page.getByRole('button', { name: 'Send' }).click()
    await expect(page.getByRole('alert')).toContainText('out of storage space')
    await expect(page.getByRole('alert')).toContainText('Nothing was lost')
    await expect(app.messageBox).toHaveValue('Happy birthday, Mum!')
    await expect(page.getByRole('list', { name: 'Attachments to send' })).toContainText('birthday.mov')
    await expect(app.messages).toHaveCount(0)
  })
  await test.step('without the video, the message is sent', async () => {
    await page.getByRole('button', { name: 'Remove birthday.mov' }).click()
    await page.getByRole('button', { name: 'Send' }).click()
    await expect(app.message('Happy birthday, Mum!')).toBeVisible()
    await expect(app.messageBox).toHaveValue('')
  })
})
