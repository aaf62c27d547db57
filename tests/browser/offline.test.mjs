// Offline use of a hosted site (docs/site.md, "Offline"): a copy of the
// project is built and served by a local HTTP server on 127.0.0.1; one visit
// installs the service worker and fills its cache; with the network off
// (context offline and the server closed) a rubric page, the search and an
// assess form that scores all work; after a rebuild with one change the
// page says 网站已更新，刷新后生效 and a reload shows the new content; a
// later rebuild with the switch off makes the installed worker remove itself.
// With [offline] enabled = false the build writes no sw.js and nothing
// registers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, appendFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { launch, forbidNetwork, BIN } from './helpers.mjs';
import { runQuery } from './search-eval.mjs';

const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.webmanifest': 'application/manifest+json', '.png': 'image/png', '.svg': 'image/svg+xml',
};

let browser;
let tmp;
before(async () => {
  browser = await launch();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'dudao-offline-'));
});
after(async () => {
  await browser?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function copyProject(name) {
  const project = path.join(tmp, name);
  for (const part of ['content', 'rubrics', 'themes', 'dudao.toml']) cpSync(part, path.join(project, part), { recursive: true });
  return project;
}

function build(project, out) {
  execFileSync(BIN, ['build', '--root', project, '--output', out], { stdio: 'pipe' });
}

/** Serves `dir` as it is at each request; counts the bytes it sends. */
function serve(dir, port = 0) {
  const stats = { bytes: 0, requests: 0 };
  const server = http.createServer((req, res) => {
    let file = path.join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (file.endsWith(path.sep)) file = path.join(file, 'index.html');
    try {
      const body = readFileSync(file);
      const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
      res.writeHead(200, { 'content-type': type.startsWith('text/') || type.includes('json') ? `${type}; charset=utf-8` : type });
      res.end(body);
      stats.bytes += body.length;
      stats.requests += 1;
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, stats, port: server.address().port })));
}

function stop(server) {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(resolve));
}

test('one visit caches the site; pages, search and the form work offline; a rebuild arrives', async () => {
  const project = copyProject('online');
  appendFileSync(path.join(project, 'dudao.toml'), '\nfooter = "页脚版本一"\n');
  const out = path.join(tmp, 'site');
  build(project, out);
  const worker = readFileSync(path.join(out, 'sw.js'), 'utf8');
  const listed = Object.keys(JSON.parse(/const MANIFEST = (.*); \/\/ dudao:manifest/.exec(worker)[1]).files);
  assert.ok(listed.includes('index.html') && listed.includes('static/search-index.js') && !listed.includes('sw.js'), 'precache list');

  let { server, stats, port } = await serve(out);
  const base = `http://127.0.0.1:${port}/`;
  const context = await browser.newContext();
  const page = await context.newPage();
  const offending = forbidNetwork(page);
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(base + 'index.html');
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const cached = await page.evaluate(async () => {
    const names = (await caches.keys()).filter((k) => k.startsWith('dudao-'));
    return { names, count: (await (await caches.open(names[0])).keys()).length };
  });
  assert.equal(cached.names.length, 1);
  assert.equal(cached.count, listed.length, 'every listed file is cached');
  console.log(`first visit: ${stats.requests} requests, ${stats.bytes} bytes (${listed.length} files precached)`);

  // The network goes away: the browser is offline and the server is gone.
  await context.setOffline(true);
  await stop(server);

  await page.goto(base + 'rubrics/annex-1/index.html');
  assert.match(await page.textContent('h1'), /评分表|附件/);

  await page.goto(base + 'groups/5/index.html');
  assert.deepEqual((await runQuery(page, '考评员')).slice(0, 1), ['indicator:10']);

  await page.goto(base + 'rubrics/annex-1/assess/index.html');
  await page.waitForSelector('#assess-app[data-ready]');
  const first = page.locator('[data-criterion]').first();
  await first.locator('input[value="full"]').check();
  assert.notEqual(await page.textContent('[data-total]'), '0');
  assert.match(await page.textContent('.site-footer'), /页脚版本一/);

  // Rebuild with one change; the network comes back on the same address.
  const old = readFileSync(path.join(out, 'sw.js'));
  rmSync(path.join(project, 'dudao.toml'));
  cpSync('dudao.toml', path.join(project, 'dudao.toml'));
  appendFileSync(path.join(project, 'dudao.toml'), '\nfooter = "页脚版本二"\n');
  build(project, out);
  assert.notDeepEqual(readFileSync(path.join(out, 'sw.js')), old, 'a change gives a new worker');
  ({ server, stats } = await serve(out, port));
  await context.setOffline(false);
  await page.goto(base + 'index.html');
  await page.waitForSelector('[data-site-updated]', { timeout: 20000 });
  assert.match(await page.textContent('[data-site-updated]'), /网站已更新，刷新后生效/);
  console.log(`update: ${stats.requests} requests, ${stats.bytes} bytes`);
  await page.reload();
  assert.match(await page.textContent('.site-footer'), /页脚版本二/);
  const names = await page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('dudao-')));
  assert.equal(names.length, 1, 'the old cache is deleted');

  // And offline again, the new version is what the cache serves.
  await context.setOffline(true);
  await stop(server);
  await page.goto(base + 'rubrics/annex-1/index.html');
  assert.match(await page.textContent('.site-footer'), /页脚版本二/);

  // Switched off later: the installed worker finds sw.js gone and removes itself.
  rmSync(path.join(project, 'dudao.toml'));
  cpSync('dudao.toml', path.join(project, 'dudao.toml'));
  appendFileSync(path.join(project, 'dudao.toml'), '\nfooter = "页脚版本三"\n[offline]\nenabled = false\n');
  build(project, out);
  assert.equal(existsSync(path.join(out, 'sw.js')), false);
  ({ server } = await serve(out, port));
  await context.setOffline(false);
  await page.goto(base + 'index.html');
  // (waitForFunction would take the returned promise for a truthy answer.)
  const retired = () => page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length === 0
    && (await caches.keys()).every((k) => !k.startsWith('dudao-')));
  // Each page load checks (the first may still run before the browser is back online).
  for (let i = 0; i < 20 && !(await retired()); i++) {
    await page.waitForTimeout(250);
    await page.goto(base + 'index.html');
  }
  assert.ok(await retired(), 'the worker unregistered and its caches are gone');
  await page.goto(base + 'rubrics/annex-1/index.html');
  assert.match(await page.textContent('.site-footer'), /页脚版本三/);
  assert.deepEqual(await page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('dudao-'))), []);
  await stop(server);

  assert.deepEqual(offending, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('with [offline] enabled = false there is no worker, no manifest, and nothing registers', async () => {
  const project = copyProject('off');
  appendFileSync(path.join(project, 'dudao.toml'), '\n[offline]\nenabled = false\n');
  const out = path.join(tmp, 'site-off');
  build(project, out);
  assert.equal(existsSync(path.join(out, 'sw.js')), false);
  assert.equal(existsSync(path.join(out, 'manifest.webmanifest')), false);
  assert.doesNotMatch(readFileSync(path.join(out, 'index.html'), 'utf8'), /rel="manifest"/);
  const { server, port } = await serve(out);
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/index.html`);
    await page.waitForLoadState('load');
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length), 0);
    await context.close();
  } finally {
    await stop(server);
  }
});
