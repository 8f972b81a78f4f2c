import { createHash } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { isAppError } from '../../../src/errors'
import { deriveBackupKeys, importMasterKeyBytes } from '../../../src/format/backupKeys'
import { openChunk } from '../../../src/format/chunk'
import { createChunkIdHasher } from '../../../src/format/chunkId'
import { openManifest } from '../../../src/format/manifest'
import { generateBackupVectors } from '../../vectors/backup/generate'

const dir = fileURLToPath(new URL('../../vectors/backup/', import.meta.url))
const bytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'))
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')

function parse(text: string): Map<string, string> {
  return new Map(text.trimEnd().split('\n').map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]))
}

/** Opens a vector's object the way a restore does; returns the released plaintext and the error code. */
async function open(v: Map<string, string>): Promise<{ released: Uint8Array; code: string }> {
  const keys = await deriveBackupKeys(await importMasterKeyBytes(bytes(v.get('master key')!)))
  try {
    if (v.get('object') === 'chunk') {
      const content = await openChunk(bytes(v.get('body')!), bytes(v.get('chunk id')!), Number(v.get('length')), keys, await createChunkIdHasher(keys.chunkIdKey))
      return { released: content, code: 'success' }
    }
    const manifest = await openManifest(bytes(v.get('body')!), keys, v.get('snapshot id'))
    return { released: new TextEncoder().encode(JSON.stringify(manifest.body)), code: 'success' }
  } catch (e) {
    if (!isAppError(e)) throw e
    return { released: new Uint8Array(0), code: e.code }
  }
}

const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()

describe('backup format vectors (test/vectors/backup)', () => {
  it('has one success and at least one vector of every failure kind', () => {
    const kinds = new Set(files.map((f) => parse(readFileSync(join(dir, f), 'utf8')).get('expect')))
    expect([...kinds].sort()).toEqual(['chunk-corrupt', 'header-invalid', 'manifest-corrupt', 'snapshot-mismatch', 'success', 'truncated', 'unknown-version', 'wrong-key'])
  })

  for (const file of files) {
    const v = parse(readFileSync(join(dir, file), 'utf8'))
    it(`${file} → ${v.get('expect')} (${v.get('comment')})`, async () => {
      const { released, code } = await open(v)
      expect(code).toBe(v.get('expect'))
      expect(sha256(released)).toBe(v.get('payload'))
    })
  }

  it('the committed files are exactly what the generator writes', async () => {
    const generated = await generateBackupVectors()
    expect([...generated.keys()].sort()).toEqual(files)
    for (const [file, text] of generated) expect(readFileSync(join(dir, file), 'utf8'), file).toBe(text)
  })
})
