// The outcome page (assessments/outcome/) in headless Chromium from file://:
// both documents from a scored 附件1 with a veto (preview, print, Word and
// HTML equal to the CLI's), editing a deadline (one before the supervision
// date is refused with a message), export, the institution's file merged
// back, the gap report's to-do list, a 复查 that closes two of three items,
// axe, and no network request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, launch, pageUrl, forbidNetwork } from './helpers.mjs';
import { withVeto, PNG, scored, retotal, DOCX_PARTS } from './outcome-fixtures.mjs';

const require = createRequire(import.meta.url);
const S = require('../../themes/default/static/js/scoring.js');
const AXE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
const PYTHON = process.env.DUDAO_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const OUTCOME = 'assessments/outcome/';

let browser;
let dir;
let fixture;
before(async () => {
  browser = await launch();
  dir = await mkdtemp(path.join(os.tmpdir(), 'dudao-outcome-page-'));
  fixture = path.join(dir, '评估-annex-1-veto.json');
  await writeFile(fixture, JSON.stringify(withVeto(), null, 2));
});
after(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function open(url = pageUrl(OUTCOME)) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const network = forbidNetwork(page);
  const errors = [];
  const dialogs = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.accept(); });
  await page.goto(url);
  await page.waitForSelector('#outcome-app[data-ready]');
  return { context, page, network, errors, dialogs };
}

async function finish({ context, network, errors }) {
  assert.deepEqual(network, []);
  assert.deepEqual(errors, []);
  await context.close();
}

/** Stores the fixture in this context's workspace and opens the page on it. */
async function openStored(run, doc = withVeto()) {
  const { page } = run;
  const id = await page.evaluate(async (text) => (await globalThis.DudaoWorkspace.fromFile(text)).id, JSON.stringify(doc));
  await page.goto('about:blank');
  await page.goto(`${pageUrl(OUTCOME)}#assessment=${id}`);
  await page.waitForSelector('#outcome-app[data-ready]');
  await page.waitForSelector('[data-outcome-total]');
  return id;
}

async function stored(page, id) {
  return page.evaluate(async (x) => JSON.parse(JSON.stringify(await globalThis.DudaoWorkspace.get(x), (k, v) => (k === 'blob' ? undefined : v))), id);
}

async function download(page, selector) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const target = path.join(dir, file.suggestedFilename());
  await file.saveAs(target);
  return target;
}


test('a scored 附件1 with a veto, opened from its file: both documents, printed and downloaded as the CLI writes them', async () => {
  const run = await open();
  const { page } = run;
  await page.setInputFiles('[data-action="open-file"]', fixture);
  await page.waitForSelector('[data-outcome-total]');
  assert.equal(await page.getAttribute('[data-outcome-total]', 'data-outcome-total'), '93.5');
  assert.equal(await page.getAttribute('[data-outcome-band]', 'data-outcome-band'), 'fail');
  assert.equal(await page.isHidden('#outcome-warnings'), true);

  const opinion = await page.textContent('[data-doc-preview="opinion"] article');
  assert.match(opinion, /技能人才评价质量督导意见书/);
  assert.match(opinion, /行为描述：现场发现 3 份报名材料的工作年限证明系伪造。/);
  assert.match(opinion, /“对于督导结果为不合格的，应视情况对相关评价机构给予约谈提醒、限期整改、移出评价机构目录等处理。”/);
  assert.match(opinion, /——《人力资源社会保障部办公厅关于印发〈技能人才评价质量督导指标体系〉的通知》（人社厅函〔2024〕130号）/);
  assert.match(opinion, /督导组（盖章）/);
  const notice = await page.$$eval('[data-doc-preview="notice"] .doc-items tbody tr', (rows) => rows.map((r) => r.cells[1].textContent));
  assert.equal(notice.length, 3);
  assert.match(notice[0], /^存在不合格项：现场发现/);
  assert.match(notice[1], /^评为“不符合”，得 0 \/ 5 分/);
  assert.match(notice[2], /^评为“基本符合”，得 1\.5 \/ 3 分/);

  // The downloads are the CLI's documents, byte for byte (HTML) and part for part (.docx).
  const cli = path.join(dir, 'cli');
  execFileSync(BIN, ['report', fixture, '--output', cli, '--force']);
  for (const kind of ['opinion', 'notice']) {
    const html = await download(page, `[data-action="html"][data-kind="${kind}"]`);
    assert.equal(await readFile(html, 'utf8'), await readFile(path.join(cli, path.basename(html)), 'utf8'));
    const docx = await download(page, `[data-action="docx"][data-kind="${kind}"]`);
    assert.match(path.basename(docx), /^(督导意见书|整改通知书)-某市职业技能评价中心-2025-03-18\.docx$/);
    const parts = (file) => execFileSync(PYTHON, ['-c', DOCX_PARTS, file], { encoding: 'utf8' });
    assert.equal(parts(docx), parts(path.join(cli, path.basename(docx))));
    // The form's photo is in it as a picture, not only as its caption.
    assert.ok(JSON.parse(parts(docx)).some(([name]) => name === 'word/media/image1.png'), `${kind}.docx has the photo`);
  }

  // Printing one document prints only it, on A4.
  await page.evaluate(() => {
    document.body.setAttribute('data-print-doc', 'notice');
    document.querySelector('[data-doc-section="notice"] details').open = true;
  });
  await page.emulateMedia({ media: 'print' });
  const pdf = path.join(dir, 'notice-print.pdf');
  await writeFile(pdf, await page.pdf({ preferCSSPageSize: true, printBackground: true }));
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  assert.match(text, /技能人才评价质量督导整改通知书/);
  assert.doesNotMatch(text, /督导意见书与整改跟踪|导入回传文件|开始复查|预览|技能人才评价质量督导意见书/);
  assert.match(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }), /Page size:.*\(A4\)/);
  await finish(run);
});

test('tracking: a deadline before the supervision date is refused with a message; deadline and owner are kept, printed, exported; overdue stands out', async () => {
  const run = await open();
  const { page } = run;
  const id = await openStored(run);
  const deadline = page.locator('[data-item-deadline="c-plan"]');
  await deadline.fill('2025-03-01');
  await deadline.dispatchEvent('change');
  assert.match(await page.textContent('[data-item-problem="c-plan"]'), /整改期限 2025-03-01 早于督导日期 2025-03-18，请改为督导日期之后的日期。此期限未采用。/);
  assert.equal(await deadline.getAttribute('aria-invalid'), 'true');

  await deadline.fill('2025-04-30');
  await deadline.dispatchEvent('change');
  await page.fill('[data-item-owner="c-plan"]', '王五');
  await page.dispatchEvent('[data-item-owner="c-plan"]', 'change');
  await page.waitForFunction(() => /已保存在本机/.test(document.querySelector('#outcome-message').textContent));
  assert.equal(await page.textContent('[data-item-problem="c-plan"]'), '');
  const saved = await stored(page, id);
  const plan = saved.rectification.items.find((i) => i.id === 'c-plan');
  assert.deepEqual([plan.deadline, plan.owner, plan.status], ['2025-04-30', '王五', 'open']);

  // Reloaded: kept, in the notice, and overdue (2025-04-30 has passed, not done).
  await page.reload();
  await page.waitForSelector('[data-outcome-total]');
  assert.equal(await page.inputValue('[data-item-deadline="c-plan"]'), '2025-04-30');
  const row = await page.$$eval('[data-doc-preview="notice"] .doc-items tbody tr', (rows) => Array.from(rows[2].cells, (c) => c.textContent));
  assert.deepEqual(row.slice(3), ['2025-04-30', '王五']);
  assert.equal(await page.getAttribute('[data-item="c-plan"]', 'class'), 'overdue');
  assert.match(await page.textContent('[data-item="c-plan"]'), /已逾期/);
  assert.match(await page.textContent('[data-completion]'), /已核验 0 \/ 3 项（0%）.*1 项已逾期/);

  // The gap report is the to-do list: 1…n, owner and deadline, back to the form row.
  await page.goto(`${pageUrl('rubrics/annex-1/assess/')}#assessment=${id}`);
  await page.waitForSelector('#assess-app[data-ready]');
  await page.click('[data-view-link="report"]');
  const gaps = await page.$$eval('[data-gap]', (rows) => rows.map((r) => [r.getAttribute('data-gap'), r.cells[0].textContent, r.querySelector('[data-gap-owner]').textContent, r.querySelector('[data-gap-deadline]').textContent]));
  assert.deepEqual(gaps, [['score-sheets', '1', '—', '—'], ['plan', '2', '王五', '2025-04-30已逾期']]);
  assert.equal(await page.getAttribute('[data-outcome-link]', 'href'), `../../../assessments/outcome/index.html#assessment=${id}`);
  await page.click('[data-gap-link="plan"]');
  await page.waitForFunction(() => document.querySelector('#assess-app').getAttribute('data-view') === 'form');
  assert.equal(await page.isVisible('#criterion-plan'), true);
  assert.equal(await page.evaluate(() => document.activeElement.closest('[data-criterion]')?.getAttribute('data-criterion')), 'plan');

  // A photo as evidence of the rectification; the export carries it and the tracking.
  await page.goto(`${pageUrl(OUTCOME)}#assessment=${id}`);
  await page.waitForSelector('[data-outcome-total]');
  const png = path.join(dir, '整改照片.png');
  await writeFile(png, Buffer.from(PNG, 'base64'));
  await page.setInputFiles('[data-item-photo="c-plan"]', png);
  await page.waitForSelector('[data-item="c-plan"] [data-item-photo-img]');
  await page.waitForFunction(() => /添加 1 张照片，已保存在本机/.test(document.querySelector('#outcome-message').textContent));
  const exported = JSON.parse(await readFile(await download(page, '[data-action="export"]'), 'utf8'));
  assert.equal(exported.version, 2);
  assert.deepEqual(exported.rectification.items.map((i) => [i.id, i.deadline, i.owner, i.photos.length]), [['v-serious-violation', null, '', 0], ['c-score-sheets', null, '', 0], ['c-plan', '2025-04-30', '王五', 1]]);
  const photo = exported.photos[exported.rectification.items[2].photos[0]];
  assert.equal(photo.type, 'image/jpeg');
  assert.match(photo.caption, /整改证据：整改照片\.png/);
  await finish(run);
});

test('the institution\'s file merges back by item id: its progress taken, a conflict asked, nothing dropped; another assessment\'s file refused', async () => {
  const run = await open();
  const { page, dialogs } = run;
  const id = await openStored(run);
  await page.fill('[data-item-deadline="c-plan"]', '2025-04-30');
  await page.dispatchEvent('[data-item-deadline="c-plan"]', 'change');
  await page.waitForFunction(() => /已保存在本机/.test(document.querySelector('#outcome-message').textContent));
  const exported = JSON.parse(await readFile(await download(page, '[data-action="export"]'), 'utf8'));

  // The institution updates its copy.
  const back = JSON.parse(JSON.stringify(exported));
  const item = (x) => back.rectification.items.find((i) => i.id === x);
  Object.assign(item('c-plan'), { status: 'done', note: '已补充考评员分工表', deadline: '2025-05-15', by: '机构联络员' });
  Object.assign(item('c-score-sheets'), { status: 'in_progress', owner: '赵六' });
  const backFile = path.join(dir, '回传.json');
  await writeFile(backFile, JSON.stringify(back));

  // Another assessment's file is refused and changes nothing.
  const other = JSON.parse(JSON.stringify(back));
  other.id = 'a-20250101-someoneelse';
  const otherFile = path.join(dir, '别的.json');
  await writeFile(otherFile, JSON.stringify(other));
  await page.setInputFiles('[data-action="import-tracking"]', otherFile);
  await page.waitForFunction(() => /导入失败/.test(document.querySelector('#outcome-message').textContent));
  assert.equal(await page.getAttribute('#outcome-message', 'role'), 'alert');
  assert.equal((await stored(page, id)).rectification.items.find((i) => i.id === 'c-plan').status, 'open');

  await page.setInputFiles('[data-action="import-tracking"]', backFile);
  await page.waitForFunction(() => /已合并/.test(document.querySelector('#outcome-message').textContent));
  assert.equal(dialogs.length, 1);
  assert.match(dialogs[0], /整改期限两边不同：\n本机：2025-04-30\n回传文件：2025-05-15/);
  const merged = (await stored(page, id)).rectification.items;
  assert.deepEqual(merged.map((i) => [i.id, i.status, i.owner, i.deadline]), [
    ['v-serious-violation', 'open', '', null],
    ['c-score-sheets', 'in_progress', '赵六', null],
    ['c-plan', 'done', '', '2025-05-15'],
  ]);
  assert.equal(merged[2].note, '已补充考评员分工表');
  assert.equal(await page.inputValue('[data-item-status="c-plan"]'), 'done');
  await finish(run);
});

test('a 复查 started from the assessment closes two of three items: 67%, the change in total and band, then 已核验 on the earlier one', async () => {
  const run = await open();
  const { page } = run;
  const earlierId = await openStored(run);
  await Promise.all([page.waitForURL(/rubrics\/annex-1\/assess\/index\.html#assessment=/), page.click('[data-action="start-follow-up"]')]);
  await page.waitForSelector('#assess-app[data-ready]');
  const followId = /assessment=([0-9a-z-]+)/.exec(page.url())[1];
  assert.notEqual(followId, earlierId);
  assert.equal(await page.inputValue('[data-header="被督导机构名称"]'), '某市职业技能评价中心');
  assert.equal(await page.inputValue('[data-header="督导日期"]'), '');
  // The form lists the 整改项 to check first, each linking to its row.
  assert.deepEqual(await page.$$eval('[data-followup-check]', (lis) => lis.map((li) => li.getAttribute('data-followup-check'))), ['v-serious-violation', 'c-score-sheets', 'c-plan']);
  assert.equal(await page.getAttribute('[data-followup-check="c-plan"] a', 'href'), '#criterion-plan');

  // The 复查: everything in order now except the plan, still 基本符合.
  await page.fill('[data-header="督导日期"]', '2025-06-18');
  for (const radio of await page.$$('[data-criterion] input[type=radio][value=full]')) await radio.check();
  await page.check('[data-criterion="plan"] input[value=partial]');
  await page.fill('[data-criterion="plan"] [data-partial]', '2');
  await page.fill('[data-criterion="plan"] [data-justification]', '分工表仍不完整');
  await page.waitForFunction(() => !document.querySelector('#assess-app').hasAttribute('data-saving'));
  await page.waitForFunction(async (x) => {
    const doc = await globalThis.DudaoWorkspace.get(x);
    return doc && doc.answers.plan && doc.answers.plan.justification === '分工表仍不完整';
  }, followId);

  await page.goto(`${pageUrl(OUTCOME)}#assessment=${followId}`);
  await page.waitForSelector('[data-followup-rate]');
  assert.equal(await page.getAttribute('[data-followup-rate]', 'data-followup-rate'), '67');
  assert.match(await page.textContent('[data-followup-rate]'), /2 \/ 3 项已整改到位（67%）/);
  const rows = await page.$$eval('[data-follow-item]', (trs) => trs.map((tr) => [tr.getAttribute('data-follow-item'), tr.getAttribute('data-follow-state')]));
  assert.deepEqual(rows, [['v-serious-violation', 'closed'], ['c-score-sheets', 'closed'], ['c-plan', 'open']]);
  assert.match(await page.textContent('.followup-summary'), /原评估 93\.5 分（不合格）→ 复查 99 分（优良），总分变化 \+5\.5 分/);

  await page.click('[data-action="verify"]');
  await page.waitForFunction(() => /已核验 2 \/ 3 项，67%/.test(document.querySelector('#outcome-message').textContent));
  await page.goto('about:blank');
  await page.goto(`${pageUrl(OUTCOME)}#assessment=${earlierId}`);
  await page.waitForSelector('[data-completion]');
  assert.match(await page.textContent('[data-completion]'), /已核验 2 \/ 3 项（67%）/);
  assert.deepEqual(await page.$$eval('[data-item]', (trs) => trs.map((tr) => tr.getAttribute('data-item-state'))), ['verified', 'verified', 'open']);

  // The workspace list links to the page and shows the progress.
  await page.goto(pageUrl('assessments/'));
  await page.waitForSelector(`[data-outcome="${earlierId}"]`);
  assert.match(await page.textContent(`[data-assessment-id="${earlierId}"] [data-assessment-rectification]`), /已核验 2 \/ 3 项/);
  await finish(run);
});

test('合格, the band the notice does not name, carries its [编者注] on the page and ※ with the note in the documents', async () => {
  const doc = scored({});
  for (const c of S.flatten(doc.rubric)) {
    if (doc.totals.band === 'pass') break;
    doc.answers[c.id] = { status: 'none', notes: '未提供' };
    retotal(doc);
  }
  const file = path.join(dir, '评估-annex-1-pass.json');
  await writeFile(file, JSON.stringify(doc));
  const run = await open();
  const { page } = run;
  await page.setInputFiles('[data-action="open-file"]', file);
  await page.waitForSelector('[data-outcome-total]');
  assert.equal(await page.textContent('[data-outcome-band]'), '合格[编者注]');
  assert.equal(await page.getAttribute('[data-outcome-band] .ours-mark', 'href'), '#band-note');
  assert.match(await page.textContent('#band-note'), /编者注 · dudao.*“合格”（60 分至 85 分，不含 85 分）是 dudao 对两者之间得分的称呼/);
  for (const kind of ['opinion', 'notice']) {
    const text = await page.textContent(`[data-doc-preview="${kind}"] article`);
    assert.match(text, /评定等级为“合格※”/, kind);
    assert.match(text, /※ 编者注（dudao）：通知只规定两档结果/, kind);
  }
  await finish(run);
});

test('bad files get a sentence, not a blank page', async () => {
  const run = await open();
  const { page } = run;
  const broken = path.join(dir, 'broken.json');
  await writeFile(broken, '{"format": "dudao-assessment", "version": 2,');
  await page.setInputFiles('[data-action="open-file"]', broken);
  await page.waitForFunction(() => /无法打开/.test(document.querySelector('#outcome-message').textContent));
  assert.equal(await page.getAttribute('#outcome-message', 'role'), 'alert');
  await page.goto('about:blank');
  await page.goto(`${pageUrl(OUTCOME)}#assessment=a-20250101-notthere`);
  await page.waitForFunction(() => /本机没有编号为 a-20250101-notthere 的评估/.test(document.querySelector('#outcome-message').textContent));
  await finish(run);
});

test('axe-core finds no serious or critical violation on the outcome page', async () => {
  const run = await open();
  const { page } = run;
  const earlierId = await openStored(run);
  assert.ok(earlierId);
  for (const box of await page.$$('details')) await box.evaluate((d) => { d.open = true; });
  await page.evaluate(AXE);
  const results = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`), []);
  // axe reads the stylesheets over XHR, which file:// refuses: its console noise, not the page's.
  run.errors.splice(0, run.errors.length, ...run.errors.filter((e) => !/XMLHttpRequest|ERR_FAILED/.test(e)));
  await finish(run);
});
