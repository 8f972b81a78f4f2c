/**
 * Record ids that sort by creation time: 9 base-36 digits of the time in milliseconds (enough until
 * the year 5188), a dash, then 16 random hex digits. Time order lets a search over the `words` index
 * prefer recent messages by sorting primary keys alone, without loading the records.
 */
export function newId(time: number, randomHex: () => string = randomHex16): string {
  if (!Number.isSafeInteger(time) || time < 0) throw new Error('newId: internal error: time must be a non-negative integer')
  return `${time.toString(36).padStart(9, '0')}-${randomHex()}`
}

function randomHex16(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
