// The paper checklists, printed by headless Chromium to PDF and read back
// with poppler (pdfinfo, pdftotext): A4 portrait, a sane page count, the
// header fields, tick-box columns, every criterion, page numbers from the
// @page margin boxes, the table header on every page, no 二级指标 block
// split across pages, the veto section and the signature lines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, launch } from './helpers.mjs';

const BASE_URL = 'https://dudao.example.org/';
let browser;
let tmp;
let site;

before(async () => {
  // A site of its own, with base_url set, so the QR code is printed too.
  tmp = await mkdtemp(path.join(os.tmpdir(), 'dudao-print-'));
  site = path.join(tmp, 'site');
  execFileSync(BIN, ['build', '--output', site, '--base-url', BASE_URL], { stdio: 'pipe' });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const squash = (text) => text.replace(/\s+/g, '');

async function print(id) {
  const page = await browser.newPage();
  await page.goto(pathToFileURL(path.join(site, 'rubrics', id, 'checklist', 'index.html')).href);
  const qr = await page.locator('svg.qr').count();
  const pdf = path.join(tmp, `${id}.pdf`);
  // preferCSSPageSize: the page's own @page rule decides the paper (the
  // default would be US Letter), exactly as when a user prints it.
  await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
  await page.close();
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  const pages = Number(info.match(/^Pages:\s+(\d+)/m)[1]);
  const [, w, h] = info.match(/^Page size:\s+([\d.]+) x ([\d.]+) pts/m).map(Number);
  // -raw keeps the order Chromium painted in, so a wrapped cell reads on.
  const pageTexts = [];
  for (let i = 1; i <= pages; i++) {
    pageTexts.push(execFileSync('pdftotext', ['-raw', '-f', String(i), '-l', String(i), pdf, '-'], { encoding: 'utf8' }));
  }
  const rubric = JSON.parse(await readFile(path.join(site, 'api', 'rubrics', `${id}.json`), 'utf8'));
  return { pages, w, h, pageTexts, text: pageTexts.join('\n'), rubric, qr };
}

for (const [id, maxPages] of [['annex-1', 8], ['annex-2', 6]]) {
  test(`${id}: the printed checklist is a complete A4 form`, { timeout: 120_000 }, async () => {
    const { pages, w, h, pageTexts, text, rubric, qr } = await print(id);

    // A4 portrait is 595.28 × 841.89 pt.
    assert.ok(Math.abs(w - 595.3) < 2 && Math.abs(h - 841.9) < 2, `page is ${w} × ${h} pt, not A4 portrait`);
    assert.ok(pages >= 2 && pages <= maxPages, `${pages} pages`);
    assert.equal(qr, 1, 'no QR code although base_url is set');

    const all = squash(text);
    assert.ok(all.includes(squash(rubric.title)), 'title missing');
    for (const field of rubric.header_fields) assert.ok(all.includes(squash(field)), `header field ${field} missing`);
    for (const verdict of ['符合', '基本符合', '不符合', '得分', '备注']) assert.ok(all.includes(verdict), `${verdict} missing`);
    assert.ok(all.includes('合计'), 'total row missing');

    // Page numbers come from the @page margin box: 第 X 页 共 N 页 on each page.
    pageTexts.forEach((t, i) => {
      assert.ok(squash(t).includes(`第${i + 1}页共${pages}页`), `page ${i + 1} lacks 第 ${i + 1} 页 共 ${pages} 页`);
    });

    // Every criterion is printed, and each 二级指标 block sits on one page.
    const pageOf = (criterionText) => {
      const key = squash(criterionText).slice(0, 14);
      return pageTexts.findIndex((t) => squash(t).includes(key));
    };
    for (const stage of rubric.stages) {
      for (const group of stage.groups) {
        for (const row of group.rows) {
          const where = row.criteria.map((c) => pageOf(c.text));
          where.forEach((p, i) => assert.ok(p >= 0, `criterion ${row.criteria[i].id} not printed`));
          assert.equal(new Set(where).size, 1, `row ${row.id} is split across pages ${where.map((p) => p + 1)}`);
          // The table header repeats on every page that carries rows.
          assert.ok(squash(pageTexts[where[0]]).includes('评分标准'), `page ${where[0] + 1} has no table header`);
        }
      }
    }

    // The veto section, the result and the signatures.
    if (rubric.veto) {
      assert.ok(all.includes(squash(rubric.veto.title)));
      assert.ok(all.includes('行为描述'), '行为描述 line missing');
      for (const item of rubric.veto.items) assert.ok(all.includes(squash(item.text).slice(0, 14)), `veto ${item.id} missing`);
    }
    for (const band of rubric.bands) assert.ok(all.includes(band.label), `band ${band.label} missing`);
    assert.ok(all.includes('督导(组)员签字'), 'supervisor signature line missing');
    assert.ok(all.includes('被督导机构负责人签字'), 'institution signature line missing');
    assert.ok(/日期/.test(all));
  });
}
