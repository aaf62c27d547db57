// Edit-to-reload latency of `dudao serve` (docs/benchmarks.md, "Serve"):
// from writing a source file to the open page reloaded in headless Chromium
// and showing the edit.
//
//   node scripts/bench-serve.mjs PROJECT [RUNS] [PAGE] [FILE]
//
// PROJECT is a project root (the bundled one, or one written by the
// gen-bench example); PAGE the page kept open (default indicators/5/);
// FILE the source edited (default content/indicators/05.md). Each run
// appends a sentence to FILE's text (to its last quoted string, for a
// rubric's YAML), waits for the page's load event and
// the sentence on the page. Prints each run and the median, and serve's own
// rebuild time. The edits stay in PROJECT: run it on a copy.
//
// Two figures per run, both from the write:
//   loaded   the reloaded page's `load` event, on the page's own clock
//            (performance.timeOrigin + loadEventEnd; the same wall clock
//            as this script's Date.now()). The issue's target is judged on
//            this one: the page is reloaded when its load event fires.
//   visible  when this script sees the sentence on the page: `loaded` plus
//            Playwright's polling (~45 ms here), which is the bench's, not
//            serve's or the browser's.
//
// Each run is also broken down on one clock (serve prints its steps as Unix
// epoch milliseconds under DUDAO_SERVE_TRACE; the browser's
// PerformanceNavigationTiming is relative to performance.timeOrigin):
//   write → event     the file written until its first file-system event
//   → delivered       the watcher's debounce
//   → load            serve loads and validates the project
//   → pages           every page rendered (render::PAGE_FAMILIES)
//   → sent            the pages published, the reload event sent
//   → navigation      the event received, location.reload() called
//   → html            the page's HTML received (responseEnd)
//   → loaded          subresources, parsing, scripts, until the load event
//   → visible         until this script sees the sentence
// and, beside the page's steps, when serve had the whole-site data made and
// published (`data`, `published`: render::DATA_FAMILIES, after the reload
// was sent; requests for those files wait for it).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, BIN } from '../tests/browser/helpers.mjs';

const [project, runsArg = '10', pagePath = 'indicators/5/', file = 'content/indicators/05.md'] = process.argv.slice(2);
if (!project) {
  console.error('usage: node scripts/bench-serve.mjs PROJECT [RUNS] [PAGE] [FILE]');
  process.exit(2);
}
const runs = Number(runsArg);
const output = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-bench-serve-'));
const serve = spawn(BIN, ['serve', '--root', project, '--output', path.join(output, 'site'), '--address', '127.0.0.1:0'], {
  stdio: ['ignore', 'ignore', 'pipe'],
  env: { ...process.env, DUDAO_SERVE_TRACE: '1' },
});
let log = '';
const base = await new Promise((resolve, reject) => {
  serve.stderr.on('data', (chunk) => {
    log += chunk;
    const match = /serving .* at (http:\/\/[^ ]+\/)/.exec(log);
    if (match) resolve(match[1]);
  });
  serve.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${log}`)));
});

const browser = await launch();
const page = await browser.newPage();
await page.goto(base + pagePath);
await page.waitForSelector('html[data-dudao-live="connected"]');
const source = path.join(project, file);
// Markdown takes the sentence at its end; in a rubric's YAML it goes inside
// the last quoted string (its last note), so the file stays valid.
function edited(text, marker) {
  if (!/\.ya?ml$/.test(file)) return `${text.trimEnd()}${marker}\n`;
  const close = text.lastIndexOf('"');
  if (close < 0) throw new Error(`${file}: no quoted string to put the edit in`);
  return text.slice(0, close) + marker + text.slice(close);
}
const times = [];
const loadedTimes = [];
const STEPS = ['event', 'delivered', 'load', 'pages', 'sent', 'navigation', 'html', 'loaded', 'visible'];
const steps = Object.fromEntries(STEPS.map((s) => [s, []]));
const dataReady = [];
const paints = [];
for (let i = 1; i <= runs; i++) {
  // Past the output folder's write (0.3 s after a rebuild), so each run
  // measures an edit on a quiet server.
  await new Promise((r) => setTimeout(r, 1500));
  const marker = `基准测试第${i}次修改${Date.now()}`;
  const text = fs.readFileSync(source, 'utf8');
  const loaded = page.waitForEvent('load', { timeout: 30000 });
  const started = performance.now();
  const written = Date.now();
  fs.writeFileSync(source, edited(text, marker));
  await loaded;
  await page.waitForFunction((m) => document.body.textContent.includes(m), marker, { timeout: 30000, polling: 'raf' });
  const took = performance.now() - started;
  const visible = Date.now();
  times.push(took);
  // The log line and trace of this run's rebuild: printed once its data is
  // published, which may come after the page has loaded.
  for (let wait = 0; wait < 300 && [...log.matchAll(/^trace: /gm)].length < i; wait++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const rebuild = [...log.matchAll(/built \d+ files .* in (\d+) ms/g)].pop()?.[1];
  // Serve's steps, then the browser's, all as epoch milliseconds.
  const trace = Object.fromEntries(
    [...([...log.matchAll(/^trace: (.*)$/gm)].pop()?.[1] ?? '').matchAll(/(\w+)=([\d.]+)/g)].map((m) => [m[1], Number(m[2])]),
  );
  const nav = await page.evaluate(() => {
    const t = performance.getEntriesByType('navigation')[0];
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    return { origin: performance.timeOrigin, html: t.responseEnd, load: t.loadEventEnd, paint: paint?.startTime };
  });
  paints.push(nav.paint);
  const at = { ...trace, navigation: nav.origin, html: nav.origin + nav.html, loaded: nav.origin + nav.load, visible };
  const pageLoaded = at.loaded - written;
  loadedTimes.push(pageLoaded);
  dataReady.push(trace.published - written);
  let last = written;
  const parts = STEPS.map((step) => {
    const took = at[step] - last;
    last = at[step] ?? last;
    steps[step].push(took);
    return `${step} +${took.toFixed(0)}`;
  });
  const paint = nav.paint === undefined ? '' : ` (first contentful paint ${(nav.paint - nav.html).toFixed(0)} ms after html)`;
  const data = trace.published === undefined ? '' : `; data published at +${(trace.published - written).toFixed(0)}`;
  console.log(
    `run ${i}: loaded ${pageLoaded.toFixed(0)} ms, visible ${took.toFixed(0)} ms after the save (serve's whole rebuild ${rebuild} ms): ${parts.join(', ')}${data}${paint}`,
  );
  await page.waitForSelector('html[data-dudao-live="connected"]');
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const summary = (xs) => `median ${median(xs).toFixed(0)} ms, min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)}`;
console.log(`save → loaded (the page's load event, its own clock; the target): ${summary(loadedTimes)} over ${runs} runs`);
console.log(`save → visible (this script sees the edit; adds its polling): ${summary(times)}`);
console.log(`save → whole-site data published: ${summary(dataReady)}`);
console.log(`median steps: ${STEPS.map((s) => `${s} +${median(steps[s]).toFixed(0)}`).join(', ')}`);
console.log(log.split('\n').filter((l) => l.startsWith('built')).slice(-3).join('\n'));
await browser.close();
// serve finishes writing the output folder on SIGTERM: wait for it to exit
// before removing the folder.
const exited = new Promise((resolve) => serve.on('exit', resolve));
serve.kill();
await exited;
fs.rmSync(output, { recursive: true, force: true });
