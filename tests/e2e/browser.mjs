// Shared by the browser tests and the scale benchmark: headless Chromium as this machine runs
// it (Debian's chromium; `npx playwright install` cannot download here).
import { createRequire } from 'node:module';

// playwright-core lives outside the repository (scripts/setup.sh puts it on NODE_PATH).
const { chromium } = createRequire(import.meta.url)('playwright-core');

export const launch = (extra = []) => chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', ...extra],
});

// A minimal TAP-like harness shared by the browser tests: `check` runs one named case and
// keeps going on failure; `results()` gives the counts for the exit code.
export function harness() {
  let passed = 0;
  let failed = 0;
  return {
    async check(name, fn) {
      try {
        await fn();
        passed++;
        console.log(`ok - ${name}`);
      } catch (e) {
        failed++;
        console.log(`not ok - ${name}\n  ${e.message.split('\n').slice(0, 6).join('\n  ')}`);
      }
    },
    results: () => ({ passed, failed }),
  };
}

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}
