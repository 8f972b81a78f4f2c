import { AccountSection } from '../account/AccountSection'
import { BackupSection } from '../backup/BackupSection'
import { Icon } from '../Icon'
import { RestoreSection } from '../restore/RestoreSection'
import { navigate } from '../route'
import { SampleDataSection } from './SampleDataSection'
import { StorageSection } from './StorageSection'
import './settings.css'

declare const __APP_VERSION__: string

/** Settings: account, backup, storage, sample data, about. */
export function SettingsPage() {
  return (
    <section class="settings" aria-labelledby="settings-title">
      <header class="bar">
        <button type="button" class="icon-button back" aria-label="Back to chats" onClick={() => navigate({ name: 'home' })}>
          <Icon name="back" />
        </button>
        <h2 id="settings-title" class="conversation-title">
          Settings
        </h2>
      </header>
      <div class="settings-body">
        <section class="settings-section" aria-labelledby="account-title">
          <h3 id="account-title">Account</h3>
          <AccountSection />
        </section>
        <BackupSection />
        <RestoreSection />
        <StorageSection />
        <SampleDataSection />
        <section class="settings-section" aria-labelledby="about-title">
          <h3 id="about-title">About</h3>
          <dl class="facts">
            <div>
              <dt>Version</dt>
              <dd>Keepsake {__APP_VERSION__}</dd>
            </div>
          </dl>
          <p class="muted">Your chats live on this device. Backups are encrypted on this device before they leave it, and only your passkey or recovery key can unlock them.</p>
        </section>
      </div>
    </section>
  )
}
