// 督导汇总 at scale (docs/benchmarks.md "Summary"): 1,000 synthetic
// version-2 assessment files (scripts/gen-assessments.mjs, annex-1 and
// theory-venue: 42 criteria each, no photos) loaded and rendered by the
// summary page in headless Chromium from file://, and summarised by
// `dudao summarize`. A benchmark, not a test: it prints medians and exits 0.
//
//   cargo build --release && ./target/release/dudao build --output target/site-under-test
//   DUDAO_SITE=target/site-under-test node scripts/bench-summary.mjs [FILES] [ROUNDS]
//
// Page: from setInputFiles to #summary-app[data-ready] (every file read,
// checked and scored, the aggregates built, the table, charts and heat map
// drawn); also the page's own data-load-ms. CLI: wall time of the process.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { launch, pageUrl, BIN } from '../tests/browser/helpers.mjs';
import { generate } from './gen-assessments.mjs';

const FILES = Number(process.argv[2] || 1000);
const ROUNDS = Number(process.argv[3] || 5);

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const tmp = await mkdtemp(path.join(os.tmpdir(), 'dudao-bench-summary-'));
try {
  const dir = path.join(tmp, 'round');
  generate({ out: dir, count: FILES, seed: 1, rubrics: ['annex-1', 'theory-venue'], tampered: 0, duplicates: 0, bin: BIN });
  const files = (await readdir(dir)).sort().map((f) => path.join(dir, f));
  const bytes = Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
  console.log(`${files.length} files, ${(bytes / 1048576).toFixed(1)} MiB`);

  const cli = [];
  for (let i = 0; i < ROUNDS; i++) {
    const out = path.join(tmp, `out-${i}`);
    const start = process.hrtime.bigint();
    execFileSync(BIN, ['summarize', dir, '--output', out], { stdio: 'pipe' });
    cli.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  console.log(`dudao summarize: median ${median(cli).toFixed(0)} ms (runs: ${cli.map((x) => x.toFixed(0)).join(', ')})`);

  if (!existsSync(path.join(process.env.DUDAO_SITE || 'target/site-under-test', 'summary', 'index.html'))) {
    throw new Error('build the site first (see the header of this script)');
  }
  const browser = await launch();
  const wall = [];
  const own = [];
  const parts = [];
  for (let i = 0; i < ROUNDS; i++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pageUrl('summary/'));
    const start = Date.now();
    await page.setInputFiles('#summary-files', files);
    await page.waitForSelector('#summary-app[data-ready]', { timeout: 120000 });
    // One frame after the DOM is built: layout and paint of what was drawn.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve())));
    wall.push(Date.now() - start);
    own.push(Number(await page.getAttribute('#summary-app', 'data-load-ms')));
    parts.push(`read ${await page.getAttribute('#summary-app', 'data-read-ms')} + render ${await page.getAttribute('#summary-app', 'data-render-ms')}`);
    const counts = await page.textContent('[data-counts]');
    if (!counts.includes(`采用 ${FILES} 份评估`)) throw new Error(`unexpected: ${counts}`);
    await page.close();
  }
  await browser.close();
  console.log(`page load+render: median ${median(wall)} ms wall (runs: ${wall.join(', ')}); page's own data-load-ms median ${median(own)} ms (${parts.join('; ')})`);
} finally {
  await rm(tmp, { recursive: true, force: true });
}
