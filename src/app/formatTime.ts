const DAY = 86_400_000

/**
 * A message time as a chat list shows it: the time of day for today, "Yesterday", the weekday within
 * the last week, otherwise the date.
 */
export function formatListTime(time: number, now = Date.now(), locale?: string): string {
  const date = new Date(time)
  const today = new Date(now)
  today.setHours(0, 0, 0, 0)
  const start = today.getTime()
  if (time >= start) return date.toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' })
  if (time >= start - DAY) return 'Yesterday'
  if (time >= start - 6 * DAY) return date.toLocaleDateString(locale, { weekday: 'long' })
  const sameYear = date.getFullYear() === today.getFullYear()
  return date.toLocaleDateString(locale, sameYear ? { day: 'numeric', month: 'short' } : { day: 'numeric', month: 'short', year: 'numeric' })
}

/** The time of day under a message bubble. */
export function formatMessageTime(time: number, locale?: string): string {
  return new Date(time).toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' })
}

/** A full date and time, for a tooltip. */
export function formatFullTime(time: number, locale?: string): string {
  return new Date(time).toLocaleString(locale, { dateStyle: 'full', timeStyle: 'short' })
}
