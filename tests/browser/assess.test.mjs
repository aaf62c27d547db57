// End-to-end tests of the self-assessment page (rubrics/ID/assess/) in
// headless Chromium, from file:// and over a localhost server, driven
// through the documented automation hooks (docs/assessment.md).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { SITE, BIN, launch, pageUrl, forbidNetwork } from './helpers.mjs';

const require = createRequire(import.meta.url);
const AXE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
const ASSESS = 'rubrics/annex-1/assess/';
const OTHER = JSON.parse(execFileSync(BIN, ['dump'], { encoding: 'utf8' })).rubrics.find((r) => r.id === 'annex-2');
/** Autosave is asynchronous (IndexedDB): wait until the last write landed. */
const saved = (page) => page.waitForSelector('#assess-app[data-ready]:not([data-saving])');

let browser;
let server;
let httpBase;
let tmp;

before(async () => {
  browser = await launch();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'dudao-assess-'));
  server = createServer(async (req, res) => {
    let file = path.join(SITE, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!file.startsWith(SITE)) return res.writeHead(403).end();
    if (file.endsWith('/')) file += 'index.html';
    try {
      const body = await readFile(file);
      const type = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' }[path.extname(file)] ?? 'application/octet-stream';
      res.writeHead(200, { 'content-type': type }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  httpBase = `http://127.0.0.1:${server.address().port}/`;
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** A fresh page (own storage) on the assess page; collects dialogs and network use. */
async function open(url = pageUrl(ASSESS)) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const network = forbidNetwork(page);
  const dialogs = [];
  const errors = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    dialog.accept();
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector('#assess-app[data-ready]');
  return { page, context, network, dialogs, errors };
}

async function finish({ context, network, errors }) {
  await context.close();
  assert.deepEqual(errors, [], 'no script errors');
  assert.deepEqual(network, [], 'no network request');
}

/** Criteria of the page in table order: [{id, points}]. */
const criteriaOf = (page) => page.$$eval('[data-criterion]', (rows) => rows.map((row) => ({
  id: row.getAttribute('data-criterion'),
  points: Number(row.querySelector('input[value="full"]').closest('label').textContent.match(/[\d.]+/)[0]),
})));

const total = (page) => page.$eval('[data-total]', (el) => el.textContent);
const band = (page) => page.$eval('[data-band]', (el) => el.getAttribute('data-band'));

async function choose(page, id, status) {
  await page.check(`[data-criterion="${id}"] input[value="${status}"]`);
}

async function partial(page, id, score, why = '材料不全，已说明') {
  await choose(page, id, 'partial');
  await page.fill(`[data-criterion="${id}"] [data-partial]`, String(score));
  await page.fill(`[data-criterion="${id}"] [data-justification]`, why);
}

/**
 * Scores every criterion so the total is 100 − `loss`, losing points only
 * through 基本符合 scores (never 不符合), as an assessor would near a boundary.
 */
async function scoreWithLoss(page, loss) {
  let remaining = loss;
  for (const c of await criteriaOf(page)) {
    if (remaining === 0 || c.points < 1) {
      await choose(page, c.id, 'full');
    } else if (remaining >= c.points - 0.5) {
      await partial(page, c.id, 0.5);
      remaining -= c.points - 0.5;
    } else {
      await partial(page, c.id, c.points - remaining);
      remaining = 0;
    }
  }
  assert.equal(remaining, 0);
}

/** Everything the assessor entered, as the page shows it. */
const snapshot = (page) => page.evaluate(() => ({
  header: [...document.querySelectorAll('[data-header]')].map((el) => el.value),
  rows: [...document.querySelectorAll('[data-criterion]')].map((row) => {
    const status = row.querySelector('input[type="radio"]:checked')?.value ?? null;
    return {
      id: row.getAttribute('data-criterion'),
      status,
      score: status === 'partial' ? row.querySelector('[data-partial]').value : null,
      why: status === 'partial' ? row.querySelector('[data-justification]').value : null,
      notes: row.querySelector('[data-notes]').value,
    };
  }),
  veto: [...document.querySelectorAll('[data-veto]')].map((el) => [el.checked, document.querySelector(`[data-veto-description="${el.getAttribute('data-veto')}"]`).value]),
  total: document.querySelector('[data-total]').textContent,
  band: document.querySelector('[data-band]').getAttribute('data-band'),
}));

async function download(page, action) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(`[data-action="${action}"]`)]);
  const target = path.join(tmp, `${Date.now()}-${file.suggestedFilename()}`);
  await file.saveAs(target);
  return { name: file.suggestedFilename(), path: target, text: await readFile(target, 'utf8') };
}

async function importFile(page, file) {
  // Clear the previous message so we wait for this import's own.
  await page.$eval('#assess-message', (el) => { el.hidden = true; });
  await page.setInputFiles('[data-action="import-json"]', file);
  await page.waitForFunction(() => !document.querySelector('#assess-message').hidden);
  return page.$eval('#assess-message', (el) => ({ text: el.textContent, kind: el.getAttribute('data-kind') }));
}

async function fillSample(page) {
  await page.fill('[data-header="被督导机构名称"]', '某市职业技能评价中心');
  await page.fill('[data-header="督导日期"]', '2025-03-18');
  for (const c of await criteriaOf(page)) await choose(page, c.id, 'full');
  await partial(page, 'plan', 2.5, '方案缺少突发事件应急预案');
  await choose(page, 'examiners-assigned', 'none');
  await page.click('[data-criterion="examiners-assigned"] summary');
  await page.fill('[data-criterion="examiners-assigned"] [data-notes]', '第 2 考场仅 2 名考评员，见照片 IMG_0412');
  await partial(page, 'safeguards', 0.5, '保障措施只有口头安排');
}

for (const [label, base] of [['file://', () => pageUrl(ASSESS)], ['http://127.0.0.1', () => httpBase + ASSESS]]) {
  test(`everything 符合 scores 100 and 优良 (${label})`, async () => {
    const run = await open(base());
    const { page } = run;
    assert.equal(await total(page), '0');
    assert.match(await page.textContent('[data-answered]'), /已评 0 \/ 42 项/);
    for (const c of await criteriaOf(page)) await choose(page, c.id, 'full');
    assert.equal(await total(page), '100');
    assert.equal(await band(page), 'excellent');
    assert.equal(await page.textContent('[data-band-label]'), '优良');
    assert.match(await page.textContent('[data-band-consequence]'), /可视情况给予表扬/);
    assert.match(await page.textContent('[data-answered]'), /已评 42 \/ 42 项/);
    assert.equal(await page.textContent('[data-stage-total="during"]'), '52');
    assert.equal(await page.textContent('[data-group-total="credit"]'), '3');
    await finish(run);
  });
}

test('boundary totals: 85 优良, 84.5 合格, 60 合格, 59.5 不合格', async () => {
  for (const [loss, expectedTotal, expectedBand, label] of [[15, '85', 'excellent', '优良'], [15.5, '84.5', 'pass', '合格'], [40, '60', 'pass', '合格'], [40.5, '59.5', 'fail', '不合格']]) {
    const run = await open();
    await scoreWithLoss(run.page, loss);
    assert.equal(await total(run.page), expectedTotal);
    assert.equal(await band(run.page), expectedBand, `${expectedTotal} → ${expectedBand}`);
    assert.equal(await run.page.textContent('[data-band-label]'), label);
    // 合格 is dudao's name for 60–84.5: marked beside the label, linking to the note on the page.
    assert.equal(await run.page.isVisible('.scoreboard [data-band-mark]'), label === '合格', `[编者注] beside ${label}`);
    assert.equal(await run.page.getAttribute('[data-band-mark]', 'href'), '#band-note');
    assert.match(await run.page.textContent('#band-note'), /“合格”（60 分至 85 分，不含 85 分）是 dudao 对两者之间得分的称呼/);
    assert.match(await run.page.textContent('[data-provisional]'), /评分已完成/);
    await finish(run);
  }
});

test('基本符合 takes a score strictly between 0 and the points, with a justification', async () => {
  const run = await open();
  const { page } = run;
  const score = '[data-criterion="plan"] [data-partial]';
  assert.equal(await page.isDisabled(score), true, 'disabled until 基本符合 is chosen');
  await choose(page, 'plan', 'partial');
  assert.equal(await page.isEnabled(score), true);
  assert.equal(await page.getAttribute(score, 'step'), '0.5');
  for (const bad of ['3', '0', '1.25']) {
    await page.fill(score, bad);
    assert.equal(await page.getAttribute(score, 'aria-invalid'), 'true', bad);
    assert.match(await page.textContent('[data-criterion="plan"] .problem'), /大于 0、小于 3 分|0\.5 分为单位/);
    assert.equal(await total(page), '0');
  }
  await page.fill(score, '2.5');
  assert.equal(await total(page), '2.5');
  assert.match(await page.textContent('[data-criterion="plan"] .problem'), /理由/);
  assert.match(await page.textContent('[data-answered]'), /已评 0 /, 'unjustified is not answered');
  await page.fill('[data-criterion="plan"] [data-justification]', '缺少应急预案');
  assert.match(await page.textContent('[data-answered]'), /已评 1 /);
  // Clearing returns the criterion to unanswered.
  await page.click('[data-criterion="plan"] [data-reset]');
  assert.equal(await page.$eval('[data-criterion="plan"]', (el) => el.getAttribute('data-status')), 'unanswered');
  assert.equal(await total(page), '0');
  assert.equal(await page.isDisabled(score), true);
  await finish(run);
});

test('the form works from the keyboard alone', async () => {
  const run = await open();
  const { page } = run;
  await page.focus('[data-header="被督导机构名称"]');
  await page.keyboard.type('键盘评估');
  // Tab through the header fields to the first criterion's radio group.
  let focused = '';
  for (let i = 0; i < 20 && !focused.startsWith('radio'); i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => `${document.activeElement.type}:${document.activeElement.closest('[data-criterion]')?.getAttribute('data-criterion')}`);
  }
  assert.equal(focused, 'radio:licences');
  await page.keyboard.press('Space');
  assert.equal(await total(page), '1');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.$eval('[data-criterion="licences"]', (el) => el.getAttribute('data-status')), 'none');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none', 'focus is visible');
  await finish(run);
});

test('a ticked veto item forces 不合格 at 100 points and the page says why', async () => {
  const run = await open();
  const { page } = run;
  for (const c of await criteriaOf(page)) await choose(page, c.id, 'full');
  assert.equal(await band(page), 'excellent');
  await page.check('[data-veto="serious-violation"]');
  await page.fill('[data-veto-description="serious-violation"]', '发现伪造报名资格材料 3 份');
  assert.equal(await total(page), '100');
  assert.equal(await band(page), 'fail');
  assert.equal(await page.textContent('[data-band-label]'), '不合格');
  assert.match(await page.textContent('[data-band-reason]'), /存在不合格项：“评价机构发生.*本次督导记为不合格，与得分无关/);
  // 记为不合格 is dudao's reading of the 不合格项: marked, and the mark leads to the note.
  assert.equal(await page.isVisible('[data-veto-mark]'), true);
  assert.match(await page.textContent('#veto-note'), /编者注 · dudao 出现“不合格项”所列任一情形的，dudao 的表单和导出文件把结果记为不合格，不论得分/);
  await page.goto(page.url().split('#')[0] + '#report');
  assert.match(await page.textContent('#report-body'), /发现伪造报名资格材料 3 份/);
  assert.match(await page.textContent('.report-facts'), /存在不合格项/);
  assert.equal(await page.getAttribute('.report-facts .veto-reason .ours-mark', 'href'), '#report-veto-note');
  assert.match(await page.textContent('#report-body #report-veto-note'), /dudao 的表单和导出文件把结果记为不合格/);
  // Every sentence of the verdict is marked: no second, unmarked 不合格 line beside the veto line.
  assert.equal(await page.$$eval('[data-needed]', (items) => items.length), 0);
  await page.click('[data-view-link="form"]');
  await page.uncheck('[data-veto="serious-violation"]');
  assert.equal(await band(page), 'excellent');
  assert.equal(await page.isVisible('[data-veto-mark]'), false);
  await finish(run);
});

test('answers survive a reload (the workspace, IndexedDB), per rubric', async () => {
  const run = await open();
  const { page } = run;
  await fillSample(page);
  await page.check('[data-veto="serious-violation"]');
  const before = await snapshot(page);
  await saved(page);
  await page.reload();
  await page.waitForSelector('#assess-app[data-ready]');
  assert.deepEqual(await snapshot(page), before);
  assert.match(await page.textContent('[data-saved]'), /已载入本机保存的评估/);
  // Another rubric's form starts empty.
  await page.goto(pageUrl('rubrics/annex-2/assess/'));
  await page.waitForSelector('#assess-app[data-ready]');
  assert.equal(await total(page), '0');
  await finish(run);
});

test('export → 新建评估 (keeps the old one) → import restores the assessment exactly', async () => {
  const run = await open();
  const { page, dialogs } = run;
  await fillSample(page);
  const before = await snapshot(page);
  const exported = await download(page, 'export-json');
  assert.match(exported.name, /^评估-annex-1-某市职业技能评价中心-\d{4}-\d\d-\d\d\.json$/);
  const data = JSON.parse(exported.text);
  assert.equal(data.format, 'dudao-assessment');
  assert.equal(data.version, 2);
  assert.equal(data.rubric.id, 'annex-1');
  assert.equal(data.rubric.title, '技能人才评价活动现场质量督导评分表', 'the whole rubric travels with the file');
  assert.match(data.rubric.content_hash, /^sha256:[0-9a-f]{64}$/);
  assert.equal(data.totals.total, Number(before.total));
  const { at, ...plan } = data.answers.plan;
  assert.deepEqual(plan, { status: 'partial', score: 2.5, justification: '方案缺少突发事件应急预案' });
  assert.ok(!Number.isNaN(Date.parse(at)), 'each answer records when it was set');

  await saved(page);
  await page.click('[data-action="new"]');
  assert.equal(dialogs.length, 0, 'nothing is lost, so nothing to ask');
  assert.match(await page.textContent('#assess-message'), /之前的评估已保存/);
  assert.equal(await total(page), '0');
  assert.equal(await page.inputValue('[data-header="被督导机构名称"]'), '');

  const message = await importFile(page, exported.path);
  assert.match(message.text, /已导入/);
  assert.deepEqual(await snapshot(page), before);
  await saved(page);
  await page.reload();
  await page.waitForSelector('#assess-app[data-ready]');
  assert.deepEqual(await snapshot(page), before, 'the import was autosaved');
  assert.equal(await page.evaluate(async () => (await DudaoWorkspace.list()).length), 2, 'the first and the imported assessment are both kept (the empty new one was never changed, so never stored)');
  await finish(run);
});

test('bad imports are refused with a Chinese reason and change nothing', async () => {
  const run = await open();
  const { page } = run;
  await fillSample(page);
  const good = JSON.parse((await download(page, 'export-json')).text);
  const before = await snapshot(page);
  await saved(page);
  const storedNow = () => page.evaluate(async () => JSON.stringify(await Promise.all((await DudaoWorkspace.list()).map((s) => DudaoWorkspace.get(s.id)))));
  const stored = await storedNow();

  const variant = (mutate) => {
    const copy = structuredClone(good);
    mutate(copy);
    return JSON.stringify(copy);
  };
  const annex2 = JSON.stringify({ ...good, rubric: OTHER });
  const cases = [
    ['malformed', '{"format": "dudao-assessment", "version": 1, ', /文件格式错误：不是有效的 JSON/],
    ['wrong rubric', annex2, /评分表“职业技能等级认定机构命题质量专项督导评分表”（示例）的评估，不能导入到当前评分表“技能人才评价活动现场质量督导评分表”/],
    ['wrong version', variant((d) => { d.version = 3; }), /不支持的文件版本 3/],
    ['out of range', variant((d) => { d.answers.plan.score = 3; }), /得分 3 超出范围/],
    ['tampered total', variant((d) => { d.totals.total = 100; }), /合计与评分不一致.*可能被修改过/],
    ['changed rubric', variant((d) => { d.rubric.content_hash = 'sha256:' + '0'.repeat(64); }), /内容校验值（content_hash）不符/],
    // Issue 16.7: a version as text, a totals nested 100,000 deep, a `__proto__` in totals.
    ['version as text', variant((d) => { d.version = '1'; }), /文件版本写成了文字“1”（带引号），应为数字/],
    ['deep totals', JSON.stringify(good).replace('"totals":{', '"totals":{"x":' + '['.repeat(100000) + ']'.repeat(100000) + ','), /嵌套过深（超过 64 层）/],
    ['totals __proto__', JSON.stringify(good).replace('"totals":{', '"totals":{"__proto__":{"total":1},'), /合计与评分不一致/],
  ];
  for (const [name, text, reason] of cases) {
    const file = path.join(tmp, `bad-${name.replace(/ /g, '-')}.json`);
    await writeFile(file, text);
    const message = await importFile(page, file);
    assert.equal(message.kind, 'error', name);
    assert.match(message.text, /^导入失败：/, name);
    assert.match(message.text, reason, name);
    assert.match(message.text, /当前评估未作任何更改/, name);
    assert.equal(await page.getAttribute('#assess-message', 'role'), 'alert');
    assert.deepEqual(await snapshot(page), before, `${name}: nothing changed`);
    assert.equal(await storedNow(), stored, `${name}: storage untouched`);
  }
  await finish(run);
});

test('export is held back until every 基本符合 has a valid score and reason', async () => {
  const run = await open();
  const { page } = run;
  await choose(page, 'plan', 'partial');
  let downloaded = false;
  page.on('download', () => { downloaded = true; });
  await page.click('[data-action="export-json"]');
  assert.match(await page.textContent('#assess-message'), /无法导出：.*第 4 项/);
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('data-partial')), '');
  assert.equal(downloaded, false);
  await finish(run);
});

test('CSV export: UTF-8 with BOM, one row per criterion, a 合计 row', async () => {
  const run = await open();
  const { page } = run;
  await fillSample(page);
  const csv = await download(page, 'export-csv');
  assert.match(csv.name, /\.csv$/);
  const bytes = await readFile(csv.path);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
  const lines = csv.text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
  assert.equal(lines[0], '序号,环节,一级指标,二级指标,关联指标,评分项编号,评分标准,分值,结论,得分,失分,理由,备注/证据');
  assert.equal(lines.length, 1 + 42 + 1);
  assert.match(lines.find((l) => l.includes(',plan,')), /^4,考前,评价方案,评价活动策划,14,plan,.*,3,基本符合,2\.5,0\.5,方案缺少突发事件应急预案,$/);
  assert.match(lines.find((l) => l.includes(',examiners-assigned,')), /,3,不符合,0,3,,第 2 考场仅 2 名考评员，见照片 IMG_0412$/);
  assert.equal(lines.at(-1), `合计,,,,,,,100,优良,${await total(page)},${100 - Number(await total(page))},,`);
  await finish(run);
});

test('gap report: lost points ranked, grouped by indicator, linked, with what is needed', async () => {
  const run = await open();
  const { page } = run;
  await fillSample(page);
  await page.click('[data-view-link="report"]');
  assert.equal(await page.isVisible('#view-report'), true);
  assert.equal(await page.isVisible('#view-form'), false);
  const ranked = await page.$$eval('[data-gap]', (rows) => rows.map((r) => [r.getAttribute('data-gap'), r.querySelector('td').textContent, r.querySelector('td.lost').textContent]));
  // examiners-assigned loses 3, plan 0.5, safeguards 0.5 (table order breaks the tie).
  assert.deepEqual(ranked.sort((a, b) => a[1] - b[1]), [['examiners-assigned', '1', '3'], ['plan', '2', '0.5'], ['safeguards', '3', '0.5']]);
  const groups = await page.$$eval('[data-gap-indicator]', (sections) => sections.map((s) => [s.getAttribute('data-gap-indicator'), s.querySelector('h4').textContent]));
  assert.deepEqual(groups.map((g) => g[0]), ['22', '14', '15']);
  assert.match(groups[0][1], /指标 22 .*失 3 分/);
  const href = await page.$eval('[data-gap-indicator="22"] h4 a', (a) => a.href);
  assert.equal(href, new URL('../../../indicators/22/index.html', page.url()).href);
  const report = await page.textContent('#report-body');
  assert.match(report, /某市职业技能评价中心/);
  assert.match(report, /理由：方案缺少突发事件应急预案/);
  assert.match(report, /备注\/证据：第 2 考场仅 2 名考评员/);
  // 合格 is dudao's name (the notice names 优良 and 不合格 only): marked, and the note is in the report.
  assert.match(report, /已达到合格\[编者注\]（≥ 60 分）/);
  assert.equal(await page.getAttribute('[data-needed] .ours-mark', 'href'), '#report-band-note');
  assert.match(await page.textContent('#report-body #report-band-note'), /通知只规定两档结果.*“合格”（60 分至 85 分，不含 85 分）是 dudao/);
  assert.match(report, /已达到优良（≥ 85 分）/);
  // Lower the score: now it says how far 合格 and 优良 are.
  await page.click('[data-view-link="form"]');
  for (const id of ['paper-custody', 'exam-process-compliant', 'improvement-mechanism', 'it-application', 'eligibility-compliant']) await choose(page, id, 'none');
  await page.click('[data-view-link="report"]');
  assert.equal(await total(page), '71');
  const needed = await page.$$eval('[data-needed]', (items) => items.map((li) => li.textContent));
  assert.deepEqual(needed, ['距优良（≥ 85 分）还差 14 分。', '已达到合格[编者注]（≥ 60 分）。']);
  await finish(run);
});

test('printing gives a PDF record with justifications and notes', async () => {
  const run = await open();
  const { page } = run;
  await fillSample(page);
  const pdf = path.join(tmp, 'report.pdf');
  await page.pdf({ path: pdf, format: 'A4' });
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  assert.match(text, /差距报告/);
  assert.match(text, /方案缺少突发事件应急预案/);
  assert.match(text, /第 2 考场仅 2 名考评员/);
  assert.match(text, /某市职业技能评价中心/);
  assert.match(text, /督导\(组\)员签字/);
  // The band note prints once: the report's copy, not the page's.
  assert.equal(text.split('通知只规定两档结果').length - 1, 1);
  assert.match(text, /第\s*1\s*页\s*\/\s*共\s*\d+\s*页/, 'page numbers in the margin');
  assert.doesNotMatch(text, /导出 JSON|新建评估/, 'no toolbar on paper');
  await finish(run);
});

test('compare two exports: per-row differences and the total change', async () => {
  const run = await open();
  const { page } = run;
  await fillSample(page);
  const march = await download(page, 'export-json');
  await choose(page, 'examiners-assigned', 'full');
  await choose(page, 'plan', 'none');
  await partial(page, 'paper-custody', 4, '保密室登记不全');
  const june = await download(page, 'export-json');
  await page.click('[data-view-link="compare"]');
  await page.setInputFiles('[data-compare="a"]', march.path);
  await page.setInputFiles('[data-compare="b"]', june.path);
  await page.waitForSelector('[data-compare-row]');
  const rows = await page.$$eval('[data-compare-row]', (trs) => trs.map((tr) => [tr.getAttribute('data-compare-row'), ...[...tr.querySelectorAll('td')].slice(3).map((td) => td.textContent.trim())]));
  assert.deepEqual(rows, [
    ['plan', '基本符合 2.5', '不符合 0', '−2.5'],
    ['examiners-assigned', '不符合 0', '符合 3', '+3'],
    ['paper-custody', '符合 5', '基本符合 4', '−1'],
  ]);
  assert.match(await page.textContent('.compare-delta'), /总分变化 −0\.5 分/);
  await page.check('#compare-all');
  assert.equal(await page.$$eval('[data-compare-row]', (trs) => trs.length), 42);
  // A file of another rubric is refused on its side.
  const other = path.join(tmp, 'other.json');
  await writeFile(other, JSON.stringify({ ...JSON.parse(march.text), rubric: OTHER }));
  await page.setInputFiles('[data-compare="b"]', other);
  await page.waitForFunction(() => document.querySelector('[data-compare-status="b"]').getAttribute('data-kind') === 'error');
  assert.match(await page.textContent('[data-compare-status="b"]'), /职业技能等级认定机构命题质量专项督导评分表/);
  // Issue 16.7: a file nested 100,000 deep gets a status too (no uncaught RangeError).
  const deep = path.join(tmp, 'deep.json');
  await writeFile(deep, march.text.replace('"totals": {', '"totals": {"x": ' + '['.repeat(100000) + ']'.repeat(100000) + ', '));
  await page.setInputFiles('[data-compare="a"]', deep);
  await page.waitForFunction(() => document.querySelector('[data-compare-status="a"]').getAttribute('data-kind') === 'error');
  assert.match(await page.textContent('[data-compare-status="a"]'), /嵌套过深/);
  await finish(run);
});

test('axe-core finds no serious or critical violation on the form, report and compare views', async () => {
  const run = await open();
  const { page } = run;
  await fillSample(page);
  await page.check('[data-veto="serious-violation"]');
  // Runs through the DevTools protocol, so the page's CSP does not apply to the injection.
  await page.evaluate(AXE);
  for (const view of ['form', 'report', 'compare']) {
    await page.click(`[data-view-link="${view}"]`);
    const results = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
    const bad = results.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`), [], view);
  }
  await finish(run);
});
