import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { IdbStagingStore } from '../../../src/backup/IdbStagingStore'
import { OpfsStagingStore } from '../../../src/backup/OpfsStagingStore'
import { OriginStagingStore } from '../../../src/backup/StagingStore'
import { BackupDB, type ChunkIdHex } from '../../../src/db/BackupDB'

/**
 * The part of the origin private file system the staging area uses, in memory: Node has no OPFS
 * (the e2e stories run the real one in Chromium). `stall` names files whose sync access handle never
 * opens, as Chromium's sometimes does not.
 */
class MemoryDirectory {
  readonly files = new Map<string, Uint8Array>()
  /** `stall`: files whose handle never opens; `stuck`: files whose removal never settles. */
  constructor(
    private readonly stall = new Set<string>(),
    private readonly stuck = new Set<string>(),
  ) {}

  async getFileHandle(name: string, opts: { create?: boolean } = {}) {
    if (!this.files.has(name)) {
      if (!opts.create) throw new DOMException(name, 'NotFoundError')
      this.files.set(name, new Uint8Array(0))
    }
    const files = this.files
    return {
      createSyncAccessHandle: () =>
        this.stall.has(name)
          ? new Promise(() => {})
          : name === 'slot-7'
          ? Promise.reject(new DOMException('another handle holds it', 'NoModificationAllowedError'))
          : Promise.resolve({
              write(buffer: Uint8Array, { at }: { at: number }) {
                const old = files.get(name)!
                const grown = new Uint8Array(Math.max(old.length, at + buffer.length))
                grown.set(old)
                grown.set(buffer, at)
                files.set(name, grown)
                return buffer.length
              },
              close() {},
            }),
      getFile: async () => new Blob([files.get(name)! as Uint8Array<ArrayBuffer>]),
    }
  }

  async removeEntry(name: string) {
    if (this.stuck.has(name)) return new Promise<void>(() => {})
    if (!this.files.delete(name)) throw new DOMException(name, 'NotFoundError')
  }

  async *keys() {
    yield* [...this.files.keys()]
  }
}

let counter = 0
/** How long a slot may take to open in these tests (the app waits 5 s). */
const OPEN_WAIT_MS = 1000
const id = (n: number) => n.toString(16).padStart(64, '0') as ChunkIdHex
const bytes = (length: number, fill: number) => new Uint8Array(length).fill(fill)
const contents = async (blob: Blob | null) => (blob ? [...new Uint8Array(await blob.arrayBuffer())] : null)

function setUp(stall?: Set<string>, stuck?: Set<string>) {
  const directory = new MemoryDirectory(stall, stuck)
  const opfs = new OpfsStagingStore(directory as unknown as FileSystemDirectoryHandle, OPEN_WAIT_MS)
  const idb = new IdbStagingStore(new BackupDB(`keepsake-backup-store-test-${process.pid}-${++counter}`))
  return { directory, opfs, idb, store: new OriginStagingStore(idb, opfs, true) }
}

describe('the staging area in slot files', () => {
  it("writes a job's objects one after another into its slot, and reads each back as a slice", async () => {
    const { store, directory } = setUp()
    const objects = [bytes(5, 1), bytes(3, 2), bytes(7, 3)].map((b, i) => ({ id: id(i), bytes: b }))
    const placements = await store.writeJob(4, objects)
    expect(placements).toEqual([{ slot: 4, offset: 0 }, { slot: 4, offset: 5 }, { slot: 4, offset: 8 }])
    expect(directory.files.get('slot-4')?.length).toBe(15)
    for (const [i, at] of placements.entries()) {
      expect(await contents(await store.read({ id: id(i), storedSize: objects[i]!.bytes.length, ...at }))).toEqual([...objects[i]!.bytes])
    }
  })

  it('reuses a slot in place: a shorter job leaves the file its size, and reads see only the new objects', async () => {
    const { store, directory } = setUp()
    await store.writeJob(0, [{ id: id(1), bytes: bytes(10, 9) }])
    const [at] = await store.writeJob(0, [{ id: id(2), bytes: bytes(4, 8) }])
    expect(directory.files.get('slot-0')?.length).toBe(10)
    expect(await contents(await store.read({ id: id(2), storedSize: 4, ...at }))).toEqual([8, 8, 8, 8])
  })

  it('answers null for an object cut short or a slot file that is gone (the uploader then seals it again)', async () => {
    const { store, directory } = setUp()
    const [at] = await store.writeJob(2, [{ id: id(1), bytes: bytes(6, 1) }])
    expect(await store.read({ id: id(1), storedSize: 7, ...at })).toBeNull()
    directory.files.delete('slot-2')
    expect(await store.read({ id: id(1), storedSize: 6, ...at })).toBeNull()
  })

  it('stages a job in IndexedDB when its slot file does not open in time, and does not wait for that slot again', async () => {
    const { store, idb } = setUp(new Set(['slot-1']))
    const first = await store.writeJob(1, [{ id: id(1), bytes: bytes(3, 5) }])
    expect(first).toEqual([{}])
    expect(await contents(await store.read({ id: id(1), storedSize: 3 }))).toEqual([5, 5, 5])
    const started = Date.now()
    await store.writeJob(1, [{ id: id(2), bytes: bytes(2, 6) }])
    expect(Date.now() - started, 'a stalled slot is not waited for twice').toBeLessThan(OPEN_WAIT_MS - 100)
    expect(await idb.list()).toEqual([id(1), id(2)])
    // A slot whose file is refused (another handle holds it) sends its job to IndexedDB as well.
    expect(await store.writeJob(7, [{ id: id(7), bytes: bytes(1, 7) }])).toEqual([{}])
    // Other slots still go to files.
    expect(await store.writeJob(3, [{ id: id(3), bytes: bytes(1, 7) }])).toEqual([{ slot: 3, offset: 0 }])
  })

  it('sweeps slot files and IndexedDB objects that no staged row names', async () => {
    const { store, directory, idb } = setUp()
    await store.writeJob(0, [{ id: id(1), bytes: bytes(1, 1) }])
    await store.writeJob(2, [{ id: id(2), bytes: bytes(1, 1) }])
    await idb.writeJob(0, [{ id: id(3), bytes: bytes(1, 1) }, { id: id(4), bytes: bytes(1, 1) }])
    expect(await store.sweep(new Set([2]), new Set([id(4)]))).toBe(2)
    expect([...directory.files.keys()]).toEqual(['slot-2'])
    expect(await idb.list()).toEqual([id(4)])
  })

  it('ends a sweep whose deletion does not settle in time, so the backup lock it holds is let go', async () => {
    const { store, directory } = setUp(undefined, new Set(['slot-1']))
    for (const slot of [0, 1, 2]) await store.writeJob(slot, [{ id: id(slot), bytes: bytes(1, 1) }])
    const started = Date.now()
    expect(await store.sweep(new Set(), new Set())).toBe(1)
    expect(Date.now() - started).toBeLessThan(OPEN_WAIT_MS + 500)
    expect([...directory.files.keys()].sort(), 'what was left waits for the next sweep').toEqual(['slot-1', 'slot-2'])
  })
})
