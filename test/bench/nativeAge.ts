import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Makes sure Debian's `age` is installed (apt-get as root or through sudo); returns false and says what to run if it cannot. */
export function ensureAge(): boolean {
  if (spawnSync('age', ['--version']).status === 0) return true
  const asRoot = process.getuid?.() === 0
  const sudo = !asRoot && spawnSync('sudo', ['-n', 'true']).status === 0
  if (!asRoot && !sudo) {
    console.warn('native age is missing: run `sudo apt-get install -y age` and start the benchmark again')
    return false
  }
  const run = (args: string[]) => {
    const command = asRoot ? args : ['sudo', '-n', ...args]
    spawnSync(command[0]!, command.slice(1), { stdio: 'inherit' })
  }
  run(['apt-get', 'update'])
  run(['apt-get', 'install', '-y', 'age'])
  return spawnSync('age', ['--version']).status === 0
}

/** Encrypts `file` to a fresh X25519 recipient with native age, output discarded; returns seconds. */
export function timeAge(file: string): number {
  const dir = mkdtempSync(join(tmpdir(), 'keepsake-age-'))
  try {
    execFileSync('age-keygen', ['-o', join(dir, 'key.txt')], { stdio: 'ignore' })
    const recipient = /public key: (age1\w+)/.exec(readFileSync(join(dir, 'key.txt'), 'utf8'))![1]!
    execFileSync('cat', [file], { stdio: ['ignore', 'ignore', 'inherit'] }) // same footing as the browser: from the page cache
    const started = process.hrtime.bigint()
    execFileSync('age', ['-r', recipient, '-o', '/dev/null', file], { stdio: 'inherit' })
    return Number(process.hrtime.bigint() - started) / 1e9
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
