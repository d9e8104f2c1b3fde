// Shared by the browser tests and the scale benchmark: headless Chromium as this machine runs
// it (Debian's chromium; `npx playwright install` cannot download here).
import { createRequire } from 'node:module';

// playwright-core lives outside the repository (scripts/setup.sh puts it on NODE_PATH).
const { chromium } = createRequire(import.meta.url)('playwright-core');

export const launch = () => chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
