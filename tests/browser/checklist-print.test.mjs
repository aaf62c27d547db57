// The paper checklists, printed by headless Chromium to PDF and read back
// with poppler (pdfinfo, pdftotext): A4 portrait, a sane page count, the
// header fields, tick-box columns, every criterion, page numbers from the
// @page margin boxes, the table header on every page, no 二级指标 block
// split across pages, the veto section and the signature lines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
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
// Every bundled rubric, official and derived: each prints its own checklist.
const RUBRICS = readdirSync('rubrics').filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort();
const DEFAULT_LABELS = { result: '督导结果', signatures: ['督导(组)员签字', '被督导机构负责人签字'] };
const labelsOf = (rubric) => rubric.labels ?? DEFAULT_LABELS;

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
    assert.ok(all.includes('总分'), 'total row (总分, as the notice says) missing');

    // Page numbers come from the @page margin box: 第 X 页 共 N 页 on each page.
    pageTexts.forEach((t, i) => {
      assert.ok(squash(t).includes(`第${i + 1}页共${pages}页`), `page ${i + 1} lacks 第 ${i + 1} 页 共 ${pages} 页`);
    });

    // Every criterion is printed, and each 二级指标 block sits on one page.
    // The n-th criterion opening with given words is on the page of the
    // words' n-th occurrence: two rows of annex 1 open alike
    // (考场配备符合国家职业标准…).
    const seen = new Map();
    const pageOf = (criterionText) => {
      const key = squash(criterionText).slice(0, 14);
      let n = seen.get(key) ?? 0;
      seen.set(key, n + 1);
      for (let i = 0; i < pageTexts.length; i++) {
        const count = squash(pageTexts[i]).split(key).length - 1;
        if (n < count) return i;
        n -= count;
      }
      return -1;
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
    for (const signer of labelsOf(rubric).signatures) assert.ok(all.includes(squash(signer)), `${signer} line missing`);
    assert.ok(/日期/.test(all));
  });
}

/** Dark runs (x, width) along row `y` of a binary PGM from pdftoppm -gray. */
function darkRuns(pgm, y) {
  const header = pgm.subarray(0, 64).toString('latin1').split(/\s+/);
  const [w] = [Number(header[1])];
  let offset = 0;
  for (let fields = 0; fields < 4; offset++) if (/\s/.test(String.fromCharCode(pgm[offset])) && !/\s/.test(String.fromCharCode(pgm[offset - 1] ?? 32))) fields++;
  const row = pgm.subarray(offset + y * w, offset + (y + 1) * w);
  const runs = [];
  for (let x = 0; x < w; x++) {
    if (row[x] < 128) {
      const start = x;
      while (x < w && row[x] < 128) x++;
      runs.push([start, x - start]);
    }
  }
  return runs;
}

for (const id of RUBRICS) {
  test(`${id}: equal borders at 600 dpi, the institution on every page, signatures never alone`, { timeout: 120_000 }, async () => {
    const { pages, pageTexts, rubric } = await print(id);
    const labels = labelsOf(rubric);

    // From page 2 on, the page header names the institution (a line to fill).
    assert.equal(squash(pageTexts[0]).split('被督导机构名称').length - 1, 1, 'page 1: the header field only');
    for (let i = 1; i < pages; i++) {
      assert.ok(squash(pageTexts[i]).startsWith('被督导机构名称'), `page ${i + 1} lacks the institution line at the top`);
    }

    // The result and signatures share their page with the end of the form:
    // the 不合格项 table's last item, or the 总分 row.
    const last = pageTexts.findIndex((t) => squash(t).includes(squash(labels.signatures.at(-1))));
    const page = squash(pageTexts[last]);
    assert.ok(page.includes(squash(labels.result)), 'the result block is on the signatures page');
    const end = rubric.veto ? squash(rubric.veto.items.at(-1).text).slice(0, 12) : '总分';
    assert.ok(page.includes(end), `page ${last + 1}: the signatures without the last rows above them`);
    // The 不合格项 table prints whole, with the result.
    for (const item of rubric.veto?.items ?? []) {
      assert.ok(page.includes(squash(item.text).slice(0, 12)), `page ${last + 1}: 不合格项 ${item.id} not with the result`);
    }
    if (rubric.labels) assert.ok(!squash(pageTexts.join('')).includes('督导结果'), 'one vocabulary per rubric');

    // The 备注 print whole: the page with the heading holds every note.
    if (rubric.notes?.length) {
      const at = pageTexts.findIndex((t) => /^备注$/m.test(t));
      assert.ok(at >= 0, '备注 heading not printed');
      for (const note of rubric.notes) {
        assert.ok(squash(pageTexts[at]).includes(squash(note).slice(0, 16)), `page ${at + 1}: 备注 split, lacks “${note.slice(0, 16)}…”`);
      }
    }

    // Borders: the table's left and right rules print alike (the right one
    // was a 1-px grey hairline at 600 dpi, clipped by the page box).
    const pdf = path.join(tmp, `${id}.pdf`);
    execFileSync('pdftoppm', ['-r', '600', '-gray', '-f', '1', '-l', '1', pdf, path.join(tmp, `${id}-600`)]);
    const pgm = await readFile(path.join(tmp, `${id}-600-1.pgm`));
    const heightPx = Number(pgm.subarray(0, 64).toString('latin1').split(/\s+/)[2]);
    let checked = 0;
    for (let y = Math.round(heightPx * 0.45); y < heightPx * 0.8 && checked < 20; y += 37) {
      const runs = darkRuns(pgm, y);
      if (runs.length < 8) continue; // not a row crossing the table's rules
      const [left, right] = [runs[0][1], runs.at(-1)[1]];
      const widthPx = Number(pgm.subarray(0, 64).toString('latin1').split(/\s+/)[1]);
      const [leftGap, rightGap] = [runs[0][0], widthPx - runs.at(-1)[0] - right];
      assert.ok(Math.abs(leftGap - rightGap) <= 8, `y=${y}: the table sits ${leftGap} px from the left edge but ${rightGap} px from the right`);
      assert.ok(left >= 4 && right >= 4, `y=${y}: edge rules ${left} and ${right} px wide`);
      assert.ok(Math.abs(left - right) <= 1, `y=${y}: left rule ${left} px, right rule ${right} px`);
      checked++;
    }
    assert.ok(checked >= 3, `only ${checked} scan lines crossed the table`);
  });
}

test('criterion rows are at least 8 mm high and the 备注 column is wider, still within A4', { timeout: 60_000 }, async () => {
  const page = await browser.newPage();
  // The viewport as wide as A4 between the @page side margins (186 mm).
  await page.setViewportSize({ width: Math.floor((186 * 96) / 25.4), height: 1000 });
  await page.goto(pathToFileURL(path.join(site, 'rubrics', 'annex-1', 'checklist', 'index.html')).href);
  await page.emulateMedia({ media: 'print' });
  const sizes = await page.evaluate(() => {
    const mm = (px) => (px * 25.4) / 96;
    const rows = [...document.querySelectorAll('.checklist tr[id^="c-"]')].map((tr) => mm(tr.getBoundingClientRect().height));
    const table = document.querySelector('.checklist');
    const remark = document.querySelector('.checklist thead th:last-child');
    const text = document.querySelector('.checklist thead th:nth-child(3)');
    return {
      rows,
      table: mm(table.getBoundingClientRect().width),
      remark: mm(remark.getBoundingClientRect().width),
      text: mm(text.getBoundingClientRect().width),
    };
  });
  await page.close();
  assert.ok(sizes.rows.length > 40);
  assert.ok(Math.min(...sizes.rows) >= 7.9, `lowest row ${Math.min(...sizes.rows).toFixed(1)} mm`);
  assert.ok(sizes.remark >= 25, `备注 ${sizes.remark.toFixed(1)} mm`);
  // A4 is 210 mm; the @page margins leave 186 mm, and 评分标准 keeps room.
  assert.ok(sizes.table <= 186, `table ${sizes.table.toFixed(1)} mm wide`);
  assert.ok(sizes.text >= 60, `评分标准 ${sizes.text.toFixed(1)} mm`);
});

// Chromium embeds the CJK faces as Type 3 fonts without names, so pdffonts
// cannot tell a Chinese face from a Japanese one; the DevTools protocol
// says which platform font drew each element's glyphs.
test('every checklist prints in a Simplified Chinese face, never a Japanese or Latin fallback', { timeout: 120_000 }, async () => {
  const selectors = ['h1', '.sheet-source', '.sheet-field-label', '.sheet-rule', '.checklist thead th', '.checklist .row-title', '.checklist td.text', '.checklist td.pts', '.subtotal th', '.veto-table td.text', '.result-line', '.band-rule', '.signature', '.sheet-notes li', '.sheet-editorial'];
  for (const id of RUBRICS) {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(path.join(site, 'rubrics', id, 'checklist', 'index.html')).href);
    await page.emulateMedia({ media: 'print' });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    let checked = 0;
    for (const selector of selectors) {
      const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector });
      for (const nodeId of nodeIds.slice(0, 3)) {
        const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
        for (const font of fonts) {
          assert.match(`${font.familyName} ${font.postScriptName}`, /CJK SC|CJKsc|Microsoft YaHei|PingFang SC|SimSun|Source Han Sans SC/, `${id} ${selector}: drawn in ${font.familyName} (${font.postScriptName})`);
        }
        checked += fonts.length;
      }
    }
    await page.close();
    assert.ok(checked >= selectors.length, `${id}: only ${checked} fonts reported`);
  }
});
