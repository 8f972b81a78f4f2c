import { SampleRandom } from '../../src/db/SampleRandom'
import { samplePhoto } from '../../src/db/samplePng'
import { AccountDriver } from './drivers/account'
import { BackupDriver } from './drivers/backup'
import { ChatApp } from './drivers/chat'
import { chatsFingerprint, RestoreDriver } from './drivers/restore'
import { ScaleStorage, scaleServicesRunning } from './drivers/scaleStorage'
import { KeepsakeServer } from './drivers/server'
import { expect, test as base } from './fixtures'

/** Every server process of a story on one S3 prefix and one PostgreSQL database (test/services/start-services.sh). */
const test = base.extend<{ storage: ScaleStorage }>({
  storage: async ({}, use) => {
    const storage = await ScaleStorage.create()
    await use(storage)
    await storage.dispose()
  },
  serverEnv: async ({ storage }, use) => {
    await use(storage.env)
  },
})

/** Bytes that look like a file's and are easy to look for: 64 KiB of a seeded xorshift. */
function fileBytes(seed: number, size = 64 * 1024): Buffer {
  const out = Buffer.alloc(size)
  let x = seed * 2654435761 + 1
  for (let i = 0; i < size; i++) {
    x = (x ^ (x << 13)) >>> 0
    x = (x ^ (x >>> 17)) >>> 0
    x = (x ^ (x << 5)) >>> 0
    out[i] = x & 0xff
  }
  return out
}

const MESSAGES = [
  'Meet at the Miradouro de Santa Luzia at seven, the tram stop by the cathedral',
  'I booked the table at Taberna da Rua das Flores for Thursday evening',
  'Bring the blue notebook with the addresses of the azulejo workshops',
]

test.describe('several server processes on S3 and PostgreSQL', () => {
  // Locally the stories need the services started; in CI a missing service is a failure, not a skip.
  test.skip(!scaleServicesRunning && !process.env.CI, 'start PostgreSQL and S3 first: test/services/with-services.sh npx playwright test …')

  test('a backup made through one server restores through another, identical, and the bucket holds no plaintext', async ({ page, authenticator, device, server, storage }) => {
    test.setTimeout(240_000)
    expect(scaleServicesRunning, 'PostgreSQL and S3 are running (test/services/start-services.sh)').toBe(true)
    const second = await KeepsakeServer.launch({ env: storage.env })
    try {
      await authenticator.add({ hasPrf: true })
      const app = new ChatApp(page)
      const account = new AccountDriver(page)
      const backup = new BackupDriver(page)
      const restore = new RestoreDriver(page)
      const report = fileBytes(11)
      const photo = Buffer.from(samplePhoto(new SampleRandom(5), 640, 480))

      const original = await test.step('Ada writes chats with a photo and a file on her laptop', async () => {
        await app.open()
        await app.waitUntilOfflineReady()
        await expect(await app.generateSampleData('Small (a few chats)')).toMatch(/^Done/)
        await page.goto('/')
        await app.newChat('Lisbon trip')
        for (const text of MESSAGES) await app.send(text)
        await app.attach([
          { name: 'itinerary.pdf', mimeType: 'application/pdf', buffer: report },
          { name: 'tram.png', mimeType: 'image/png', buffer: photo },
        ])
        await page.getByRole('button', { name: 'Send' }).click()
        await expect(page.getByRole('button', { name: 'Download itinerary.pdf' })).toBeVisible()
        return chatsFingerprint(page)
      })

      await test.step('she creates her account with a passkey and backs up through the first server', async () => {
        await account.open()
        await account.createAccount('Ada')
        await account.confirmRecoveryKeySaved()
        await backup.backUpNow()
        await backup.waitUntilBackedUp()
      })

      await test.step('the object store holds only ciphertext: no message text and no attachment bytes in any object', async () => {
        const known = await backup.knownPlaintexts()
        const texts = [...new Set([...MESSAGES, ...known.texts])].map((text) => ({ label: text, bytes: Buffer.from(text, 'utf8') }))
        const slices = [
          ...known.slices.map((slice, i) => ({ label: `attachment slice ${i}`, bytes: Buffer.from(slice) })),
          ...[0, 20_000, 40_000].map((at) => ({ label: `itinerary.pdf at ${at}`, bytes: report.subarray(at, at + 64) })),
          { label: 'tram.png at 1024', bytes: photo.subarray(1024, 1088) },
        ]
        const objects = await storage.objects()
        const [snapshot] = await backup.serverSnapshots()
        expect(objects.length, 'one object per stored chunk').toBeGreaterThanOrEqual(snapshot!.chunkCount)
        expect(objects.every(({ key }) => key.startsWith('chunks/'))).toBe(true)
        const found = [...texts, ...slices].filter(({ bytes }) => objects.some((object) => object.bytes.includes(bytes))).map(({ label }) => label)
        expect(found).toEqual([])
      })

      await test.step('on her new phone she opens the second server, signs in with the same passkey and restores', async () => {
        await device.wipe()
        await page.goto(`${second.url}/#/settings`)
        await expect(account.section.getByRole('heading', { name: 'Account' })).toBeVisible()
        await account.signIn()
        await restore.showBackups()
        await expect(restore.backups).toHaveCount(1)
        await restore.backups.first().getByRole('button', { name: 'Restore' }).click()
        await restore.waitUntilComplete()
        await expect(restore.alert).toHaveCount(0)
      })

      await test.step('every chat, message and attachment is identical', async () => {
        expect(new URL(page.url()).port).toBe(String(second.port))
        expect(await chatsFingerprint(page)).toEqual(original)
      })

      await test.step('the first server took the uploads and the second served the downloads', () => {
        const requests = (logs: string, method: string, path: RegExp) =>
          logs.split('\n').filter((line) => line.includes('"msg":"request"') && line.includes(`"method":"${method}"`) && path.test(line)).length
        expect(requests(server.logs, 'PUT', /"path":"\/api\/chunks\//)).toBeGreaterThan(0)
        expect(requests(second.logs, 'PUT', /"path":"\/api\/chunks\//)).toBe(0)
        expect(requests(second.logs, 'GET', /"path":"\/api\/chunks\/[0-9a-f]{64}"/)).toBeGreaterThan(0)
        expect(requests(second.logs, 'GET', /"path":"\/api\/snapshots\/[0-9a-f]{32}"/)).toBeGreaterThan(0)
      })
    } finally {
      await second.dispose()
    }
  })
})
