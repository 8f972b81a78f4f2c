#!/usr/bin/env bash
# `npm test`: type-check, unit and server tests, production build, then the Playwright stories in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash test/ensure-chromium.sh
echo "── type-check"
npm run --silent typecheck
echo "── unit and server tests (vitest)"
npx vitest run
echo "── build"
npx vite build --logLevel warn
echo "── end-to-end stories (Playwright, Chromium)"
npx playwright test -c test/e2e/playwright.config.ts
