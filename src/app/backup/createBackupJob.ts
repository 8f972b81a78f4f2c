import Dexie from 'dexie'
import { createEffect, createSignal, onCleanup } from 'solid-js'
import { loadMasterKey } from '../../account/keystore'
import { backupDatabase } from '../../backup/backupDatabase'
import type { AutomaticBackup, BackupSettings } from '../../db/BackupDB'
import { isAppError, type ErrorCode } from '../../errors'
import { createLiveQuery } from '../../state/createLiveQuery'
import type { UploadQueueStore } from '../../state/createUploadQueue'
import { backupInProgress } from '../../upload/uploadLock'
import { backUpNow } from '../../../workers/backup.client'
import { nextAutomaticBackup } from './backupSchedule'

export type BackupJobState =
  | { phase: 'idle' }
  /** This tab's backup workers are reading and sealing the chats. */
  | { phase: 'sealing'; startedAt: number }
  | { phase: 'needs-key' }
  | { phase: 'failed'; code: ErrorCode }

const CHATS_PREFIX = 'idb://keepsake-chats/'
/** A server that keeps losing chunks is not chased forever: "Back up now" still tries. */
const MAX_STALE_RESUMES = 3
/** Longest sleep before the schedule is looked at again (ms): the device may have slept. */
const RECHECK_MS = 10 * 60_000

/**
 * Backups in this tab: "Back up now", automatic backups (off, daily, soon after changes; stored
 * on the device), and resuming on start-up a run a closed tab or reload cut short, or a snapshot the
 * server turned out to miss chunks of. The engine seals in workers; the upload queue drains
 * meanwhile, so sealing never waits long for staging space.
 */
export function createBackupJob(uploads: UploadQueueStore) {
  const db = backupDatabase()
  const [state, setState] = createSignal<BackupJobState>({ phase: 'idle' })
  const settings = createLiveQuery(async () => (await db.settings.get('settings')) ?? null)
  /** Bumped to look at the schedule and at unfinished work again (a timer, the connection). */
  const [tick, setTick] = createSignal(0)
  void initSettings()
  const latestRun = createLiveQuery(async () => (await db.runs.orderBy('startedAt').last()) ?? null)
  const latestCommit = createLiveQuery(async () => (await db.commits.orderBy('createdAt').last()) ?? null)

  /** When this tab's runs were sealing: a run that started then is this tab's, never one to resume. */
  const ownRuns: [number, number][] = []
  const isOwn = (startedAt: number) => ownRuns.some(([from, to]) => startedAt >= from && startedAt <= to)

  /** Runs one backup here. `manual` also retries at once what was backing off or stopped. */
  let starting = false
  async function start(reason: 'manual' | 'automatic' | 'resume'): Promise<void> {
    if (starting || state().phase === 'sealing') return
    starting = true
    try {
      await run(reason)
    } finally {
      starting = false
    }
  }

  async function run(reason: 'manual' | 'automatic' | 'resume'): Promise<void> {
    if (reason === 'manual') {
      await (await uploads.queue).retryNow()
      void uploads.kick()
    } else if (await backupInProgress()) return
    const masterKey = await loadMasterKey()
    if (!masterKey) return void (reason === 'manual' && setState({ phase: 'needs-key' }))
    const window: [number, number] = [Date.now(), Number.POSITIVE_INFINITY]
    ownRuns.push(window)
    setState({ phase: 'sealing', startedAt: window[0] })
    try {
      await backUpNow(masterKey)
      window[1] = Date.now()
      setState({ phase: 'idle' })
    } catch (e) {
      window[1] = Date.now()
      setState({ phase: 'failed', code: isAppError(e) ? e.code : 'internal' })
    }
    void uploads.kick()
  }

  async function setAutomatic(automatic: AutomaticBackup): Promise<void> {
    await initSettings()
    await db.settings.update('settings', { automatic })
  }

  // A chat change anywhere (this tab, another, a worker) marks the chats changed since the last run.
  const onMutated = (parts: Record<string, unknown>) => {
    if (!Object.keys(parts).some((part) => part.startsWith(CHATS_PREFIX))) return
    const s = settings()
    const lastRun = latestRun()?.startedAt ?? 0
    if (s && (s.changedAt ?? 0) <= lastRun) void db.settings.update('settings', { changedAt: Date.now() })
  }
  Dexie.on.storagemutated.subscribe(onMutated)
  onCleanup(() => Dexie.on.storagemutated.unsubscribe(onMutated))

  // Resume what a closed tab or reload left: an interrupted run, or a snapshot gone stale.
  let resumedFor: string | null = null
  let staleResumes = 0
  createEffect(() => {
    tick()
    const run = latestRun()
    const commit = latestCommit()
    if (!run || commit === undefined) return
    const interrupted = run.state === 'running' && !isOwn(run.startedAt)
    const stale = commit?.state === 'stale' && commit.runId === run.id
    if (!(interrupted || stale) || resumedFor === run.id || staleResumes >= MAX_STALE_RESUMES) return
    void backupInProgress().then((busy) => {
      if (busy || resumedFor === run.id) return
      resumedFor = run.id
      if (stale) staleResumes++
      void start('resume')
    })
  })

  // Automatic backups: sleep until the next one is due, then run it (if the device is online).
  let timer: ReturnType<typeof setTimeout> | undefined
  createEffect(() => {
    tick()
    const s = settings()
    const run = latestRun()
    clearTimeout(timer)
    timer = setTimeout(() => setTick((t) => t + 1), RECHECK_MS)
    if (!s || run === undefined) return
    const due = nextAutomaticBackup({
      automatic: s.automatic, since: s.since, lastRunAt: run?.startedAt ?? null, lastChangeAt: s.changedAt,
      online: uploads.connectivity.online, now: Date.now(),
    })
    if (due === null) return
    // Started outside the effect, so what `start` reads is not tracked by it.
    if (due <= Date.now()) return void queueMicrotask(() => void start('automatic'))
    clearTimeout(timer)
    timer = setTimeout(() => setTick((t) => t + 1), Math.min(due - Date.now(), RECHECK_MS))
  })
  const offOnline = uploads.connectivity.onChange(() => setTick((t) => t + 1))
  onCleanup(() => {
    clearTimeout(timer)
    offOnline()
  })

  return { state, settings, latestRun, start: () => start('manual'), setAutomatic }
}

/** Writes the default settings (daily, counted from now) the first time this device backs up. */
async function initSettings(): Promise<void> {
  const db = backupDatabase()
  const defaults: BackupSettings = { key: 'settings', automatic: 'daily', since: Date.now(), changedAt: null }
  await db.transaction('rw', db.settings, async () => {
    if (!(await db.settings.get('settings'))) await db.settings.add(defaults)
  })
}
