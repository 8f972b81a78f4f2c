import { useRestore } from '../../state/useRestore'
import './restore.css'

/**
 * Stands in for a photo or file whose bytes are not on this device: "Downloading…" while a restore
 * is bringing it, otherwise says it is missing (a restore that stopped, say).
 */
export function AttachmentPending(props: { name: string }) {
  const restore = useRestore()
  const arriving = () => {
    const state = restore.job()?.state
    return state === 'running' || state === 'paused'
  }
  return (
    <span class="attachment-pending" aria-label={`${props.name}: ${arriving() ? 'downloading' : 'not on this device'}`}>
      {arriving() ? 'Downloading…' : 'Not on this device'}
    </span>
  )
}
