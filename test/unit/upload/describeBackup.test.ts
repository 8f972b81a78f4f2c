import { describe, expect, it } from 'vitest'
import { describeBackup } from '../../../src/app/backup/describeBackup'
import type { BackupRun, UploadStatus } from '../../../src/db/BackupDB'
import type { BackupFacts } from '../../../src/state/createBackupStatus'

const now = Date.parse('2026-11-24T20:00:00Z')
const MB = 1024 * 1024

function run(changes: Partial<BackupRun> = {}): Omit<BackupRun, 'manifest'> {
  return {
    id: 'a'.repeat(32) as never, parent: null, device: 'Chrome on Linux', state: 'staged', startedAt: now - 60_000, finishedAt: now - 50_000,
    bytesTotal: 40 * MB, bytesDone: 40 * MB, chunkCount: 12, newChunks: 12, newBytes: 40 * MB, stagedBytes: 40 * MB, waitingForSpace: false, error: null, ...changes,
  }
}

function upload(changes: Partial<UploadStatus> = {}): UploadStatus {
  return {
    key: 'outbox', phase: 'uploading', drainer: 'page', retryAt: null, error: null, details: {}, startedAt: now - 30_000,
    bytesDone: 10 * MB, bytesTotal: 40 * MB, chunksDone: 3, chunksTotal: 12, bytesPerSecond: 2 * MB, updatedAt: now - 500, ...changes,
  }
}

function facts(changes: Partial<BackupFacts> = {}): BackupFacts {
  return {
    run: run(), upload: upload(), lastBackup: null,
    current: { chunksTotal: 12, chunksDone: 3, bytesTotal: 40 * MB, bytesDone: 10 * MB },
    work: { chunks: 9, commits: 1 }, ...changes,
  }
}

const idle = { job: { phase: 'idle' as const }, online: true, now }

describe('the Backup section’s status line and progress bar', () => {
  it('uploading: bytes and parts of the total, speed and time left', () => {
    const view = describeBackup(facts(), idle)
    expect(view.text).toBe('Backing up… 10 MB of 40 MB uploaded · 3 of 12 parts · 2 MB/s · about 15 s left')
    expect(view.progress?.percent).toBe(25)
    expect([view.active, view.failure]).toEqual([true, null])
  })

  it('while still sealing, counts what is left to read at the share of new bytes so far, and gives no time left', () => {
    const sealing = facts({ run: run({ state: 'running', bytesTotal: 100 * MB, bytesDone: 50 * MB, stagedBytes: 40 * MB }) })
    const view = describeBackup(sealing, idle)
    // 40 MB staged + (100 − 50) × 0.8 MB still to seal = 80 MB to upload; 10 MB are up.
    expect(view.progress?.percent).toBe(12)
    expect(view.text).toBe('Backing up… 10 MB of about 80 MB uploaded · 3 of 12 parts · 2 MB/s')
  })

  it('before anything is staged, says it is reading and encrypting', () => {
    const reading = facts({ run: run({ state: 'running', bytesTotal: 100 * MB, bytesDone: 30 * MB, stagedBytes: 0 }), upload: null, current: { chunksTotal: 0, chunksDone: 0, bytesTotal: 0, bytesDone: 0 }, work: { chunks: 0, commits: 0 } })
    const view = describeBackup(reading, idle)
    expect(view.text).toBe('Backing up… reading and encrypting your chats (30 MB of about 100 MB)')
    expect(view.progress?.percent).toBe(30)
  })

  it('offline with work left: Paused — offline', () => {
    expect(describeBackup(facts(), { ...idle, online: false }).text).toMatch(/^Paused — offline\. The backup continues when the connection is back\.$/)
  })

  it('backing off: Retrying in N s, with why', () => {
    const at = (status: number | undefined, error: UploadStatus['error']) => describeBackup(facts({ upload: upload({ phase: 'retrying', retryAt: now + 29_200, error, details: status ? { status } : {} }) }), idle).text
    expect(at(503, 'server-rejected')).toBe('Retrying in 30 s — the server is busy.')
    expect(at(502, 'server-rejected')).toBe('Retrying in 30 s — the server is unavailable.')
    expect(at(undefined, 'offline')).toBe('Retrying in 30 s — the server cannot be reached.')
  })

  it('stopped by the server: says what went wrong and what to do', () => {
    const full = describeBackup(facts({ upload: upload({ phase: 'failed', error: 'server-quota-exceeded', details: { usedBytes: 9 * MB, quotaBytes: 10 * MB } }) }), idle)
    expect(full.text).toMatch(/^Backup paused\. Your backup storage on the server is full.*\(9 MB of 10 MB used\)$/)
    expect(full.failure).toBe('server-quota-exceeded')
    const signedOut = describeBackup(facts({ upload: upload({ phase: 'failed', error: 'signed-out' }) }), idle)
    expect(signedOut.text).toBe('Backup paused. You are signed out. Sign in with your passkey to continue.')
  })

  it('the device is full while encrypting: says so', () => {
    const view = describeBackup(facts(), { ...idle, job: { phase: 'failed', code: 'quota-exceeded' } })
    expect(view.text).toMatch(/^The backup stopped\. Your device is out of storage space/)
    expect(view.failure).toBe('quota-exceeded')
  })

  it('done: Backed up, with the time and size of the last backup, and a full bar', () => {
    const done = facts({ lastBackup: { at: now - 5_000, sizeBytes: 42 * MB }, work: { chunks: 0, commits: 0 }, upload: upload({ phase: 'idle' }), current: { chunksTotal: 0, chunksDone: 0, bytesTotal: 0, bytesDone: 0 } })
    const view = describeBackup(done, idle)
    expect(view.text).toMatch(/^Backed up .*2026.* · 42 MB$/)
    expect(view.progress?.percent).toBe(100)
    expect(view.active).toBe(false)
  })

  it('never shows 100% while work is left, and nothing before the first backup', () => {
    const almost = facts({ current: { chunksTotal: 12, chunksDone: 12, bytesTotal: 40 * MB, bytesDone: 40 * MB }, work: { chunks: 0, commits: 1 } })
    expect(describeBackup(almost, idle).progress?.percent).toBe(99)
    const none = facts({ run: null, upload: null, current: { chunksTotal: 0, chunksDone: 0, bytesTotal: 0, bytesDone: 0 }, work: { chunks: 0, commits: 0 } })
    expect(describeBackup(none, idle)).toMatchObject({ text: 'No backup yet.', progress: null, active: false })
    expect(describeBackup(none, { ...idle, job: { phase: 'needs-key' } }).text).toMatch(/needs an account with a passkey/)
  })
})
