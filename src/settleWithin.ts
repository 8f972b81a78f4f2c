/** What `settleWithin` gives when the promise has not settled in time. */
export const LATE: unique symbol = Symbol('late')

/**
 * `promise`'s outcome if it settles within `ms`, else LATE (the promise itself runs on). For browser
 * storage calls that Chromium has been seen to leave pending for good (docs/BENCHMARKS.md).
 */
export async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<T | typeof LATE> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<typeof LATE>((resolve) => (timer = setTimeout(() => resolve(LATE), ms)))
  try {
    return await Promise.race([promise, late])
  } finally {
    clearTimeout(timer)
  }
}
