import { ChatApp } from './drivers/chat'
import { expect, test } from './fixtures'

const COUNT = 100_000

function record(name: string, ms: number): void {
  const description = `${name}: ${Math.round(ms)} ms`
  test.info().annotations.push({ type: 'measurement', description })
  console.log(description)
}

test('a 100,000-message conversation opens at its newest message, scrolls to its first, and is searchable', async ({ page }) => {
  test.setTimeout(180_000)
  const app = new ChatApp(page)
  await app.open()
  await test.step(`a conversation with ${COUNT.toLocaleString('en')} messages is on the device`, async () => {
    await app.seedConversation('Long history', COUNT, { markerEvery: 10_000 })
    await expect(app.conversation('Long history')).toContainText(`Message number ${COUNT}`)
  })

  await test.step('it opens at the newest message without loading the whole history', async () => {
    const ms = await page.evaluate(async (last) => {
      const link = [...document.querySelectorAll<HTMLAnchorElement>('a.conversation')].find((a) => a.textContent?.includes('Long history'))!
      const started = performance.now()
      link.click()
      while (performance.now() - started < 60_000) {
        await new Promise(requestAnimationFrame)
        const texts = [...document.querySelectorAll('[role="listitem"] .text')].map((p) => p.textContent)
        if (texts.includes(last)) return performance.now() - started
      }
      throw new Error(`"${last}" did not appear within 60 s`)
    }, `Message number ${COUNT}`)
    record('open a 100,000-message conversation (newest message on screen)', ms)
    await expect(app.messageList.getByText(`Message number ${COUNT}`, { exact: true })).toBeInViewport()
    expect(await app.messages.count()).toBeLessThan(60)
  })

  await test.step('scrolling to the top shows the very first message', async () => {
    const ms = await page.evaluate(async () => {
      const list = document.querySelector<HTMLElement>('[role="list"][aria-label="Messages"]')!
      const started = performance.now()
      list.scrollTo({ top: 0 })
      while (performance.now() - started < 60_000) {
        await new Promise(requestAnimationFrame)
        const texts = [...list.querySelectorAll('[role="listitem"] .text')].map((p) => p.textContent)
        if (texts.includes('Message number 1')) return performance.now() - started
      }
      throw new Error('"Message number 1" did not appear within 60 s')
    })
    record('scroll a 100,000-message conversation from newest to first message', ms)
    await expect(app.messageList.getByText('Message number 1', { exact: true })).toBeInViewport()
    await expect(app.messages.first()).toHaveAttribute('aria-posinset', '1')
    expect(await app.messages.count()).toBeLessThan(60)
  })

  await test.step('the middle of the history shows consecutive messages', async () => {
    await app.messageList.evaluate((el) => el.scrollTo({ top: el.scrollHeight / 2 }))
    await expect(app.messages.locator('.placeholder')).toHaveCount(0)
    const numbers = (await app.messages.locator('.text').allTextContents()).map((t) => Number(/Message number (\d+)/.exec(t)![1]))
    expect(numbers.length).toBeGreaterThan(5)
    expect(numbers.every((n, i) => i === 0 || n === numbers[i - 1]! + 1)).toBe(true)
    expect(numbers[0]).toBeGreaterThan(20_000)
    expect(numbers[0]).toBeLessThan(80_000)
  })

  await test.step('search finds the ten marked messages and opens one in place', async () => {
    const started = Date.now()
    await app.searchBox.fill('needle')
    await expect(app.searchResults).toHaveCount(10)
    record('search 100,000 messages for a word in 10 of them (typing to results, incl. 150 ms debounce)', Date.now() - started)
    await app.searchResults.filter({ hasText: 'Message number 55000 ' }).click()
    await expect(app.messageList.getByText('Message number 55000 with a needle in it', { exact: true })).toBeInViewport()
  })
})
