import { createRoot } from 'solid-js'
import { createBackupStatus } from '../../state/createBackupStatus'
import { createUploadQueue } from '../../state/createUploadQueue'
import { createBackupJob } from './createBackupJob'

function createBackup() {
  const uploads = createUploadQueue()
  return { uploads, job: createBackupJob(uploads), facts: createBackupStatus() }
}

export type BackupStore = ReturnType<typeof createBackup>
let store: BackupStore | undefined

/**
 * The app's one backup store, created on first use and kept for the page's life: the upload queue
 * drains, automatic backups run and unfinished ones resume whichever view is open.
 */
export function useBackup(): BackupStore {
  store ??= createRoot(createBackup)
  return store
}
