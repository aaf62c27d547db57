// The workspace (评估工作台, assessments/) and self-contained assessment
// files in headless Chromium from file://: export on one profile and open
// in a fresh one, a rubric this site lacks, team merge with conflicts,
// photos through export/import/merge into the printed report, refused
// files that change nothing, migration of the version-1 localStorage keys,
// and axe on the new pages. Each test uses its own browser context, i.e. its
// own empty IndexedDB.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { BIN, launch, pageUrl, forbidNetwork } from './helpers.mjs';

const require = createRequire(import.meta.url);
const AXE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
const S = require('../../themes/default/static/js/scoring.js');
const X = require('../../themes/default/static/js/exchange.js');
const M = require('../../themes/default/static/js/tailor-model.js');

const project = JSON.parse(execFileSync(BIN, ['dump'], { encoding: 'utf8' }));
const RUBRIC = project.rubrics.find((r) => r.id === 'annex-1');
const criteria = S.flatten(RUBRIC);
const ASSESS = 'rubrics/annex-1/assess/';
const WORKSPACE = 'assessments/';

let browser;
let tmp;
before(async () => {
  browser = await launch();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'dudao-workspace-'));
});
after(async () => { await browser?.close(); });

/** A fresh profile (own IndexedDB) on `rel`; collects dialogs, errors and network use. */
async function open(rel, ready = '#assess-app[data-ready]') {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const run = { context, page, network: forbidNetwork(page), dialogs: [], errors: [] };
  page.on('dialog', (dialog) => {
    run.dialogs.push(dialog.message());
    dialog.type() === 'prompt' ? dialog.accept(run.promptAnswer ?? '') : dialog.accept();
  });
  page.on('pageerror', (e) => run.errors.push(e.message));
  await page.goto(pageUrl(rel));
  await page.waitForSelector(ready);
  return run;
}

async function finish({ context, network, errors }) {
  await context.close();
  assert.deepEqual(errors, [], 'no script errors');
  assert.deepEqual(network, [], 'no network request');
}

const saved = (page) => page.waitForSelector('#assess-app[data-ready]:not([data-saving])');

async function download(page, click) {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  const target = path.join(tmp, `${Date.now()}-${file.suggestedFilename()}`);
  await file.saveAs(target);
  return { name: file.suggestedFilename(), path: target, text: await readFile(target, 'utf8') };
}

/** Everything the form shows: header, each row's answer, photos, veto, total, band. */
const snapshot = (page) => page.evaluate(() => ({
  header: [...document.querySelectorAll('[data-header]')].map((el) => el.value),
  rows: [...document.querySelectorAll('[data-criterion]')].map((row) => {
    const status = row.querySelector('input[type="radio"]:checked')?.value ?? null;
    return [row.getAttribute('data-criterion'), status, status === 'partial' ? row.querySelector('[data-partial]').value : null,
      status === 'partial' ? row.querySelector('[data-justification]').value : null, row.querySelector('[data-notes]').value,
      row.querySelectorAll('img[data-photo-thumb]').length];
  }),
  veto: [...document.querySelectorAll('[data-veto]')].map((el) => el.checked),
  total: document.querySelector('[data-total]').textContent,
  band: document.querySelector('[data-band]').getAttribute('data-band'),
  title: document.querySelector('h1').textContent,
}));

/** A PNG of w×h made by the browser's canvas (a photo stand-in). */
async function makePng(page, w, h, name) {
  const b64 = await page.evaluate(([w, h]) => {
    const c = document.createElement('canvas');
    c.width = w;
    c.height = h;
    const g = c.getContext('2d');
    g.fillStyle = '#c33';
    g.fillRect(0, 0, w, h);
    g.fillStyle = '#33c';
    g.fillRect(w / 4, h / 4, w / 2, h / 2);
    return c.toDataURL('image/png').split(',')[1];
  }, [w, h]);
  const file = path.join(tmp, name);
  await writeFile(file, Buffer.from(b64, 'base64'));
  return file;
}

async function addPhoto(page, criterion, file) {
  const before = await page.locator(`[data-criterion="${criterion}"] img[data-photo-thumb]`).count();
  await page.setInputFiles(`[data-criterion="${criterion}"] input[type=file][data-photo]`, file);
  await page.waitForFunction(([c, n]) => document.querySelectorAll(`[data-criterion="${c}"] img[data-photo-thumb]`).length > n, [criterion, before]);
  await saved(page);
}

/** The workspace page's message after an action, waiting for it to change. */
async function wsMessage(page, act) {
  await page.$eval('#workspace-message', (el) => { el.hidden = true; el.textContent = ''; });
  await act();
  await page.waitForFunction(() => !document.querySelector('#workspace-message').hidden);
  return page.$eval('#workspace-message', (el) => ({ text: el.textContent, kind: el.getAttribute('data-kind') }));
}

const listed = (page) => page.$$eval('[data-assessment-id]', (els) => els.map((el) => el.getAttribute('data-assessment-id')));

async function scoreSample(page) {
  await page.fill('[data-assessor]', '张三');
  await page.fill('[data-header="被督导机构名称"]', '某市职业技能评价中心');
  await page.fill('[data-header="督导日期"]', '2025-03-18');
  for (const c of criteria) await page.check(`[data-criterion="${c.id}"] input[value="full"]`);
  await page.check('[data-criterion="plan"] input[value="partial"]');
  await page.fill('[data-criterion="plan"] [data-partial]', '2.5');
  await page.fill('[data-criterion="plan"] [data-justification]', '方案缺少应急预案');
  await page.check('[data-criterion="licences"] input[value="none"]');
  await saved(page);
}

test('a scored 附件1 exported on one profile opens identically, photo included, in a fresh profile', async () => {
  const a = await open(ASSESS);
  await scoreSample(a.page);
  const big = await makePng(a.page, 3200, 2400, 'big.png');
  await addPhoto(a.page, 'plan', big);
  const stored = await a.page.evaluate(async () => {
    const [s] = await DudaoWorkspace.list();
    const doc = await DudaoWorkspace.get(s.id);
    const p = Object.values(doc.photos)[0];
    return { width: p.width, height: p.height, type: p.blob.type, by: doc.answers.plan.by, assessors: doc.assessors };
  });
  assert.deepEqual(stored, { width: 1600, height: 1200, type: 'image/jpeg', by: '张三', assessors: ['张三'] }, 'downscaled to a long side of 1600 px, JPEG');
  const before = await snapshot(a.page);
  assert.equal(before.total, '98.5');
  const file = await download(a.page, () => a.page.click('[data-action="export-json"]'));
  const data = JSON.parse(file.text);
  assert.equal(data.version, 2);
  assert.deepEqual(data.rubric, RUBRIC);
  assert.equal(Object.keys(data.photos).length, 1);
  assert.equal(data.answers.plan.by, '张三');
  await finish(a);

  const b = await open(WORKSPACE, '#workspace-app[data-ready]');
  const message = await wsMessage(b.page, () => b.page.setInputFiles('input[type=file][data-open-assessment]', file.path));
  assert.match(message.text, /已打开/);
  assert.deepEqual(await listed(b.page), [data.id], 'kept its id');
  assert.match(await b.page.textContent(`[data-assessment-id="${data.id}"] [data-assessment-total]`), /^98\.5 \/ 100$/);
  await b.page.click(`[data-assessment-id="${data.id}"] a.button-primary`);
  await b.page.waitForSelector('#assess-app[data-ready]');
  assert.match(b.page.url(), /rubrics\/annex-1\/assess\/index\.html#assessment=/);
  assert.deepEqual(await snapshot(b.page), before);
  await finish(b);
});

/** A bundled rubric made foreign: new title, hash recomputed (what a tailored rubric looks like). */
function foreignRubric() {
  const rubric = structuredClone(RUBRIC);
  rubric.title = '某省定制现场督导评分表';
  rubric.content_hash = M.contentHash(rubric);
  return rubric;
}

test('a file for a rubric this site lacks opens on the generic form and can be scored', async () => {
  const rubric = foreignRubric();
  const state = X.emptyState(rubric);
  state.answers.licences = { status: 'full', by: '李四' };
  const data = X.toExport(rubric, state, '2025-03-18T08:00:00.000Z', { assessors: ['李四'] }).data;
  const file = path.join(tmp, 'foreign.json');
  await writeFile(file, JSON.stringify(data));

  const run = await open(WORKSPACE, '#workspace-app[data-ready]');
  const { page } = run;
  await wsMessage(page, () => page.setInputFiles('[data-open-assessment]', file));
  assert.match(await page.textContent(`[data-assessment-id="${data.id}"]`), /本评分表的其他版本/);
  await page.click(`[data-assessment-id="${data.id}"] a.button-primary`);
  await page.waitForSelector('#assess-app[data-ready]');
  assert.match(page.url(), /assessments\/form\/index\.html#assessment=/);
  assert.match(await page.textContent('h1'), /某省定制现场督导评分表/);
  assert.equal(await page.textContent('[data-total]'), '1');
  await page.check('[data-criterion="plan"] input[value="full"]');
  await saved(page);
  await page.reload();
  await page.waitForSelector('#assess-app[data-ready]');
  assert.equal(await page.textContent('[data-total]'), '4');

  await page.evaluate(AXE);
  const results = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  const bad = results.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  assert.deepEqual(bad.map((v) => v.id), [], 'axe on the generic form');
  await finish(run);
});
