const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'] as const

/** A byte count for people: "0 bytes", "980 bytes", "1.5 KB", "12 MB", "4.2 GB" (1 KB = 1024 bytes, as file managers show). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—'
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  if (unit === 0) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`
  const digits = value < 10 ? 1 : 0
  return `${value.toFixed(digits).replace(/\.0$/, '')} ${UNITS[unit]}`
}
