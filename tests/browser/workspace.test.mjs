// The workspace (评估工作台, assessments/) and self-contained assessment
// files in headless Chromium from file://: export on one profile and open
// in a fresh one, a rubric this site lacks, team merge with conflicts,
// photos through export/import/merge into the printed report, refused
// files that change nothing, migration of the version-1 localStorage keys,
// and axe on the new pages. Each test uses its own browser context, i.e. its
// own empty IndexedDB.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
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
after(async () => {
  await browser?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

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

test('the generic form refuses an assessment this browser does not have, says so and links back', async () => {
  const run = await open('assessments/form/', '[data-form-missing]');
  const { page } = run;
  const message = page.locator('[data-form-missing]');
  assert.equal(await message.textContent(), '没有指定要打开的评估：请从评估工作台点击“打开”。 返回评估工作台');
  await page.goto('about:blank');
  await page.goto(pageUrl('assessments/form/') + '#assessment=a-missing-1');
  await page.waitForSelector('[data-form-missing]');
  assert.equal(await message.getAttribute('role'), 'alert');
  assert.equal(await message.getAttribute('data-kind'), 'error');
  assert.equal(await message.textContent(), '本机没有编号为 a-missing-1 的评估（可能已被删除）。 返回评估工作台');
  assert.equal(await message.locator('a').getAttribute('href'), '../index.html');
  // The form never started: its frame is renamed and hidden.
  assert.equal(await page.$('#assess-app'), null);
  assert.equal(await page.locator('.assess-body').first().isHidden(), true);
  await finish(run);
});

test('the list marks 合格, the band the notice does not name, with its [编者注]; 优良 and 不合格 stand unmarked', async () => {
  const files = {};
  for (const [name, count] of [['pass', 0], ['excellent', criteria.length], ['fail', 0]]) {
    const state = X.emptyState(RUBRIC);
    state.header['被督导机构名称'] = `${name} 机构`;
    criteria.forEach((c, i) => { state.answers[c.id] = { status: i < count || name === 'pass' ? 'full' : 'none' }; });
    if (name === 'pass') {
      for (const c of criteria) {
        if (S.evaluate(RUBRIC, state).band.id === 'pass') break;
        state.answers[c.id] = { status: 'none' };
      }
    }
    const data = X.toExport(RUBRIC, state, '2025-03-18T08:00:00.000Z').data;
    assert.equal(data.totals.band, name);
    files[name] = data.id;
    const file = path.join(tmp, `band-${name}.json`);
    await writeFile(file, JSON.stringify(data));
  }
  const run = await open(WORKSPACE, '#workspace-app[data-ready]');
  const { page } = run;
  for (const name of Object.keys(files)) await wsMessage(page, () => page.setInputFiles('[data-open-assessment]', path.join(tmp, `band-${name}.json`)));
  const band = (name) => page.textContent(`[data-assessment-id="${files[name]}"] [data-assessment-band]`);
  assert.equal(await band('pass'), '合格[编者注]');
  assert.equal(await page.getAttribute(`[data-assessment-id="${files.pass}"] [data-assessment-band] .ours-mark`, 'href'), '#band-note');
  assert.equal(await band('excellent'), '优良');
  assert.equal(await band('fail'), '不合格');
  assert.match(await page.textContent('#band-note'), /编者注 · dudao 通知只规定两档结果：“≥ 85 分为优良”“<60 分为不合格”。“合格”是 dudao 对两者之间得分的称呼/);
  await finish(run);
});

/** An export of `who` answering `list` as `status` (an assessment scored on their phone). */
function supervisorFile(who, list, status, extra) {
  const state = X.emptyState(RUBRIC);
  state.header['被督导机构名称'] = '某市职业技能评价中心';
  for (const c of list) state.answers[c.id] = { status, by: who, at: '2025-03-18T02:00:00.000Z' };
  const meta = { assessors: [who], photos: {} };
  if (extra) extra(state, meta);
  const data = X.toExport(RUBRIC, state, '2025-03-18T08:00:00.000Z', meta).data;
  return data;
}

test('team merge: disjoint stages united, an overlap gives exactly two conflicts, photos carried into the printed report', async () => {
  const run = await open(WORKSPACE, '#workspace-app[data-ready]');
  const { page } = run;
  const photo = (await readFile(await makePng(page, 40, 30, 'evidence.png'))).toString('base64');
  const before = criteria.filter((c) => c.stage.id === 'before');
  const rest = criteria.filter((c) => c.stage.id !== 'before');
  const [x, y] = [before[0], rest[0]];
  const files = [
    supervisorFile('张三', before, 'full', (state, meta) => {
      state.answers[x.id].photos = ['p-1'];
      meta.photos['p-1'] = { type: 'image/png', width: 40, height: 30, bytes: Buffer.from(photo, 'base64').length, caption: '证照', data: photo };
    }),
    supervisorFile('李四', rest, 'full'),
    supervisorFile('王五', [x, y], 'none'),
  ];
  const paths = [];
  for (const [i, data] of files.entries()) {
    paths.push(path.join(tmp, `team-${i}.json`));
    await writeFile(paths.at(-1), JSON.stringify(data));
  }
  await wsMessage(page, () => page.setInputFiles('input[type=file][multiple][data-merge]', paths));
  const conflicts = await page.$$eval('[data-conflict]', (els) => els.map((el) => [el.getAttribute('data-conflict'), el.querySelectorAll('input[type=radio]').length]));
  assert.deepEqual(conflicts, [[x.id, 2], [y.id, 2]]);
  assert.deepEqual(await listed(page), [], 'nothing stored before the decisions');

  const refused = await wsMessage(page, () => page.click('[data-merge-save]'));
  assert.equal(refused.kind, 'error');
  assert.match(refused.text, /还有 2 处未选定/);
  await page.check(`[data-conflict="${x.id}"] input[type=radio] >> nth=1`);
  assert.match((await wsMessage(page, () => page.click('[data-merge-save]'))).text, /还有 1 处未选定/);
  await page.check(`[data-conflict="${y.id}"] input[type=radio] >> nth=0`);
  const done = await wsMessage(page, () => page.click('[data-merge-save]'));
  const expected = 100 - x.halves / 2;
  assert.match(done.text, new RegExp(`已合并并保存.*总分 ${expected} 分`));
  const [id] = await listed(page);
  const doc = await page.evaluate((id) => DudaoWorkspace.get(id).then((d) => ({ by: [d.answers[Object.keys(d.answers)[0]].by], merged: d.merged_from.length, assessors: d.assessors, photos: Object.keys(d.photos) })), id);
  assert.deepEqual(doc, { by: ['王五'], merged: 3, assessors: ['张三', '李四', '王五'], photos: ['p-1'] });

  await page.click(`[data-assessment-id="${id}"] a.button-primary`);
  await page.waitForSelector('#assess-app[data-ready]');
  assert.equal(await page.textContent('[data-total]'), String(expected));
  assert.equal(await page.locator(`[data-criterion="${x.id}"] img[data-photo-thumb]`).count(), 1, 'the photo came through the merge');

  // The merged result exports with its photo, and prints it.
  const exported = JSON.parse((await download(page, () => page.click('[data-action="export-json"]'))).text);
  assert.equal(exported.photos['p-1'].data, photo);
  assert.equal(exported.merged_from.length, 3);
  await page.goto(page.url().split('#')[0] + '#report');
  await page.waitForSelector('img[data-report-photo]');
  await page.emulateMedia({ media: 'print' });
  const pdf = path.join(tmp, 'merged-report.pdf');
  await page.pdf({ path: pdf, format: 'A4' });
  const images = execFileSync('pdfimages', ['-list', pdf], { encoding: 'utf8' }).trim().split('\n').slice(2);
  assert.ok(images.some((line) => /\s40\s+30\s/.test(line)), `the 40×30 photo is in the printed report:\n${images.join('\n')}`);
  assert.match(execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }), /照片证据/);
  await finish(run);
});

test('hostile files are refused in the workspace with a Chinese reason, and nothing stored changes', async () => {
  const run = await open(ASSESS);
  const { page } = run;
  await scoreSample(page);
  const good = JSON.parse((await download(page, () => page.click('[data-action="export-json"]'))).text);
  await page.goto(pageUrl(WORKSPACE));
  await page.waitForSelector('#workspace-app[data-ready]');
  const stored = () => page.evaluate(async () => {
    const list = await DudaoWorkspace.list();
    return Promise.all(list.map(async (s) => JSON.stringify(await DudaoWorkspace.get(s.id))));
  });
  const before = await stored();
  assert.equal(before.length, 1);

  const variant = (mutate) => {
    const copy = structuredClone(good);
    mutate(copy);
    return JSON.stringify(copy);
  };
  const big = path.join(tmp, 'big.json');
  // 50 MB + 1 of spaces after a valid start: refused for its size, not read.
  await writeFile(big, Buffer.alloc(50 * 1024 * 1024 + 1, 0x20));
  const cases = [
    ['tampered hash', variant((d) => { d.rubric.stages[0].groups[0].rows[0].criteria[0].text += '（改）'; }), /内容校验值（content_hash）不符/],
    ['invalid rubric', variant((d) => {
      d.rubric.stages[0].groups[0].rows[0].criteria[0].points = 0.3;
      d.rubric.content_hash = M.contentHash(d.rubric);
    }), /未通过检查（与 dudao check 相同的规则）/],
    ['not an assessment', JSON.stringify({ name: 'package', version: '1.0.0' }), /不是 dudao 导出的评估文件/],
    ['version as text', variant((d) => { d.version = '1'; }), /文件版本写成了文字“1”/],
    ['__proto__', JSON.stringify(good).replace('{', '{"__proto__": {"polluted": 1}, '), /无法识别的字段“__proto__”/],
    ['totals __proto__', JSON.stringify(good).replace('"totals":{', '"totals":{"__proto__":{"total":1},'), /合计与评分不一致/],
    ['deep nesting', JSON.stringify(good).replace('"totals":{', '"totals":{"x":' + '['.repeat(100000) + ']'.repeat(100000) + ','), /嵌套过深/],
  ];
  for (const [name, text, reason] of cases) {
    const file = path.join(tmp, `hostile-${name.replace(/\W+/g, '-')}.json`);
    await writeFile(file, text);
    const message = await wsMessage(page, () => page.setInputFiles('[data-open-assessment]', file));
    assert.equal(message.kind, 'error', name);
    assert.match(message.text, reason, name);
    assert.match(message.text, /本机保存的评估未作任何更改/, name);
    assert.deepEqual(await stored(), before, `${name}: storage unchanged`);
  }
  const message = await wsMessage(page, () => page.setInputFiles('[data-open-assessment]', big));
  assert.match(message.text, /文件过大.*最大 50 MB/);
  assert.deepEqual(await stored(), before, 'big file: storage unchanged');
  assert.equal(await page.evaluate(() => ({}).polluted), undefined);
  await finish(run);
});

test('a photo that is not an image is refused; removing one asks first', async () => {
  const run = await open(ASSESS);
  const { page } = run;
  const fake = path.join(tmp, 'not-a-photo.jpg');
  await writeFile(fake, 'this is text, not a JPEG');
  await page.setInputFiles('[data-criterion="plan"] input[data-photo]', fake);
  await page.waitForSelector('#assess-message[data-kind="error"]');
  assert.match(await page.textContent('#assess-message'), /“not-a-photo\.jpg”不是可识别的图片/);
  assert.equal(await page.locator('img[data-photo-thumb]').count(), 0);
  await addPhoto(page, 'plan', await makePng(page, 20, 20, 'small.png'));
  await page.click('[data-criterion="plan"] [data-photo-remove]');
  assert.match(run.dialogs.at(-1), /确定要删除这张照片吗/);
  assert.equal(await page.locator('img[data-photo-thumb]').count(), 0);
  await finish(run);
});

test('a photo\'s caption is edited under its thumbnail: saved, reopened, exported and printed in the 督导意见书', async () => {
  const run = await open(ASSESS);
  const { page } = run;
  await scoreSample(page);
  await addPhoto(page, 'plan', await makePng(page, 40, 30, 'IMG_0001.png'));
  const caption = page.locator('[data-criterion="plan"] input[data-photo-caption]');
  // The file's name stands until the supervisor writes a caption.
  assert.equal(await caption.inputValue(), 'IMG_0001');
  assert.equal(await caption.getAttribute('aria-label'), '第 4 项照片 1的说明');
  await caption.fill('实施方案首页 <缺考评员分工>');
  await caption.press('Tab');
  await saved(page);
  assert.equal(await page.getAttribute('[data-criterion="plan"] img[data-photo-thumb]', 'alt'), '第 4 项照片 1：实施方案首页 <缺考评员分工>');
  // The printed report (照片证据) says it under the photo.
  assert.equal(await page.textContent('[data-report-photos="plan"] figcaption'), '照片 1：实施方案首页 <缺考评员分工>');

  // Kept in the workspace: the page opened again shows it.
  await page.reload();
  await page.waitForSelector('#assess-app[data-ready]');
  await page.waitForSelector('[data-criterion="plan"] input[data-photo-caption]');
  assert.equal(await page.inputValue('[data-criterion="plan"] input[data-photo-caption]'), '实施方案首页 <缺考评员分工>');

  // Carried in the exported file, which the documents print.
  const file = await download(page, () => page.click('[data-action="export-json"]'));
  const data = JSON.parse(file.text);
  const [photo] = Object.values(data.photos);
  assert.equal(photo.caption, '实施方案首页 <缺考评员分工>');
  const out = path.join(tmp, 'caption-report');
  execFileSync(BIN, ['report', file.path, '--output', out]);
  const opinion = await readFile(path.join(out, '督导意见书-某市职业技能评价中心-2025-03-18.html'), 'utf8');
  assert.ok(opinion.includes('<figcaption>照片：实施方案首页 &lt;缺考评员分工&gt;</figcaption>'));
  await finish(run);
});

test('新建评估 keeps the old assessment; both are listed and each opens by #assessment=', async () => {
  const run = await open(ASSESS);
  const { page } = run;
  await page.fill('[data-header="被督导机构名称"]', '三月自评');
  await page.check('[data-criterion="licences"] input[value="full"]');
  await saved(page);
  await page.click('[data-action="new"]');
  assert.equal(await page.textContent('[data-total]'), '0');
  await page.fill('[data-header="被督导机构名称"]', '六月自评');
  await saved(page);
  await page.goto(pageUrl(WORKSPACE));
  await page.waitForSelector('#workspace-app[data-ready]');
  const ids = await listed(page);
  assert.equal(ids.length, 2);
  assert.match(await page.textContent('[data-assessment-list]'), /三月自评[\s\S]*/);
  // Rename, duplicate, delete (asks first).
  run.promptAnswer = '2025 年三月自评';
  const march = await page.evaluate(async () => (await DudaoWorkspace.list()).find((s) => s.header['被督导机构名称'] === '三月自评').id);
  await wsMessage(page, () => page.click(`[data-assessment-id="${march}"] [data-ws-action="rename"]`));
  assert.match(await page.textContent(`[data-assessment-id="${march}"] h3`), /2025 年三月自评/);
  await wsMessage(page, () => page.click(`[data-assessment-id="${march}"] [data-ws-action="duplicate"]`));
  assert.equal((await listed(page)).length, 3);
  assert.match(await page.textContent('[data-assessment-list]'), /2025 年三月自评 副本/);
  await wsMessage(page, () => page.click(`[data-assessment-id="${march}"] [data-ws-action="delete"]`));
  assert.match(run.dialogs.at(-1), /确定要删除评估“2025 年三月自评”吗/);
  assert.equal((await listed(page)).length, 2);
  assert.match(await page.textContent('[data-usage]'), /本机保存了 2 份评估/);
  const june = await page.evaluate(async () => (await DudaoWorkspace.list()).find((s) => s.header['被督导机构名称'] === '六月自评').id);
  await page.goto(pageUrl(ASSESS) + '#assessment=' + june);
  await page.waitForSelector('#assess-app[data-ready]');
  assert.equal(await page.inputValue('[data-header="被督导机构名称"]'), '六月自评');
  await page.evaluate(AXE);
  await page.goto(pageUrl(WORKSPACE));
  await page.waitForSelector('#workspace-app[data-ready]');
  await page.evaluate(AXE);
  const results = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  assert.deepEqual(results.violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => v.id), [], 'axe on a filled workspace');
  await finish(run);
});

test('version-1 localStorage entries are migrated once, left in place, superseded versions kept visible', async () => {
  const run = await open(WORKSPACE, '#workspace-app[data-ready]');
  const { page } = run;
  const current = { version: 1, rubric: { id: 'annex-1', content_hash: RUBRIC.content_hash }, saved_at: '2025-03-01T00:00:00.000Z', state: { header: { 被督导机构名称: '旧机构' }, answers: { licences: { status: 'full' } }, veto: {} } };
  const older = { version: 1, rubric: { id: 'annex-1', content_hash: 'sha256:' + '1'.repeat(64) }, saved_at: '2024-01-01T00:00:00.000Z', state: { header: {}, answers: {}, veto: {} } };
  await page.evaluate(([a, b]) => {
    localStorage.setItem('dudao.assessment.annex-1', JSON.stringify(a));
    localStorage.setItem('dudao.assessment.annex-1.previous', JSON.stringify(b));
  }, [current, older]);
  const message = await wsMessage(page, () => page.reload());
  assert.match(message.text, /另有 1 份旧版保存的评估，其评分表不在本站/);
  const ids = await listed(page);
  assert.equal(ids.length, 1);
  assert.match(await page.textContent('[data-assessment-list]'), /旧机构[\s\S]*从旧版本地存储自动迁移/);
  await page.reload();
  await page.waitForSelector('#workspace-app[data-ready]');
  assert.deepEqual(await listed(page), ids, 'migrated once');
  assert.equal(await page.evaluate(() => localStorage.length), 2, 'the old keys stay');
  await page.click(`[data-assessment-id="${ids[0]}"] a.button-primary`);
  await page.waitForSelector('#assess-app[data-ready]');
  assert.equal(await page.textContent('[data-total]'), '1');
  await finish(run);
});

test('two copies of the site (annex-1 edited in the second) share the storage and never drop an assessment (issue 16.6)', async () => {
  const { cp, mkdir } = await import('node:fs/promises');
  const project = path.join(tmp, 'copy-v2');
  await mkdir(project, { recursive: true });
  for (const entry of ['content', 'rubrics', 'themes', 'dudao.toml']) await cp(path.resolve(entry), path.join(project, entry), { recursive: true });
  const yaml = path.join(project, 'rubrics', 'annex-1.yaml');
  await writeFile(yaml, (await readFile(yaml, 'utf8')).replace('等资料齐备。', '等资料齐备（第二版）。'));
  const siteV2 = path.join(tmp, 'site-v2');
  execFileSync(BIN, ['build', '--root', project, '--output', siteV2], { stdio: 'pipe' });
  const v2 = 'file://' + path.join(siteV2, 'rubrics/annex-1/assess/index.html');

  const run = await open(ASSESS);
  const { page } = run;
  const type = async (org) => {
    await page.fill('[data-header="被督导机构名称"]', org);
    await saved(page);
  };
  await type('A');
  await page.goto(v2);
  await page.waitForSelector('#assess-app[data-ready]');
  assert.equal(await page.inputValue('[data-header="被督导机构名称"]'), '', 'v2 does not apply answers made for another version');
  assert.match(await page.textContent('#assess-message'), /另有 1 份基于本评分表其他版本的评估，已完整保留/);
  await type('B');
  await page.goto(pageUrl(ASSESS));
  await page.waitForSelector('#assess-app[data-ready]');
  assert.equal(await page.inputValue('[data-header="被督导机构名称"]'), 'A', 'v1 reopens its own assessment');
  await page.goto(v2);
  await page.waitForSelector('#assess-app[data-ready]');
  assert.equal(await page.inputValue('[data-header="被督导机构名称"]'), 'B');
  await page.goto(pageUrl(WORKSPACE));
  await page.waitForSelector('#workspace-app[data-ready]');
  const orgs = await page.evaluate(async () => (await DudaoWorkspace.list()).map((s) => s.header['被督导机构名称']).sort());
  assert.deepEqual(orgs, ['A', 'B'], 'both kept, both listed');
  await finish(run);
});

test('without IndexedDB (some private modes) both pages say so and the form falls back to export', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  await context.addInitScript(() => Object.defineProperty(window, 'indexedDB', { value: undefined }));
  const page = await context.newPage();
  const errors = [];
  const dialogs = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => { dialogs.push(d.message()); d.accept(); });
  await page.goto(pageUrl(WORKSPACE));
  await page.waitForSelector('#workspace-app[data-ready]');
  assert.match(await page.textContent('[data-storage-unavailable]'), /不允许本站使用本机存储（IndexedDB）/);
  assert.equal(await page.isDisabled('[data-open-assessment]'), true);
  await page.goto(pageUrl(ASSESS));
  await page.waitForSelector('#assess-app[data-ready]');
  assert.match(await page.textContent('[data-saved]'), /不允许在本机保存评估.*请导出 JSON 文件/);
  await page.check('[data-criterion="licences"] input[value="full"]');
  const file = await download(page, () => page.click('[data-action="export-json"]'));
  assert.equal(JSON.parse(file.text).answers.licences.status, 'full');
  await page.click('[data-action="new"]');
  assert.match(dialogs[0], /不能在本机保存评估：新建将清空当前评估/);
  await page.setInputFiles('[data-action="import-json"]', file.path);
  await page.waitForFunction(() => document.querySelector('[data-total]').textContent === '1');
  await context.close();
  assert.deepEqual(errors, []);
});
