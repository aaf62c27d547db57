// Phone-first scoring (issue 12): the assess pages on a 390×844 touch
// screen. Item 1 is on the first screen; the compact score bar (total, band,
// progress, 下一未评项) stays in sight down to the last item; 下一未评项
// focuses the right row; a 1-point 基本符合 is prefilled with its only legal
// score; an empty form says 未开始, not 不合格; a refused export is on screen
// and the field at fault focused; no keyboard hint on a touch screen; axe
// finds no serious or critical violation at this width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { launch, pageUrl, forbidNetwork } from './helpers.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const ASSESS = 'rubrics/annex-1/assess/';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function open(relative) {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const network = forbidNetwork(page);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pageUrl(relative));
  return { page, context, network, errors };
}

async function openAssess(relative = ASSESS) {
  const run = await open(relative);
  await run.page.waitForSelector('#assess-app[data-ready]');
  return run;
}

async function finish({ context, network, errors }) {
  await context.close();
  assert.deepEqual(errors, [], 'no script errors');
  assert.deepEqual(network, [], 'no network request');
}

/** The element's box relative to the viewport. */
const box = (page, selector) => page.$eval(selector, (el) => el.getBoundingClientRect().toJSON());
const inViewport = (r) => r.top >= 0 && r.bottom <= 844 && r.height > 0;
const focusedRow = (page) => page.evaluate(() => document.activeElement.closest('[data-criterion]')?.getAttribute('data-criterion') ?? null);

test('item 1 is on the first screen and an empty form says 未开始', async () => {
  const run = await openAssess();
  const { page } = run;
  const first = await box(page, '[data-criterion]');
  assert.ok(first.top < 844 - 60, `item 1 starts at ${first.top}px, below the first screen`);
  assert.equal(await page.getAttribute('[data-band]', 'data-band'), 'unstarted');
  assert.equal(await page.textContent('[data-band-label]'), '未开始');
  assert.doesNotMatch(await page.textContent('.scoreboard'), /不合格|移出/);
  // The first answer gives a provisional band.
  await page.check('[data-criterion] input[value="none"]');
  assert.equal(await page.getAttribute('[data-band]', 'data-band'), 'fail');
  await page.screenshot({ path: 'target/phone-assess-first-screen.png' });
  await finish(run);
});

test('tailor/assess/ on a phone: item 1 on the first screen, 未开始', async () => {
  const run = await open('tailor/');
  const { page } = run;
  await page.waitForSelector('#tailor-app:not([hidden])');
  await page.click('[data-action="assess"]');
  await page.waitForSelector('#assess-app[data-ready]');
  const first = await box(page, '[data-criterion]');
  assert.ok(first.top < 844 - 60, `item 1 starts at ${first.top}px, below the first screen`);
  assert.equal(await page.getAttribute('[data-band]', 'data-band'), 'unstarted');
  await finish(run);
});

test('the score bar stays in sight at the last item; 下一未评项 focuses the next unanswered row', async () => {
  const run = await openAssess();
  const { page } = run;
  const ids = await page.$$eval('[data-criterion]', (rows) => rows.map((r) => r.getAttribute('data-criterion')));
  await page.locator('[data-criterion]').last().scrollIntoViewIfNeeded();
  const bar = await box(page, '.scoreboard');
  assert.ok(bar.top >= 0 && bar.top < 5 && bar.bottom < 844 / 3, `score bar at ${JSON.stringify(bar)}`);
  for (const sel of ['[data-total]', '[data-band-label]', '[data-progress]', '[data-next-unanswered]']) {
    assert.ok(inViewport(await box(page, sel)), `${sel} is visible`);
  }
  await page.screenshot({ path: 'target/phone-assess-last-item.png' });

  // Items 1, 2 and 4 answered: from item 2, next is item 3; from there, item 5.
  for (const i of [0, 1, 3]) await page.check(`[data-criterion="${ids[i]}"] input[value="full"]`);
  await page.focus(`[data-criterion="${ids[1]}"] input[value="full"]`);
  await page.click('[data-next-unanswered]');
  assert.equal(await focusedRow(page), ids[2]);
  assert.ok(inViewport(await box(page, `[data-criterion="${ids[2]}"]`)));
  await page.click('[data-next-unanswered]');
  assert.equal(await focusedRow(page), ids[4]);
  assert.equal(await page.evaluate(() => document.activeElement.type), 'radio');
  // The focused row is not hidden under the bar.
  const row = await box(page, `[data-criterion="${ids[4]}"]`);
  assert.ok(row.top >= (await box(page, '.scoreboard')).bottom, 'the row is below the bar');
  await finish(run);
});

test('a 1-point 基本符合 is prefilled with 0.5; the row completes with a reason', async () => {
  const run = await openAssess();
  const { page } = run;
  const id = 'licences';
  assert.match(await page.textContent(`[data-criterion="${id}"] .criterion-points`), /\/ 1 分/);
  await page.check(`[data-criterion="${id}"] input[value="partial"]`);
  assert.equal(await page.inputValue(`[data-criterion="${id}"] [data-partial]`), '0.5');
  await page.fill(`[data-criterion="${id}"] [data-justification]`, '营业执照复印件未加盖公章');
  assert.match(await page.textContent('[data-answered]'), /已评 1 \//);
  assert.equal(await page.textContent(`[data-criterion="${id}"] [data-criterion-score]`), '0.5');
  assert.equal(await page.textContent('[data-total]'), '0.5');
  // A 3-point criterion has no single legal partial score: nothing is prefilled.
  await page.check('[data-criterion="plan"] input[value="partial"]');
  assert.equal(await page.inputValue('[data-criterion="plan"] [data-partial]'), '');
  await finish(run);
});

test('a refused export is on screen, announced, and the field at fault focused', async () => {
  const run = await openAssess();
  const { page } = run;
  await page.check('[data-criterion="plan"] input[value="partial"]');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.click('[data-action="export-json"]');
  const message = await box(page, '#assess-message');
  assert.ok(inViewport(message), `message at ${JSON.stringify(message)}`);
  assert.equal(await page.getAttribute('#assess-message', 'role'), 'alert');
  assert.match(await page.textContent('#assess-message'), /无法导出/);
  assert.equal(await focusedRow(page), 'plan');
  const field = await page.evaluate(() => document.activeElement.getBoundingClientRect().toJSON());
  assert.ok(inViewport(field), `focused field at ${JSON.stringify(field)}`);
  // A refused import: the message takes the focus.
  await page.setInputFiles('[data-action="import-json"]', { name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"nope"}') });
  await page.waitForFunction(() => /导入失败/.test(document.querySelector('#assess-message').textContent));
  assert.equal(await page.evaluate(() => document.activeElement.id), 'assess-message');
  assert.ok(inViewport(await box(page, '#assess-message')));
  await page.screenshot({ path: 'target/phone-assess-refused.png' });
  await finish(run);
});

test('no keyboard hint on a touch screen', async () => {
  const run = await open('index.html');
  assert.doesNotMatch(await run.page.getAttribute('#search-input', 'placeholder'), /按/);
  await finish(run);
  const desktop = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await desktop.goto(pageUrl('index.html'));
  assert.match(await desktop.getAttribute('#search-input', 'placeholder'), /按 \/ 键/);
  await desktop.close();
});

test('axe finds no serious or critical violation on the assess page at 390 px', async () => {
  const run = await openAssess();
  const { page } = run;
  await page.check('[data-criterion="plan"] input[value="partial"]');
  await page.click('[data-action="export-json"]');
  await page.evaluate(AXE);
  const results = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  const bad = results.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`), []);
  await finish(run);
});
