/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import solid from 'vite-plugin-solid'
import { VitePWA } from 'vite-plugin-pwa'
import { fileURLToPath } from 'node:url'
import { readFileSync } from 'node:fs'

const apiPort = process.env.PORT ?? '8080'
const projectDir = fileURLToPath(new URL('.', import.meta.url))
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }

export default defineConfig({
  // index.html lives in src/ so the project's top level stays package.json, src/, workers/, public/, test/…
  root: 'src',
  publicDir: '../public',
  envDir: projectDir,
  plugins: [
    solid(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: '../workers',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      manifestFilename: 'manifest.webmanifest',
      includeAssets: ['favicon.svg'],
      manifest: {
        id: '/',
        name: 'Keepsake',
        short_name: 'Keepsake',
        description: 'Private chats that live on your device, with end-to-end encrypted backups unlocked by your passkey.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'any',
        theme_color: '#0f766e',
        background_color: '#0b1416',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        // png and webmanifest are added by the plugin itself (icons, manifest): globbing them would duplicate entries.
        globPatterns: ['**/*.{js,css,html,wasm,svg}'],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
      },
      devOptions: { enabled: false },
    }),
  ],
  define: { __APP_VERSION__: JSON.stringify(version) },
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true, outDir: '../dist', emptyOutDir: true },
  server: { proxy: { '/api': `http://127.0.0.1:${apiPort}` } },
  test: {
    root: projectDir,
    environment: 'node',
    testTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      // The server is plain Node: no Solid plugin, whose test-mode `browser` resolve condition
      // would load the browser builds of Node packages (the AWS SDK's among them).
      { test: { name: 'server', root: projectDir, include: ['test/server/**/*.test.ts'], environment: 'node', testTimeout: 30_000 } },
    ],
  },
})
