/** Buffers kept for reuse: the requests an opener has in flight, and one to spare. */
const KEPT = 6

/**
 * Reusable buffers for fetched chunk objects. A fresh multi-MB ArrayBuffer per chunk cost the
 * opening workers more kernel time (page faults of new mappings) than decrypting it
 * (docs/BENCHMARKS.md, Restore). A buffer is free again once `crypto.subtle.decrypt` was called on
 * its bytes: WebCrypto takes a copy of its input when called (WebCrypto §14.3, "get a copy of the
 * bytes held by the data parameter").
 */
export class BodyBuffers {
  private readonly free: ArrayBuffer[] = []

  take(size: number): ArrayBuffer {
    let best = -1
    this.free.forEach((buffer, i) => {
      if (buffer.byteLength >= size && (best < 0 || buffer.byteLength < this.free[best]!.byteLength)) best = i
    })
    return best >= 0 ? this.free.splice(best, 1)[0]! : new ArrayBuffer(size)
  }

  give(buffer: ArrayBuffer): void {
    if (buffer.byteLength > 0 && this.free.length < KEPT) this.free.push(buffer)
  }
}

/**
 * Reads `body` into a buffer from `buffers`, with one byte of room past `expected` so a body longer
 * than the object should be is seen as longer. Returns the bytes read (a view of that buffer; give
 * `view.buffer` back once done with it), and how many bytes the body had in all.
 */
export async function readBody(body: ReadableStream<Uint8Array>, expected: number, buffers: BodyBuffers): Promise<{ view: Uint8Array; total: number }> {
  const reader = body.getReader({ mode: 'byob' })
  let buffer = buffers.take(expected + 1)
  let filled = 0
  let total = 0
  try {
    for (;;) {
      const room = expected + 1 - filled
      // Past the room, keep reading into a small scratch view only to count what is left.
      const { done, value } = await reader.read(room > 0 ? new Uint8Array(buffer, filled, room) : new Uint8Array(64 * 1024))
      if (value && room > 0) {
        buffer = value.buffer as ArrayBuffer
        filled += value.byteLength
      }
      total += value?.byteLength ?? 0
      if (done) break
    }
  } catch (e) {
    buffers.give(buffer)
    throw e
  } finally {
    reader.releaseLock()
  }
  return { view: new Uint8Array(buffer, 0, filled), total }
}
