import type { BackupDB, BackupRun, ChunkIdHex, OutboxChunk, SnapshotCommit, SnapshotId } from '../db/BackupDB'
import { chunkObjectSize } from '../format/chunk'
import type { ManifestBody } from '../format/manifest'

/**
 * After a restore, makes this device's backups continue from the restored snapshot (DESIGN §1.4):
 * every chunk it names joins the chunk index as `done` (the server holds it), so unchanged chats
 * are named, not sealed and uploaded again; the snapshot joins the runs as the parent of the next,
 * with its commit already `committed` (the server has it), so the upload queue never sends it again.
 */
export async function adoptSnapshot(backup: BackupDB, snapshotId: SnapshotId, body: ManifestBody, manifest: Uint8Array): Promise<void> {
  await backup.transaction('rw', backup.chunks, backup.runs, backup.commits, async () => {
    const ids = body.chunks.map(([id]) => id as ChunkIdHex)
    const known = await backup.chunks.bulkGet(ids)
    const rows: OutboxChunk[] = []
    body.chunks.forEach(([id, length], i) => {
      if (known[i]) return
      rows.push({ id: id as ChunkIdHex, length, storedSize: chunkObjectSize(length), state: 'done', runId: snapshotId, attempts: 0, nextAttemptAt: 0, tag: '' })
    })
    await backup.chunks.bulkAdd(rows)
    if (await backup.runs.get(snapshotId)) return
    const bytes = body.chunks.reduce((sum, [, length]) => sum + length, 0)
    const run: BackupRun = {
      id: snapshotId, parent: body.parent as SnapshotId | null, device: body.device, state: 'staged', startedAt: body.createdAt, finishedAt: body.createdAt,
      bytesTotal: bytes, bytesDone: bytes, chunkCount: body.chunks.length, newChunks: 0, newBytes: 0, stagedBytes: 0, waitingForSpace: false,
      manifest, error: null,
    }
    const commit: SnapshotCommit = {
      runId: snapshotId, chunkIds: ids, sizeBytes: body.chunks.reduce((sum, [, length]) => sum + chunkObjectSize(length), 0), createdAt: body.createdAt,
      state: 'committed', attempts: 0, nextAttemptAt: 0, committedAt: body.createdAt,
    }
    await backup.runs.add(run)
    await backup.commits.put(commit)
  })
}
