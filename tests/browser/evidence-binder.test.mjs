// Evidence guides in headless Chromium: the printable evidence binder
// (rubrics/ID/evidence/) printed to PDF on A4, the guides on indicator and
// rubric pages, the requirements/ page and the gap report's evidence rows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, mkdtemp, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { SITE, launch, pageUrl, forbidNetwork } from './helpers.mjs';

const GUIDANCE = 'dudao 编写的准备指引，非官方文本';

let browser;
let tmp;
let evidence;

before(async () => {
  browser = await launch();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'dudao-evidence-'));
  evidence = JSON.parse(await readFile(path.join(SITE, 'api/evidence.json'), 'utf8'));
});

after(async () => {
  await browser?.close();
});

async function open(relative) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const network = forbidNetwork(page);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pageUrl(relative));
  return { page, network, errors };
}

async function rubricCriteria(id) {
  const rubric = JSON.parse(await readFile(path.join(SITE, `api/rubrics/${id}.json`), 'utf8'));
  return rubric.stages.flatMap((s) => s.groups.flatMap((g) => g.rows.flatMap((r) => r.criteria)));
}

for (const [id, firstCriterion, lastEvidence, maxPages] of [
  ['annex-1', '机构证照', '使用的信息化系统清单和现场演示', 12],
  ['annex-2', '有专门的命题管理或试题开发岗位', '新版国家职业标准颁布或评价规范更新后题库更新的记录', 10],
]) {
  test(`the ${id} evidence binder prints on A4 with every criterion, its evidence, a 已备齐 box and owner lines`, async () => {
    const { page, network, errors } = await open(`rubrics/${id}/evidence/`);
    const criteria = await rubricCriteria(id);

    // On screen: one block per criterion, in table order, each with evidence.
    const blocks = await page.$$eval('.binder-item', (items) => items.map((el) => ({
      id: el.dataset.criterion,
      evidence: el.querySelectorAll('.binder-evidence li').length,
      ready: el.querySelector('.binder-ready')?.textContent.trim(),
      lines: [...el.querySelectorAll('.binder-lines .sheet-field-label')].map((l) => l.textContent),
    })));
    assert.deepEqual(blocks.map((b) => b.id), criteria.map((c) => c.id));
    for (const block of blocks) {
      assert.ok(block.evidence > 0, `${block.id} lists no evidence`);
      assert.equal(block.ready, '已备齐');
      assert.deepEqual(block.lines, ['存放位置：', '责任人：']);
    }
    // The listed evidence is the guide's, not something else.
    const first = criteria[0].id;
    const listed = await page.$$eval(`[data-criterion="${first}"] .binder-evidence li`, (lis) => lis.map((li) => li.textContent.trim()));
    assert.deepEqual(listed, evidence.criteria[id][first].evidence);

    const pdf = path.join(tmp, `${id}.pdf`);
    await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    assert.match(info, /Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)/);
    const pages = Number(info.match(/Pages:\s+(\d+)/)[1]);
    assert.ok(pages >= 2 && pages <= maxPages, `${pages} pages`);

    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    for (const needle of ['迎检材料准备清单', GUIDANCE, '已备齐', '存放位置', '责任人', firstCriterion, lastEvidence, `第1页共${pages}页`, '不合格项']) {
      assert.ok(text.includes(needle.replace(/\s+/g, '')), `the PDF lacks ${needle}`);
    }
    // Every criterion's 已备齐 box made it onto paper.
    assert.equal(text.split('已备齐').length - 1, criteria.length);

    // A picture of the first page for a human to look at (target/…).
    const png = path.join(tmp, `${id}-page`);
    execFileSync('pdftoppm', ['-r', '50', '-png', '-f', '1', '-l', '1', pdf, png]);
    const pictures = [`${png}-1.png`, `${png}-01.png`, `${png}-001.png`].filter(existsSync);
    assert.equal(pictures.length, 1);
    assert.ok((await stat(pictures[0])).size > 10_000, 'page 1 renders to a non-blank picture');

    assert.deepEqual(network, []);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('an indicator page shows its guide, marked as dudao guidance, with the numbers the text sets', async () => {
  const { page, network } = await open('indicators/14/');
  const section = page.locator('#evidence');
  assert.match(await section.locator('h2').textContent(), new RegExp(GUIDANCE));
  const items = await section.locator('.evidence-items li').allTextContents();
  assert.deepEqual(items, evidence.indicators['14'].evidence);
  const requirement = await section.locator('.evidence-requirements li').first().textContent();
  assert.match(requirement, /考前至少5个工作日/);
  assert.match(requirement, /原文：“每个考评批次是否在考前至少 5 个工作日制定评价计划”/);
  assert.deepEqual(network, []);
  await page.close();
});

test('every criterion of an official rubric page has its guide folded under it', async () => {
  for (const id of ['annex-1', 'annex-2']) {
    const { page } = await open(`rubrics/${id}/`);
    const criteria = await rubricCriteria(id);
    const withGuide = await page.$$eval('tr[id^="c-"]', (rows) => rows
      .filter((tr) => tr.querySelector('details.evidence-details'))
      .map((tr) => tr.id.slice(2)));
    assert.deepEqual(withGuide, criteria.map((c) => c.id));
    // Folded by default; the summary says what it is and whose text it is.
    const summary = await page.locator(`#c-${criteria[0].id} details summary`).textContent();
    assert.match(summary, new RegExp(`迎检准备.*${GUIDANCE}`));
    assert.equal(await page.locator(`#c-${criteria[0].id} details`).getAttribute('open'), null);
    assert.equal(await page.locator('a[href="evidence/index.html"]').count(), 1);
    await page.close();
  }
});

test('the requirements page lists every number, each linking to where the text sets it', async () => {
  const { page, network } = await open('requirements/');
  const rows = await page.$$eval('.requirements-table tbody tr', (trs) => trs.map((tr) => ({
    kind: tr.dataset.requirementKind,
    amount: tr.querySelector('.col-amount').textContent.trim(),
    href: tr.querySelector('a').getAttribute('href'),
  })));
  const expected = Object.values(evidence.indicators)
    .concat(Object.values(evidence.criteria).flatMap((c) => Object.values(c)))
    .filter((g) => !g.inherited_from)
    .flatMap((g) => g.requirements);
  assert.equal(rows.length, expected.length);
  for (const amount of ['5 工作日', '3 名考评员', '85%', '200 个考评点', '5 道题', '1000 道题', '每 1 年', '每 3–5 年', '3 年']) {
    assert.ok(rows.some((r) => r.amount === amount), `no row says ${amount}`);
  }
  // Each link lands on an existing page and an existing anchor.
  for (const { href } of rows) {
    const [file, anchor] = href.replace(/^\.\.\//, '').split('#');
    const html = await readFile(path.join(SITE, file), 'utf8');
    assert.ok(html.includes(`id="${anchor}"`), `${href} has no target`);
  }
  assert.deepEqual(network, []);
  await page.close();
});

test('a lost criterion in the gap report shows the evidence that would have earned it', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const network = forbidNetwork(page);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pageUrl('rubrics/annex-1/assess/'));
  await page.waitForSelector('#assess-app[data-ready]');
  await page.check('[data-criterion="licences"] input[type=radio][value=none]');
  await page.check('[data-criterion="no-penalties"] input[type=radio][value=full]');
  await page.click('[data-view-link="report"]');
  const rows = page.locator('#report-body tr.gap-evidence');
  await rows.first().waitFor();
  // Only the lost criterion gets one, right under it.
  assert.equal(await rows.count(), 1);
  const text = await rows.first().textContent();
  assert.match(text, new RegExp(`可补充的证据材料：${GUIDANCE}`));
  for (const item of evidence.criteria['annex-1'].licences.evidence) assert.ok(text.includes(item));
  const previous = await rows.first().evaluate((tr) => {
    let p = tr.previousElementSibling;
    while (p && !p.dataset.gap) p = p.previousElementSibling;
    return p?.dataset.gap;
  });
  assert.equal(previous, 'licences');
  // Changing an answer re-renders the report; the evidence follows.
  await page.click('[data-view-link="form"]');
  await page.check('[data-criterion="no-penalties"] input[type=radio][value=none]');
  await page.click('[data-view-link="report"]');
  await page.waitForFunction(() => document.querySelectorAll('#report-body tr.gap-evidence').length === 2);
  assert.deepEqual(network, []);
  assert.deepEqual(errors, []);
  await context.close();
});
