/**
 * FORMAT.md §6.1: JSON with object keys sorted by UTF-16 code units at every level and no
 * whitespace, so the same record always gives the same bytes (and the same chunk id).
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
    return `{${entries.join(',')}}`
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('format: internal error: non-finite number')
  const text = JSON.stringify(value)
  if (text === undefined) throw new Error(`format: internal error: ${typeof value} in a record`)
  return text
}
