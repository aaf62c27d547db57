// Tailored rubrics are portable (issue 12): the builder (tailor/) opens its
// own downloaded YAML and gets the same rubric (byte-equal YAML, equal
// content hash), shows a hand-written YAML's errors with their line, opens
// the rubric embedded in a version-2 assessment file and a JSON rubric
// (api/rubrics/ID.json); re-entering through #from= with edits asks first
// and keeps the edits (as the current work or as a draft); a refused
// 打印核查表 says why where the user is looking, focused. Headless
// Chromium from file://, desktop and 390 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { SITE, launch, pageUrl, forbidNetwork } from './helpers.mjs';

const require = createRequire(import.meta.url);
const M = require('../../themes/default/static/js/tailor-model.js');
const yaml = require('../../themes/default/static/vendor/js-yaml/js-yaml.min.js');
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let browser;
let tmp;
before(async () => {
  browser = await launch();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-tailor-open-'));
});
after(async () => {
  await browser?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function open(relative, options = {}) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const network = forbidNetwork(page);
  const errors = [];
  const dialogs = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // axe-core asks for the stylesheets by XHR, which file:// refuses: not the page's error.
  page.on('console', (m) => { if (m.type() === 'error' && !/^(Access to XMLHttpRequest|Failed to load resource)/.test(m.text())) errors.push(m.text()); });
  await page.goto(pageUrl(relative));
  await page.waitForSelector('#tailor-app:not([hidden])');
  return { page, context, network, errors, dialogs };
}

async function finish({ context, network, errors }) {
  await context.close();
  assert.deepEqual(errors, [], 'no script errors');
  assert.deepEqual(network, [], 'no network request');
}

async function downloadYaml(page) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="download"]')]);
  return fs.readFileSync(await file.path(), 'utf8');
}

function write(name, text) {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}

async function openFile(page, file) {
  await page.$eval('#tailor-message', (el) => { el.hidden = true; });
  await page.setInputFiles('[data-open-rubric]', file);
  await page.waitForFunction(() => !document.querySelector('#tailor-message').hidden);
  return page.$eval('#tailor-message', (el) => ({ text: el.textContent, kind: el.getAttribute('data-kind'), role: el.getAttribute('role'), focused: document.activeElement === el }));
}

const hashOf = (text) => M.toModel(yaml.load(text, { schema: yaml.CORE_SCHEMA })).content_hash;

/** A tailored annex-1: two rows off, rescaled, renamed, with a rationale of the user's. */
async function tailor(page) {
  await page.uncheck('[data-toggle-row="theory-venue"]');
  await page.uncheck('[data-toggle-criterion="survey-scope"]');
  await page.click('[data-action="rescale"]');
  await page.fill('#tailor-id', 'city-venue');
  await page.fill('#tailor-title', '某市现场督导评分表');
  await page.fill('#tailor-rationale', '本市无理论考试考场，停用该行；按比例调整为100分。');
  assert.equal(await page.getAttribute('#tailor-app', 'data-valid'), 'true');
}

test('the builder opens its own YAML and gets the same rubric, in a fresh browser', async () => {
  const first = await open('tailor/');
  await tailor(first.page);
  const yamlText = await downloadYaml(first.page);
  await finish(first);

  const second = await open('tailor/');
  const file = write('city-venue.yaml', yamlText);
  const said = await openFile(second.page, file);
  assert.match(said.text, /已打开“city-venue.yaml”（YAML 评分表《某市现场督导评分表》）/);
  assert.equal(await second.page.inputValue('#tailor-id'), 'city-venue');
  assert.equal(await second.page.inputValue('#tailor-rationale'), '本市无理论考试考场，停用该行；按比例调整为100分。');
  assert.equal(await second.page.textContent('[data-total]'), '100');
  assert.equal(await second.page.getAttribute('#tailor-app', 'data-valid'), 'true');
  const again = await downloadYaml(second.page);
  assert.equal(again, yamlText, 'the YAML round-trips byte for byte');
  assert.equal(hashOf(again), hashOf(yamlText));
  // A tailored rubric prints like a bundled one.
  await second.page.evaluate(() => { window.print = () => document.body.setAttribute('data-printed', ''); });
  await second.page.click('[data-action="print"]');
  assert.equal(await second.page.getAttribute('body', 'data-printed'), '');
  assert.match(await second.page.textContent('#tailor-sheet h1'), /某市现场督导评分表/);
  await finish(second);
});

test('a hand-written YAML with an error says where; nothing changes', async () => {
  const run = await open('tailor/');
  const { page } = run;
  const before = await page.inputValue('#tailor-id');
  const source = fs.readFileSync('rubrics/practical-venue.yaml', 'utf8');
  // A syntax error: one key out of line.
  const lines = source.split('\n');
  const at = lines.findIndex((l) => /^\s+title:/.test(l));
  lines[at] = ' ' + lines[at];
  let said = await openFile(page, write('broken.yaml', lines.join('\n')));
  assert.match(said.text, new RegExp(`无法打开“broken.yaml”：YAML 第 ${at + 1} 行第 \\d+ 列：`));
  assert.equal(said.kind, 'error');
  assert.equal(said.role, 'alert');
  assert.ok(said.focused, 'the message takes the focus');
  assert.equal(await page.inputValue('#tailor-id'), before, 'the current work is untouched');
  // A misspelt field: refused, with its line.
  const typo = source.replace(/\n(\s+)text: /, '\n$1txet: ');
  const typoLine = typo.split('\n').findIndex((l) => /txet:/.test(l)) + 1;
  said = await openFile(page, write('typo.yaml', typo));
  assert.match(said.text, new RegExp(`第 ${typoLine} 行：未知字段 txet`));
  // A rule problem (points not in half points): opens, and the message names the line.
  const derived = source.replace(/^kind: official$/m, 'kind: derived\nbased_on: practical-venue\nrationale: "手写改编"').replace(/^id: practical-venue$/m, 'id: my-venue').replace(/^source: .*$/m, '');
  const lines2 = derived.split('\n');
  const pointsLine = lines2.findIndex((l, i) => i > 0 && /^\s+points: \d/.test(l) && /^\s+text:/.test(lines2[i - 1]));
  lines2[pointsLine] = lines2[pointsLine].replace(/points: [\d.]+/, 'points: 0.3');
  said = await openFile(page, write('my-venue.yaml', lines2.join('\n')));
  assert.match(said.text, /已打开“my-venue.yaml”/);
  assert.match(said.text, new RegExp(`第 ${pointsLine + 1} 行：评分标准分值须为 0.5 的正整数倍`));
  assert.equal(await page.inputValue('#tailor-id'), 'my-venue');
  await finish(run);
});

test('an assessment file (version 2) with a tailored rubric and a JSON rubric open in the builder', async () => {
  const run = await open('tailor/');
  const { page } = run;
  await tailor(page);
  const yamlText = await downloadYaml(page);
  const model = M.toModel(yaml.load(yamlText, { schema: yaml.CORE_SCHEMA }));
  await page.click('[data-action="load"]').catch(() => {});
  const assessment = { format: 'dudao-assessment', version: 2, id: 'a-20250318-abcdefgh', rubric: model, header: {}, answers: {}, veto: {} };
  page.on('dialog', (d) => d.accept());
  let said = await openFile(page, write('评估.json', JSON.stringify(assessment)));
  assert.match(said.text, /已打开“评估.json”（评估文件内嵌的评分表《某市现场督导评分表》）/);
  assert.equal(await page.inputValue('#tailor-id'), 'city-venue');
  assert.equal(hashOf(await downloadYaml(page)), model.content_hash);
  // Tampered: refused by the hash.
  const tampered = JSON.parse(JSON.stringify(assessment));
  tampered.rubric.stages[0].groups[0].rows[0].criteria[0].text = '改过的文字';
  said = await openFile(page, write('tampered.json', JSON.stringify(tampered)));
  assert.match(said.text, /内容校验值.*不符/);
  // A version-1 file has no rubric to open.
  said = await openFile(page, write('v1.json', JSON.stringify({ format: 'dudao-assessment', version: 1, rubric: { id: 'annex-1' } })));
  assert.match(said.text, /第 1 版评估文件/);
  // api/rubrics/ID.json: an official rubric opens as a copy to tailor.
  said = await openFile(page, path.join(SITE, 'api/rubrics/annex-2.json'));
  assert.match(said.text, /已打开“annex-2.json”/);
  assert.equal(await page.inputValue('#tailor-id'), 'annex-2-custom');
  await finish(run);
});

test('#from= with edits asks first; the edits stay or are kept as a draft', async () => {
  const run = await open('tailor/');
  const { page, dialogs } = run;
  await page.fill('#tailor-rationale', '我的改编理由，不能丢');
  await page.uncheck('[data-toggle-row="theory-venue"]');
  // Dismissed: the edits stay.
  page.once('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await page.goto(pageUrl('choose/'));
  await page.click('a[href$="tailor/index.html#from=annex-2"]');
  await page.waitForSelector('#tailor-app:not([hidden])');
  assert.equal(dialogs.length, 1);
  assert.match(dialogs[0], /已有修改（包括改编理由）/);
  assert.equal(await page.inputValue('#tailor-rationale'), '我的改编理由，不能丢');
  assert.equal(await page.isChecked('[data-toggle-row="theory-venue"]'), false);
  assert.match(await page.textContent('#tailor-message'), /已保留当前定制/);
  // Accepted: annex-2 starts, the edits become a draft that restores.
  page.once('dialog', (d) => { dialogs.push(d.message()); d.accept(); });
  await page.goto(pageUrl('tailor/') + '#from=annex-2');
  await page.reload();
  await page.waitForSelector('#tailor-app:not([hidden])');
  assert.equal(dialogs.length, 2);
  assert.equal(await page.inputValue('#tailor-base'), 'annex-2');
  assert.equal(await page.locator('[data-drafts] li').count(), 1);
  assert.match(await page.textContent('[data-drafts] li'), /附件|评分表/);
  await page.click('[data-restore-draft="0"]');
  assert.equal(await page.inputValue('#tailor-rationale'), '我的改编理由，不能丢');
  assert.equal(await page.isChecked('[data-toggle-row="theory-venue"]'), false);
  // annex-2 was untouched, so nothing was asked and no new draft made.
  assert.equal(dialogs.length, 2);
  assert.equal(await page.locator('[data-drafts] li').count(), 0);
  // Without edits, #from= starts at once.
  const fresh = await open('tailor/');
  await fresh.page.goto(pageUrl('tailor/') + '#from=annex-2');
  await fresh.page.reload();
  await fresh.page.waitForSelector('#tailor-app:not([hidden])');
  assert.equal(await fresh.page.inputValue('#tailor-base'), 'annex-2');
  assert.equal(fresh.dialogs.length, 0);
  await finish(fresh);
  await finish(run);
});

for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
  test(`a refused 打印核查表 says why on screen, focused (${viewport.width} px)`, async () => {
    const run = await open('tailor/', { viewport, isMobile: viewport.width < 500, hasTouch: viewport.width < 500 });
    const { page } = run;
    await page.evaluate(() => { window.print = () => document.body.setAttribute('data-printed', ''); });
    // Far down the page, a criterion set to 0.3 points.
    const input = page.locator('[data-criterion-points]').last();
    await input.fill('0.3');
    await input.scrollIntoViewIfNeeded();
    await page.click('[data-action="print"]');
    const box = await page.$eval('#tailor-message', (el) => el.getBoundingClientRect().toJSON());
    assert.ok(box.top >= 0 && box.bottom <= viewport.height && box.height > 0, `message at ${JSON.stringify(box)}`);
    assert.match(await page.textContent('#tailor-message'), /无法打印：请先解决“检查结果”中的 \d+ 个问题/);
    assert.equal(await page.getAttribute('#tailor-message', 'role'), 'alert');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tailor-message');
    assert.equal(await page.getAttribute('body', 'data-printed'), null);
    if (viewport.width === 390) {
      await page.screenshot({ path: 'target/phone-tailor-refused.png' });
      await page.evaluate(AXE);
      const results = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
      const bad = results.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
      assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`), []);
    }
    await finish(run);
  });
}
