import { createSignal, onCleanup } from 'solid-js'
import { accountDatabase, loadAccountState, loadMasterKey } from '../account/keystore'
import type { SnapshotId } from '../db/BackupDB'
import type { RestoreJob } from '../db/RestoreDB'
import { AppError, type ErrorCode } from '../errors'
import { restoreDatabase } from '../restore/restoreDatabase'
import { listSnapshots, restoreSnapshot, resumeRestore } from '../../workers/restore.client'
import type { SnapshotSummary } from '../../workers/restore.api'
import { createLiveQuery } from './createLiveQuery'
import { useChatDB } from './useChatDB'

export type RestoreStep =
  | { step: 'idle' }
  | { step: 'listing' }
  | { step: 'choosing'; snapshots: SnapshotSummary[] }
  /** The device already has chats: the person is asked before anything is added to them. */
  | { step: 'asking'; snapshots: SnapshotSummary[]; chosen: SnapshotSummary; localConversations: number }
  | { step: 'restoring' }

/** Failures that pass: the restore resumes by itself once they do. */
const RESUMABLE: readonly ErrorCode[] = ['offline', 'server-rejected', 'interrupted']
/** A restore stopped by a stalled file (`interrupted`) starts again with fresh workers this soon, a few times. */
const RESTART_AFTER_MS = 2000
const RESTARTS = 3

/**
 * "Restore from backup" for the UI (DESIGN §6): lists the account's snapshots, asks before adding a
 * backup to chats already here, runs the restore in its workers and exposes the job's row (progress
 * and outcome, written by the workers) through a live query. A restore left running by a reload or a
 * closed tab resumes when this is created; one paused offline resumes when the connection is back.
 */
export function createRestore() {
  const account = createLiveQuery(() => loadAccountState(accountDatabase()))
  const job = createLiveQuery(async () => (await restoreDatabase().job.get('current')) ?? null)
  const [step, setStep] = createSignal<RestoreStep>({ step: 'idle' })
  const [failure, setFailure] = createSignal<AppError | null>(null)
  let running = false

  async function masterKey(): Promise<CryptoKey> {
    const key = await loadMasterKey()
    if (!key) throw new AppError('signed-out', 'No unlocked account on this device')
    return key
  }

  const caught = (e: unknown) => setFailure(e instanceof AppError ? e : new AppError('internal', String(e), { cause: e }))

  async function run(work: (key: CryptoKey) => Promise<unknown>): Promise<void> {
    if (running) return
    running = true
    setFailure(null)
    setStep({ step: 'restoring' })
    try {
      await work(await masterKey())
    } catch (e) {
      caught(e)
      if (e instanceof AppError && e.code === 'interrupted') void restartIfInterrupted()
    } finally {
      running = false
      setStep({ step: 'idle' })
    }
  }

  async function showBackups(): Promise<void> {
    setFailure(null)
    setStep({ step: 'listing' })
    try {
      setStep({ step: 'choosing', snapshots: await listSnapshots(await masterKey()) })
    } catch (e) {
      caught(e)
      setStep({ step: 'idle' })
    }
  }

  async function choose(chosen: SnapshotSummary): Promise<void> {
    const current = step()
    const snapshots = current.step === 'choosing' || current.step === 'asking' ? current.snapshots : [chosen]
    const localConversations = await useChatDB().conversations.count()
    if (localConversations > 0) return void setStep({ step: 'asking', snapshots, chosen, localConversations })
    await run((key) => restoreSnapshot(key, chosen.id, false))
  }

  async function confirmMerge(): Promise<void> {
    const current = step()
    if (current.step !== 'asking') return
    await run((key) => restoreSnapshot(key, current.chosen.id as SnapshotId, true))
  }

  function cancel(): void {
    const current = step()
    setStep(current.step === 'asking' ? { step: 'choosing', snapshots: current.snapshots } : { step: 'idle' })
  }

  const resume = () => run((key) => resumeRestore(key))

  let restarts = 0
  const restartIfInterrupted = async () => {
    const row = await restoreDatabase().job.get('current')
    if (row?.state !== 'paused' || row.error !== 'interrupted' || restarts >= RESTARTS) return
    restarts++
    setTimeout(() => void resume(), RESTART_AFTER_MS)
  }

  // A restore the last page left running (reload, closed tab) continues as soon as the key is here.
  let resumedOnStart = false
  const startUp = async () => {
    const [row, state] = [await restoreDatabase().job.get('current'), await loadAccountState()]
    if (resumedOnStart || !state.unlocked || !row) return
    resumedOnStart = true
    if (row.state === 'running' || (row.state === 'paused' && shouldRetry(row))) await resume()
  }
  void startUp()
  const onOnline = () => {
    const row = job()
    if (row && row.state === 'paused' && shouldRetry(row)) void resume()
  }
  addEventListener('online', onOnline)
  onCleanup(() => removeEventListener('online', onOnline))

  return { account, job, step, failure, showBackups, choose, confirmMerge, cancel, resume }
}

function shouldRetry(row: RestoreJob): boolean {
  return row.error !== null && RESUMABLE.includes(row.error)
}

export type RestoreStore = ReturnType<typeof createRestore>
