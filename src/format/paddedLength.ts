/** Chunks shorter than this are padded up to it: all small chunks look alike (FORMAT.md §4.1). */
export const MIN_PADDED_LENGTH = 512

/**
 * FORMAT.md §4.1: Padmé (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and
 * Communication with PURBs", 2019) over max(length, 512). It leaks O(log log L) bits of a length,
 * costs at most 12% (3% at 4 MiB), and leaves powers of two — so full 4 MiB parts — unpadded.
 */
export function paddedLength(length: number): number {
  if (!Number.isSafeInteger(length) || length < 0 || length > 2 ** 31) throw new Error('format: internal error: length')
  const l = Math.max(length, MIN_PADDED_LENGTH)
  const e = 31 - Math.clz32(l) // ⌊log2 l⌋
  const s = 32 - Math.clz32(e) // ⌊log2 e⌋ + 1
  const step = 2 ** (e - s)
  return Math.ceil(l / step) * step
}
