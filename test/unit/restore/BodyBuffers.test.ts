import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { BodyBuffers, readBody } from '../../../src/restore/BodyBuffers'

/** A byte stream (as a fetch body is) sending `bytes` in pieces of `piece` bytes. */
function body(sent: Uint8Array, piece: number): ReadableStream<Uint8Array> {
  // A copy, and pieces copied from it (Buffer#slice shares memory, and enqueue detaches what it takes).
  const bytes = Uint8Array.from(sent)
  let at = 0
  return new ReadableStream({
    type: 'bytes',
    pull(controller) {
      if (at >= bytes.length) {
        controller.close()
        // A byte stream closed under a pending BYOB read ends that read this way (as a fetch body does).
        controller.byobRequest?.respond(0)
        return
      }
      controller.enqueue(bytes.slice(at, at + piece))
      at += piece
    },
  })
}

describe('reading a chunk body into a reused buffer', () => {
  it.each([
    ['exactly the expected size', 1000, 1000],
    ['shorter (a truncated object)', 1000, 999],
    ['one byte longer', 1000, 1001],
    ['far longer', 1000, 30_000],
    ['empty', 1000, 0],
  ])('gives every byte of a body %s, and its true length', async (_, expected, actual) => {
    for (const piece of [1, 7, 1000, 65_536]) {
      const sent = randomBytes(actual)
      const { view, total } = await readBody(body(sent, piece), expected, new BodyBuffers())
      expect(total).toBe(actual)
      expect(view.length).toBe(Math.min(actual, expected + 1))
      expect(Buffer.from(view).equals(sent.subarray(0, view.length))).toBe(true)
    }
  })

  it('reuses a buffer given back, and never hands out one in use', async () => {
    const buffers = new BodyBuffers()
    const a = await readBody(body(randomBytes(500), 64), 500, buffers)
    const b = await readBody(body(randomBytes(500), 64), 500, buffers)
    expect(b.view.buffer).not.toBe(a.view.buffer)
    buffers.give(a.view.buffer as ArrayBuffer)
    const sent = randomBytes(400)
    const c = await readBody(body(sent, 64), 400, buffers)
    // Read into a's memory: the stream took (detached) a's buffer, b's is untouched.
    expect(a.view.byteLength).toBe(0)
    expect(b.view.byteLength).toBe(500)
    expect(c.view.buffer.byteLength).toBe(501)
    expect(Buffer.from(c.view).equals(sent)).toBe(true)
  })

  it('passes a failing body on as a failure', async () => {
    const failing = new ReadableStream<Uint8Array>({
      type: 'bytes',
      pull(controller) {
        controller.error(new TypeError('network error'))
      },
    })
    await expect(readBody(failing, 100, new BodyBuffers())).rejects.toThrow('network error')
  })
})
