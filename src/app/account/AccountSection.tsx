/** Settings → Account: replaced by the passkey account section. */
export function AccountSection() {
  return null
}
