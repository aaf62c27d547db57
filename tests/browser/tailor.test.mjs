// The rubric builder (tailor/), its hand-off to the self-assessment form
// (tailor/assess/) and the chooser (choose/), in headless Chromium from
// file://. The round trip: a tailored rubric downloads as YAML that
// `dudao check` accepts and `dudao build` renders as the very checklist the
// builder prints.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { BIN, SITE, launch, pageUrl, forbidNetwork } from './helpers.mjs';

const OUT = path.resolve('target/tailor-test');
let browser;

before(async () => {
  browser = await launch();
  fs.mkdirSync(OUT, { recursive: true });
});
after(async () => { await browser?.close(); });

async function open(relative, options = {}) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const network = forbidNetwork(page);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(pageUrl(relative));
  return { page, context, network, errors };
}

async function openTailor(hash = '') {
  const opened = await open('tailor/');
  if (hash) {
    await opened.page.goto(pageUrl('tailor/') + hash);
    await opened.page.reload();
  }
  await opened.page.waitForSelector('#tailor-app:not([hidden])');
  // window.print() would block a headed browser; the tests print to PDF instead.
  await opened.page.evaluate(() => { window.print = () => { document.body.setAttribute('data-printed', ''); }; });
  return opened;
}

const squash = (html) => html.replace(/>\s+</g, '><').replace(/\s+/g, ' ').trim();

/** The parts of a printed sheet that come from the rubric itself. */
async function sheetParts(page, scope) {
  return page.evaluate((scope) => {
    const sheet = document.querySelector(scope);
    const part = (sel) => sheet.querySelector(sel)?.innerHTML ?? null;
    return {
      table: part('table.checklist'),
      veto: part('.sheet-veto'),
      result: part('.sheet-result'),
      signatures: part('.sheet-signatures'),
      notes: part('.sheet-notes'),
      editorial: part('.sheet-editorial'),
      fields: Array.from(sheet.querySelectorAll('.sheet-field-label')).map((e) => e.textContent),
    };
  }, scope);
}

function copyProject() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-tailor-'));
  for (const sub of ['content', 'rubrics', 'themes']) fs.cpSync(sub, path.join(dir, sub), { recursive: true });
  if (fs.existsSync('dudao.toml')) fs.copyFileSync('dudao.toml', path.join(dir, 'dudao.toml'));
  return dir;
}

// annex-1 has the default result labels and a middle band; violations sets
// its own labels (核实结果, 核实(组)员签字) in the rubric file; annex-2's
// 不合格项 has an intro. What the builder prints is a derived rubric, whose
// veto note does not quote the notice (templates/macros.html, veto_reading),
// so annex-2's editorial notes differ from its official checklist's.
for (const id of ['annex-1', 'violations', 'annex-2']) {
  test(`the builder prints an untouched rubric exactly like its paper checklist (${id})`, async () => {
    const { page, context, network, errors } = await openTailor(`#from=${id}`);
    assert.equal(await page.textContent('[data-total]'), '100');
    await page.click('[data-action="print"]');
    const tailored = await sheetParts(page, '#tailor-sheet .sheet');
    const built = await open(`rubrics/${id}/checklist/`);
    const official = await sheetParts(built.page, 'article.sheet');
    for (const key of ['table', 'veto', 'result', 'signatures', 'notes', 'editorial']) {
      if (key === 'editorial' && id === 'annex-2') continue;
      assert.equal(squash(tailored[key]), squash(official[key]), `${key} differs from templates/checklist.html`);
    }
    assert.deepEqual(tailored.fields, official.fields);
    assert.deepEqual([...network, ...built.network], []);
    assert.deepEqual([...errors, ...built.errors], []);
    await built.context.close();
    await context.close();
  });
}

test('disable rows, rescale, download YAML: dudao check accepts it and dudao build renders the same checklist', async () => {
  const { page, context, network, errors } = await openTailor('#from=annex-1');
  await page.uncheck('[data-toggle-row="theory-venue"]');
  await page.uncheck('[data-toggle-row="informatization"]');
  await page.uncheck('[data-toggle-criterion="survey-scope"]');
  assert.equal(await page.textContent('[data-total]'), '92');
  assert.equal(await page.getAttribute('#tailor-app', 'data-valid'), 'false');
  assert.deepEqual(await page.$$eval('[data-problems] li', (li) => li.map((l) => l.getAttribute('data-code'))), ['total-mismatch']);
  // Downloading is refused while the rubric would fail dudao check.
  await page.click('[data-action="download"]');
  assert.match(await page.textContent('#tailor-message'), /请先解决/);

  await page.click('[data-action="rescale"]');
  assert.equal(await page.textContent('[data-total]'), '100');
  assert.equal(await page.getAttribute('#tailor-app', 'data-valid'), 'true');
  const points = await page.$$eval('.t-row[data-on="true"] .t-criterion[data-on="true"] [data-criterion-points]', (inputs) => inputs.map((i) => Number(i.value)));
  assert.equal(points.reduce((a, b) => a + b, 0), 100);
  assert.ok(points.every((p) => p >= 0.5 && Number.isInteger(p * 2)));

  await page.fill('#tailor-id', 'tailored-venue');
  await page.fill('#tailor-title', '某市技能人才评价现场督导评分表');
  await page.fill('#tailor-institution', '某某职业技能评价中心');
  await page.fill('#tailor-supervisors', '张三、李四');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="download"]')]);
  assert.equal(download.suggestedFilename(), 'tailored-venue.yaml');
  const yaml = fs.readFileSync(await download.path(), 'utf8');
  fs.writeFileSync(path.join(OUT, 'tailored-venue.yaml'), yaml);
  assert.match(yaml, /^# dudao 派生评分表，非官方文本/);
  assert.match(yaml, /\nkind: "derived"\nbased_on: "annex-1"\nrationale: "依据通知附件1备注4、备注5，以《技能人才评价活动现场质量督导评分表》为基础定制：停用 2 行，停用 1 条评分标准，修改 \d+ 条评分标准的文字或分值。"\n/);

  const dir = copyProject();
  try {
    fs.writeFileSync(path.join(dir, 'rubrics', 'tailored-venue.yaml'), yaml);
    const report = JSON.parse(execFileSync(BIN, ['check', '--format', 'json', '--root', dir], { encoding: 'utf8' }));
    assert.equal(report.ok, true, JSON.stringify(report.diagnostics));
    const site = path.join(dir, 'site');
    execFileSync(BIN, ['build', '--root', dir, '--output', site], { stdio: 'pipe' });

    await page.click('[data-action="print"]');
    const tailored = await sheetParts(page, '#tailor-sheet .sheet');
    const builtPage = await context.newPage();
    await builtPage.goto(pathToFileURL(path.join(site, 'rubrics/tailored-venue/checklist/index.html')).href);
    const built = await sheetParts(builtPage, 'article.sheet');
    for (const key of ['table', 'veto', 'result', 'signatures', 'notes', 'editorial']) {
      assert.equal(squash(tailored[key]), squash(built[key]), `${key}: the built checklist differs from the builder's`);
    }
    assert.equal(await builtPage.textContent('article.sheet h1'), '某市技能人才评价现场督导评分表');
    assert.ok(!tailored.table.includes('理论考场安排'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  // Print to PDF: only the sheet, A4, with the header filled in.
  await page.emulateMedia({ media: 'print' });
  const pdf = path.join(OUT, 'tailored-checklist.pdf');
  await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  assert.match(text, /某市技能人才评价现场督导评分表/);
  assert.match(text, /某某职业技能评价中心/);
  assert.match(text, /张三、李四/);
  assert.match(text.replace(/ /g, ""), /第1页共4页/);
  assert.doesNotMatch(text, /按比例调整为100分|理论考场安排/);
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  assert.match(info, /Page size:.*\(A4\)/);
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', pdf, path.join(OUT, 'tailored-checklist')]);
  assert.deepEqual(network, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('rows added from the catalogue show the indicator explanation and validate live', async () => {
  const { page, context, errors } = await openTailor('#from=practical-venue');
  await page.selectOption('#tailor-add-indicator', '30');
  assert.match(await page.textContent('#tailor-add-explanation'), /要情报告工作机制/);
  await page.selectOption('#tailor-add-group', 'feedback');
  await page.click('[data-action="add-row"]');
  const row = page.locator('[data-group="feedback"] .t-row').last();
  assert.equal(await row.locator('.t-row-title').inputValue(), '要情报告工作落实情况');
  assert.match(await row.locator('.t-explanation').textContent(), /建立要情处置台账/);
  assert.equal(await page.textContent('[data-total]'), '101');
  const codes = await page.$$eval('[data-problems] li', (li) => li.map((l) => l.getAttribute('data-code')).sort());
  assert.deepEqual(codes, ['empty-text', 'total-mismatch']);
  await row.locator('textarea').fill('建立要情报告工作机制和要情处置台账。');
  await row.locator('[data-criterion-points]').fill('2.3');
  assert.ok((await page.$$eval('[data-problems] li', (li) => li.map((l) => l.getAttribute('data-code')))).includes('bad-points'));
  assert.equal(await row.locator('[data-criterion-points]').getAttribute('aria-invalid'), 'true');
  await row.locator('[data-criterion-points]').fill('2');
  await page.click('[data-action="rescale"]');
  assert.equal(await page.getAttribute('#tailor-app', 'data-valid'), 'true');
  // The id may not collide with a bundled rubric (dudao check: duplicate rubric id).
  await page.fill('#tailor-id', 'annex-2');
  assert.deepEqual(await page.$$eval('[data-problems] li', (li) => li.map((l) => l.getAttribute('data-code'))), ['duplicate-rubric-id']);
  await page.fill('#tailor-id', 'Bad Id');
  assert.ok((await page.$$eval('[data-problems] li', (li) => li.map((l) => l.getAttribute('data-code')))).includes('bad-id'));
  assert.deepEqual(errors, []);
  await context.close();
});

test('the tailored rubric opens in the self-assessment form with the header filled in', async () => {
  const { page, context, errors } = await openTailor('#from=theory-venue');
  await page.uncheck('[data-toggle-row="informatization"]');
  await page.click('[data-action="rescale"]');
  await page.fill('#tailor-id', 'my-theory');
  await page.fill('#tailor-title', '计算机考场督导评分表');
  await page.fill('#tailor-institution', '某某职业技能评价中心');
  const expected = await page.$$eval('.t-row[data-on="true"] .t-criterion[data-on="true"]', (els) => els.map((e) => e.getAttribute('data-criterion')));
  await Promise.all([page.waitForURL(/tailor\/assess\/index\.html$/), page.click('[data-action="assess"]')]);
  await page.waitForSelector('#assess-app[data-ready]');
  assert.match(await page.textContent('#assess-app h1'), /计算机考场督导评分表/);
  assert.deepEqual(await page.$$eval('[data-criterion]', (els) => els.map((e) => e.getAttribute('data-criterion'))), expected);
  assert.equal(await page.inputValue('[data-header="被督导机构名称"]'), '某某职业技能评价中心');
  // Scoring works as on any assess page.
  await page.check(`[data-criterion="${expected[0]}"] input[value="full"]`);
  assert.notEqual(await page.textContent('[data-total]'), '0');
  assert.deepEqual(errors, []);
  await context.close();
});

test('without a hand-off the tailored assess page says where to start', async () => {
  const { page, context, errors } = await open('tailor/assess/');
  assert.equal(await page.textContent('[data-handoff="missing"]'), '没有待评分的自定义评分表：请先在“评分表定制”页面点击“在线评分”。 返回评分表定制');
  assert.equal(await page.getAttribute('[data-handoff="missing"]', 'role'), 'alert');
  assert.equal(await page.$('#assess-app'), null);
  assert.deepEqual(errors, []);
  await context.close();
});

test('choose/ recommends a rubric and says why; the table works without JavaScript', async () => {
  const { page, context, errors, network } = await open('choose/');
  const pick = async () => page.getAttribute('[data-recommended]', 'data-recommended');
  await page.check('input[name="what"][value="activity"]');
  await page.check('input[name="venue"][value="theory"]');
  assert.equal(await pick(), 'theory-venue');
  assert.match(await page.textContent('#choose-result'), /理由：/);
  await page.check('input[name="form"][value="theory"]');
  await page.check('input[name="form"][value="practical"]');
  assert.equal(await pick(), 'combined-venue');
  assert.match(await page.textContent('#choose-result'), /不止一种/);
  await page.check('input[name="what"][value="institution"]');
  assert.equal(await pick(), 'institution-management');
  assert.equal(await page.isVisible('input[name="venue"]'), false);
  await page.check('input[name="what"][value="violations"]');
  assert.equal(await pick(), 'violations');
  assert.deepEqual(errors, []);
  assert.deepEqual(network, []);
  await context.close();

  const noJs = await open('choose/', { javaScriptEnabled: false });
  assert.equal(await noJs.page.isVisible('#choose-form'), false);
  const rubrics = await noJs.page.$$eval('#choose-table tbody tr', (rows) => rows.map((r) => r.getAttribute('data-rubric')));
  assert.deepEqual(rubrics, ['theory-venue', 'practical-venue', 'thesis-defense', 'combined-venue', 'annex-1', 'institution-management', 'annex-2', 'violations']);
  for (const id of rubrics) assert.ok(fs.existsSync(path.join(SITE, 'rubrics', id, 'index.html')), id);
  await noJs.context.close();
});

test('every variant rubric renders as a page, a checklist and an assessment form', () => {
  for (const id of ['theory-venue', 'practical-venue', 'thesis-defense', 'combined-venue', 'institution-management', 'violations']) {
    for (const page of ['', 'checklist/', 'assess/']) {
      const file = path.join(SITE, 'rubrics', id, page, 'index.html');
      assert.ok(fs.existsSync(file), file);
    }
  }
});
