// Search through the real page, in headless Chromium, from file:// and from
// a local server: the query set in tests/search_queries.json must reach its
// targets (precision@1 ≥ 0.95, recall@3 ≥ 0.97), and the box must behave:
// "/" focuses it, nothing loads before the reader searches, results as you
// type with highlighted snippets, arrow keys and Enter, number jumps, no
// request outside the site, no CSP violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import http from 'node:http';
import path from 'node:path';
import { launch, pageUrl, forbidNetwork, SITE } from './helpers.mjs';
import { runQuery, score } from './search-eval.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const { queries } = JSON.parse(readFileSync(new URL('../search_queries.json', import.meta.url), 'utf8'));

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function openPage(url) {
  const page = await browser.newPage();
  const offending = forbidNetwork(page);
  const requests = [];
  const problems = [];
  page.on('request', (req) => requests.push(req.url()));
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(`console: ${msg.text()}`);
  });
  // Chromium asks a server for /favicon.ico on its own; the site has none.
  page.on('response', (res) => {
    if (res.status() >= 400 && !res.url().endsWith('/favicon.ico')) problems.push(`${res.status()}: ${res.url()}`);
  });
  page.on('requestfailed', (req) => problems.push(`failed: ${req.url()}`));
  await page.goto(url);
  return { page, offending, requests, problems };
}

test('the query set reaches its targets through the page, from file://', async () => {
  assert.ok(queries.length >= 40, 'at least 40 queries');
  const { page, offending, problems } = await openPage(pageUrl('indicators/14/'));
  const ranked = [];
  for (const q of queries) ranked.push(await runQuery(page, q.q));
  const { precisionAt1, recallAt3, misses } = score(queries, ranked);
  console.log(`search query set: n=${queries.length} precision@1=${precisionAt1.toFixed(3)} recall@3=${recallAt3.toFixed(3)}`);
  const holdout = queries.map((q, i) => [q, ranked[i]]).filter(([q]) => q.holdout);
  const h = score(holdout.map(([q]) => q), holdout.map(([, r]) => r));
  console.log(`  of which holdout (never tuned on): n=${holdout.length} precision@1=${h.precisionAt1.toFixed(3)} recall@3=${h.recallAt3.toFixed(3)}`);
  for (const miss of misses) console.log(`  miss: ${miss}`);
  assert.ok(precisionAt1 >= 0.95, `precision@1 ${precisionAt1}`);
  assert.ok(recallAt3 >= 0.97, `recall@3 ${recallAt3}`);
  assert.deepEqual(offending, []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('nothing loads until the reader searches; "/" focuses the box', async () => {
  const { page, offending, requests, problems } = await openPage(pageUrl(''));
  const searchFiles = () => requests.filter((u) => /search-(index|engine)\.js$/.test(u));
  assert.deepEqual(searchFiles(), [], 'index and engine are not loaded with the page');
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.matches('input[type=search]')), true);
  await page.waitForFunction(() => window.DUDAO_SEARCH_INDEX && window.DudaoSearchEngine);
  assert.equal(searchFiles().length, 2);
  // "/" typed into the box is text, not a shortcut.
  await page.keyboard.type('/');
  assert.equal(await page.inputValue('input[type=search]'), '/');
  for (const url of requests) {
    assert.ok(url.startsWith('file://'), url);
    assert.ok(path.resolve(new URL(url).pathname).startsWith(path.resolve(SITE)), `${url} is outside the site`);
  }
  assert.deepEqual(offending, []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('results come as you type, with marked hits, and the keyboard walks them', async () => {
  const { page, problems } = await openPage(pageUrl('rubrics/annex-1/'));
  await page.click('input[type=search]');
  await page.keyboard.type('3名考评员签字');
  await page.waitForFunction(() => document.querySelector('[data-search-results]')?.dataset.query === '3名考评员签字');
  const first = await page.$eval('[data-search-results] a', (a) => ({
    key: a.dataset.key,
    href: a.getAttribute('href'),
    marks: [...a.querySelectorAll('.search-result-snippet mark')].map((m) => m.textContent),
    meta: a.querySelector('.search-result-meta').textContent,
  }));
  assert.equal(first.key, 'row:annex-1/assessment-work');
  assert.equal(first.href, '../../rubrics/annex-1/index.html#c-score-sheets');
  assert.ok(first.marks.join('').includes('考评员签字'), first.marks.join('|'));
  assert.match(first.meta, /附件1/);
  assert.equal(await page.isVisible('[data-search-results]'), true);

  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.key), 'row:annex-1/assessment-work');
  await page.keyboard.press('ArrowDown');
  const second = await page.evaluate(() => ({ key: document.activeElement?.dataset.key, href: document.activeElement?.href }));
  assert.notEqual(second.key, 'row:annex-1/assessment-work');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.evaluate(() => document.activeElement?.matches('input[type=search]')), true);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.equal(page.url(), second.href, 'Enter opened the second result');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a number jumps to its indicator, and the target anchor exists', async () => {
  const { page, problems } = await openPage(pageUrl('notice/'));
  for (const [query, target] of [['14', 'indicators/14/index.html'], ['第8项', 'indicators/8/index.html']]) {
    await page.click('input[type=search]');
    await runQuery(page, query);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(page.url(), pageUrl(target));
  }
  // A criterion result lands on its row of the rubric table.
  await runQuery(page, '题库管理系统');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.match(page.url(), /rubrics\/annex-2\/index\.html#c-bank-system$/);
  assert.equal(await page.locator('#c-bank-system').count(), 1);
  assert.deepEqual(problems, []);
  await page.close();
});

test('every result of the query set links to a page and anchor that exist', async () => {
  const { page } = await openPage(pageUrl(''));
  const hrefs = new Set();
  for (const q of queries) {
    await runQuery(page, q.q);
    for (const href of await page.$$eval('[data-search-results] a', (as) => as.map((a) => a.href))) hrefs.add(href);
  }
  for (const href of hrefs) {
    const url = new URL(href);
    const html = readFileSync(url.pathname, 'utf8');
    if (url.hash) assert.ok(html.includes(`id="${decodeURIComponent(url.hash.slice(1))}"`), `${href}: no such anchor`);
  }
  await page.close();
});

test('no match and hostile text show a message, never markup', async () => {
  const { page, problems } = await openPage(pageUrl(''));
  await page.click('input[type=search]');
  const hostile = '<img src=x onerror="window.pwned=1">量子';
  assert.deepEqual(await runQuery(page, hostile), []);
  assert.equal(await page.locator('[data-search] img').count(), 0);
  assert.match(await page.textContent('.search-status'), /没有找到/);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  await page.keyboard.press('Escape');
  assert.equal(await page.inputValue('input[type=search]'), '');
  assert.equal(await page.isVisible('[data-search-results]'), false);
  assert.deepEqual(problems, []);
  await page.close();
});

test('search works from a server too, under the same CSP', async () => {
  const server = http.createServer((req, res) => {
    const file = path.join(SITE, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    try {
      const body = readFileSync(file.endsWith('/') ? path.join(file, 'index.html') : file);
      const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'text/html';
      res.writeHead(200, { 'content-type': `${type}; charset=utf-8` });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { page, offending, problems } = await openPage(`http://127.0.0.1:${server.address().port}/groups/5/index.html`);
    assert.deepEqual((await runQuery(page, '考评员')).slice(0, 1), ['indicator:10']);
    assert.deepEqual(offending, []);
    assert.deepEqual(problems, []);
    await page.screenshot({ path: path.resolve('target/search-results.png') });
    await page.close();
  } finally {
    server.close();
  }
});

test('axe-core finds no serious or critical violation with the results open', async () => {
  const { page, problems } = await openPage(pageUrl('indicators/10/'));
  await page.click('input[type=search]');
  await runQuery(page, '考评员');
  assert.deepEqual(problems, []);
  // Injected through the DevTools protocol, so the page's CSP does not apply.
  // (axe then reads the stylesheets by XHR, which file:// refuses: noise.)
  await page.evaluate(AXE);
  const results = await page.evaluate(() => globalThis.axe.run(document.querySelector('[data-search]'), { resultTypes: ['violations'] }));
  const bad = results.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`), []);
  await page.close();
});
