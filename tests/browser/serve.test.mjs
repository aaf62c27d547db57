// `dudao serve` in headless Chromium: an edit reloads the open page by itself
// and keeps its scroll position; a broken edit shows its located error over
// the page, and the fix clears it; the live-reload script runs under the
// site's CSP; a built site carries no trace of it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, BIN, SITE } from './helpers.mjs';

let browser;
let serve;
let base;
let project;
let log = '';

before(async () => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-serve-'));
  for (const part of ['content', 'rubrics', 'themes', 'dudao.toml']) {
    fs.cpSync(part, path.join(project, part), { recursive: true });
  }
  serve = spawn(BIN, ['serve', '--root', project, '--address', '127.0.0.1:0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${log}`)), 30000);
    serve.stderr.on('data', (chunk) => {
      log += chunk;
      const match = /serving .* at (http:\/\/[^ ]+\/)/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    serve.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${log}`)));
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  // serve finishes writing its output folder (under the project) on
  // SIGTERM: remove the project only once it has exited.
  const exited = serve && serve.exitCode === null ? new Promise((resolve) => serve.on('exit', resolve)) : null;
  serve?.kill();
  await exited;
  fs.rmSync(project, { recursive: true, force: true });
});

async function openLive(relative) {
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(base + relative);
  await page.waitForSelector('html[data-dudao-live="connected"]', { timeout: 10000 });
  return { page, problems };
}

function edit(file, from, to) {
  const full = path.join(project, file);
  const text = fs.readFileSync(full, 'utf8');
  assert.ok(text.includes(from), `${file} holds ${from}`);
  fs.writeFileSync(full, text.replace(from, to));
}

test('a rubric edit reloads the open page by itself, keeping its scroll position', async () => {
  const { page, problems } = await openLive('rubrics/annex-1/');
  await page.evaluate(() => window.scrollTo(0, 700));
  const scrolled = await page.evaluate(() => window.scrollY);
  assert.ok(scrolled > 600, `the page scrolls (${scrolled})`);
  const reloaded = page.waitForEvent('load', { timeout: 10000 });
  edit('rubrics/annex-1.yaml', '备案评价范围与机构经营范围相匹配。', '备案评价范围与机构经营范围相匹配（已改）。');
  await reloaded;
  await page.waitForFunction(() => document.body.textContent.includes('机构经营范围相匹配（已改）'));
  await page.waitForFunction((y) => Math.abs(window.scrollY - y) < 2, scrolled);
  await page.waitForSelector('html[data-dudao-live="connected"]');
  assert.deepEqual(problems, [], 'no CSP violation or script error');
  await page.close();
});

test('a page made after the other pages (tailor/, which embeds every explanation) reloads when it is ready', async () => {
  const { page, problems } = await openLive('tailor/');
  const reloaded = page.waitForEvent('load', { timeout: 10000 });
  edit('content/indicators/05.md', '职责是否明确。', '职责是否明确（定制页测试）。');
  await reloaded;
  await page.waitForSelector('html[data-dudao-live="connected"]');
  assert.ok((await page.content()).includes('职责是否明确（定制页测试）'), 'the reloaded tailor page carries the edit');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a page reloaded before the whole-site data is ready gets the new data, not the last build\'s', async () => {
  const { page, problems } = await openLive('indicators/5/');
  const reloaded = page.waitForEvent('load', { timeout: 10000 });
  edit('content/indicators/05.md', '（定制页测试）', '（数据一致测试）');
  await reloaded;
  await page.waitForSelector('html[data-dudao-live="connected"]');
  assert.ok((await page.content()).includes('（数据一致测试）'));
  // Asked for as soon as the page has loaded: the server holds it until
  // the data of the build the page came from is made.
  const catalog = await page.evaluate(() => fetch('../../api/catalog.json').then((r) => r.text()));
  assert.ok(catalog.includes('职责是否明确（数据一致测试）'), 'api/catalog.json is the same build as the page');
  assert.ok(!catalog.includes('（定制页测试）'));
  // The `ready` event after the pages' `reload` does not reload the page again.
  const navigations = [];
  page.on('framenavigated', (frame) => frame === page.mainFrame() && navigations.push(frame.url()));
  await new Promise((r) => setTimeout(r, 1000));
  assert.deepEqual(navigations, []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a broken edit shows its located error over the page; the fix clears it', async () => {
  const { page, problems } = await openLive('indicators/1/');
  edit('rubrics/annex-1.yaml', 'total: 100', 'total: [100');
  const overlay = await page.waitForSelector('#dudao-serve-errors', { timeout: 10000 });
  const text = await overlay.textContent();
  assert.match(text, /构建失败/);
  assert.match(text, /rubrics\/annex-1\.yaml:\d+:\d+/, `the error names file:line:column: ${text}`);
  // A page opened while the build is broken shows the error too.
  const second = await openLive('notice/');
  await second.page.waitForSelector('#dudao-serve-errors', { timeout: 10000 });
  await second.page.close();

  edit('rubrics/annex-1.yaml', 'total: [100', 'total: 100');
  await page.waitForSelector('#dudao-serve-errors', { state: 'detached', timeout: 10000 });
  assert.deepEqual(problems, []);
  await page.close();
});

test('only serve adds the live-reload script: the built site has no trace of it', () => {
  const traces = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(html|js|json|css)$/.test(entry.name) && fs.readFileSync(full, 'utf8').includes('__dudao')) {
        traces.push(full);
      }
    }
  };
  walk(SITE);
  // serve's own output folder is a built site too.
  walk(path.join(project, 'public'));
  assert.deepEqual(traces, []);
});

test('a reload gets 304 Not Modified for each file that did not change, and the new bytes of one that did', async () => {
  const css = `${base}static/css/site.css`;
  const js = `${base}static/js/site.js`;
  const first = await fetch(css);
  const tag = first.headers.get('etag');
  assert.equal(first.status, 200);
  assert.ok(tag, 'a site file has an entity tag');
  assert.equal(first.headers.get('cache-control'), 'no-cache', 'kept, but asked for again each time');
  const before = await first.text();
  assert.equal((await fetch(css, { headers: { 'If-None-Match': tag } })).status, 304);
  const jsTag = (await fetch(js)).headers.get('etag');

  // Chromium revalidates on reload: the stylesheet comes back as a 304
  // (headers only), not its bytes.
  const { page, problems } = await openLive('indicators/1/');
  await page.reload();
  await page.waitForSelector('html[data-dudao-live="connected"]');
  const sizes = await page.evaluate(() =>
    performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/static/css/site.css')).map((e) => e.transferSize),
  );
  assert.equal(sizes.length, 1, 'the page loads site.css once');
  // Only headers crossed the wire (a few hundred bytes), not the file.
  assert.ok(sizes[0] > 0 && sizes[0] < 1000 && before.length > 5000, `site.css revalidated: ${sizes[0]} bytes transferred for a ${before.length}-byte file`);
  assert.deepEqual(problems, []);
  await page.close();

  edit('themes/default/static/css/site.css', '\n', '\n/* 304 test */\n');
  let changed;
  for (let i = 0; i < 200 && !changed; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const response = await fetch(css, { headers: { 'If-None-Match': tag } });
    if (response.status === 200) changed = response;
  }
  assert.ok(changed, 'after the edit, the old tag no longer matches');
  assert.notEqual(changed.headers.get('etag'), tag);
  const after = await changed.text();
  assert.ok(after.includes('/* 304 test */') && after !== before);
  assert.equal((await fetch(js, { headers: { 'If-None-Match': jsTag } })).status, 304, 'an unchanged file keeps its tag');
});
