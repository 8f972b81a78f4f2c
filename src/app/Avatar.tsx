/** A round badge with a person's or group's initials, in a colour that stays the same for a name. */
export function Avatar(props: { name: string; size?: 'small' | 'large' }) {
  const initials = () =>
    props.name
      .split(/\s+/)
      .filter((w) => /[\p{L}\p{N}]/u.test(w))
      .slice(0, 2)
      .map((w) => [...w][0]!.toLocaleUpperCase())
      .join('') || '#'
  const hue = () => {
    let h = 0
    for (const ch of props.name) h = (h * 31 + ch.codePointAt(0)!) % 360
    return h
  }
  return (
    <span class={`avatar ${props.size ?? ''}`} style={{ '--avatar-hue': String(hue()) }} aria-hidden="true">
      {initials()}
    </span>
  )
}
