import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

/**
 * The benchmark's own page (never part of dist/): the real backup engine and its in-browser peers,
 * built into .bench/dist by test/bench/run.ts.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./page', import.meta.url)),
  logLevel: 'warn',
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: fileURLToPath(new URL('../../.bench/dist', import.meta.url)), emptyOutDir: true, sourcemap: false },
})
