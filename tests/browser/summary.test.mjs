// 督导汇总 (summary/) in headless Chromium from file://, against `dudao
// summarize` over the same files: 30 generated assessments across two
// rubrics plus a tampered and a duplicate file. The expected band counts,
// heat-map cell and most-lost criterion are recomputed here from the
// generated answers, independently of both implementations. Then bad input:
// non-JSON, a future version, a version-1 file, a 100 MB file, 5,000 files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile, truncate } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { launch, pageUrl, forbidNetwork, BIN } from './helpers.mjs';
import { generate, makeAssessment } from '../../scripts/gen-assessments.mjs';

const require = createRequire(import.meta.url);
const S = require('../../themes/default/static/js/scoring.js');
const TM = require('../../themes/default/static/js/tailor-model.js');
const M = require('../../themes/default/static/js/summary-model.js');
const AXE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
const PYTHON = process.env.DUDAO_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

let browser;
let tmp;
let dir;
let made;
let cli;

before(async () => {
  browser = await launch();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'dudao-summary-'));
  dir = path.join(tmp, 'round');
  made = generate({ out: dir, count: 30, seed: 7, rubrics: ['annex-1', 'annex-2'], tampered: 1, duplicates: 1, bin: BIN });
  const out = path.join(tmp, 'cli');
  const names = (await readdir(dir)).sort();
  execFileSync(BIN, ['summarize', ...names, '--output', out], { cwd: dir, stdio: 'pipe' });
  cli = { out, json: JSON.parse(await readFile(path.join(out, 'summary.json'), 'utf8')) };
});

after(async () => {
  await browser?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function openSummary() {
  const page = await browser.newPage({ acceptDownloads: true });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const offending = forbidNetwork(page);
  await page.goto(pageUrl('summary/'));
  return { page, errors, offending };
}

async function loadFiles(page, files) {
  const before = await page.getAttribute('#summary-app', 'data-ready');
  await page.setInputFiles('#summary-files', files);
  await page.waitForFunction((b) => {
    const ready = document.getElementById('summary-app').dataset.ready;
    return ready && ready !== b;
  }, before, { timeout: 120000 });
}

/** Latest valid assessment per rubric × institution, from the generated documents. */
function latestDocs() {
  const latest = new Map();
  for (const m of made.filter((x) => x.kind === 'valid')) {
    const key = m.doc.rubric.id + '|' + m.doc.header['机构备案号'];
    const seen = latest.get(key);
    if (!seen || m.doc.header['督导日期'] > seen.header['督导日期']) latest.set(key, m.doc);
  }
  return Array.from(latest.values());
}

async function download(page, action) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(`[data-action="${action}"]`)]);
  const target = path.join(tmp, file.suggestedFilename());
  await file.saveAs(target);
  return target;
}

function xlsxValues(file) {
  const script = [
    'import json, sys, openpyxl',
    'wb = openpyxl.load_workbook(sys.argv[1], data_only=True)',
    'print(json.dumps({ws.title: [[c for c in row] for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}, ensure_ascii=False))',
  ].join('\n');
  return JSON.parse(execFileSync(PYTHON, ['-c', script, file], { encoding: 'utf8' }));
}

test('30 files of two rubrics, one tampered, one duplicate: bands, heat map, ranking, exports equal the CLI', async () => {
  const { page, errors, offending } = await openSummary();
  const files = (await readdir(dir)).sort().map((f) => path.join(dir, f));
  await loadFiles(page, files);

  assert.match(await page.textContent('[data-counts]'), /共读取 32 个文件：采用 30 份评估，未采用 1 个，重复 1 个/);
  assert.equal(await page.getAttribute('[data-refused="tampered"]', 'data-refused'), 'tampered');
  assert.match(await page.textContent('[data-refused="duplicate"]'), /评估-副本-1\.json.*同一份评估/);

  const docs = latestDocs();
  for (const rubricId of ['annex-1', 'annex-2']) {
    const mine = docs.filter((d) => d.rubric.id === rubricId);
    const expected = { excellent: 0, pass: 0, fail: 0, 'fail-veto': 0 };
    for (const d of mine) expected[d.totals.vetoed ? 'fail-veto' : d.totals.band] += 1;
    const shown = await page.$$eval(`[data-rubric="${rubricId}"] [data-band-bar]`,
      (bars) => Object.fromEntries(bars.map((b) => [b.dataset.bandBar, Number(b.dataset.count)])));
    assert.deepEqual(shown, expected, rubricId);
    assert.ok(Object.values(expected).reduce((a, b) => a + b) >= 10);

    // Heat-map cell: the first institution × the indicator of the rubric's first criterion.
    const rubric = mine[0].rubric;
    const criteria = S.flatten(rubric);
    const indicator = criteria[0].row.indicators[0];
    const doc = mine[0];
    const lost = criteria.filter((c) => c.row.indicators[0] === indicator).reduce((sum, c) => {
      const a = doc.answers[c.id];
      if (!a || !a.status) return sum;
      const score = a.status === 'full' ? c.halves : a.status === 'partial' ? a.score * 2 : 0;
      return sum + c.halves - score;
    }, 0) / 2;
    const cell = await page.getAttribute(
      `[data-heat="${rubricId}"] tr[data-institution="filing:${doc.header['机构备案号']}"] td[data-indicator="${indicator}"]`, 'data-lost');
    assert.equal(Number(cell), lost, `${rubricId} ${doc.header['机构备案号']} × 指标${indicator}`);

    // Most-lost criterion: most institutions losing points, then most points, then table order.
    const ranked = criteria.map((c) => {
      let count = 0;
      let points = 0;
      for (const d of mine) {
        const a = d.answers[c.id];
        if (!a || !a.status) continue;
        const score = a.status === 'full' ? c.halves : a.status === 'partial' ? a.score * 2 : 0;
        if (score < c.halves) { count += 1; points += c.halves - score; }
      }
      return { id: c.id, count, points, index: c.index };
    }).filter((c) => c.count > 0).sort((a, b) => b.count - a.count || b.points - a.points || a.index - b.index);
    assert.equal(await page.getAttribute(`[data-rubric="${rubricId}"] [data-rank="1"]`, 'data-criterion'), ranked[0].id);
  }

  // The aggregates equal the CLI's, field for field (reasons are in each one's language).
  const browserJson = JSON.parse(await readFile(await download(page, 'export-json'), 'utf8'));
  const strip = (s) => {
    s.files.refused.forEach((r) => delete r.reason);
    s.files.duplicates.forEach((r) => delete r.reason);
    return s;
  };
  assert.deepEqual(strip(browserJson), strip(structuredClone(cli.json)));

  // The workbooks hold the same values (openpyxl reads both).
  const fromPage = xlsxValues(await download(page, 'export-xlsx'));
  const fromCli = xlsxValues(path.join(cli.out, 'summary.xlsx'));
  assert.deepEqual(Object.keys(fromPage), ['汇总', 'annex-1', 'annex-2', '指标失分']);
  assert.deepEqual(fromPage, fromCli);

  const csv = await readFile(await download(page, 'export-csv'));
  assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const csvText = csv.toString('utf8');
  assert.ok(csvText.includes('\r\n') && !/[^\r]\n/.test(csvText));
  assert.equal(csvText.slice(1), await readFile(path.join(cli.out, 'summary.csv'), 'utf8').then((t) => t.slice(1)));

  // 合格 is dudao's name: marked ※ in every table cell and export, the note under the table and as a last row.
  const lines = csvText.trimEnd().split('\r\n');
  assert.ok(lines.some((l) => l.includes(',合格※,')), 'the 30 files include a 合格');
  assert.doesNotMatch(csvText.replace(M.BAND_NOTE, '').replace(/不合格/g, ''), /合格(?!※)/);
  assert.equal(lines.at(-1), M.BAND_NOTE);
  for (const sheet of ['汇总', 'annex-1', 'annex-2']) {
    const rows = fromPage[sheet];
    assert.deepEqual(rows.at(-1).filter((v) => v !== null), [M.BAND_NOTE], sheet);
    assert.ok(rows.flat().some((v) => v === '合格※'), sheet);
  }
  const shownBands = await page.$$eval('[data-table] tbody td, .summary-detail summary, .summary-timeline td, [data-band-bar] text',
    (cells) => cells.map((c) => c.textContent).filter((t) => t.replace(/不合格/g, '').includes('合格')));
  assert.ok(shownBands.length > 0);
  assert.deepEqual(shownBands.filter((t) => /合格(?!※)/.test(t.replace(/不合格/g, ''))), []);
  assert.equal(await page.textContent('[data-band-note]'), M.BAND_NOTE);
  assert.deepEqual([...new Set(await page.$$eval('.summary-figure figcaption', (fs) => fs.map((f) => f.textContent)))], [M.BAND_NOTE]);

  // Sorting and filtering.
  await page.selectOption('[data-filter="band"]', 'fail-veto');
  const vetoRows = await page.$$eval('[data-table] tbody tr', (rows) => rows.map((r) => r.dataset.band));
  assert.ok(vetoRows.every((b) => b === 'fail-veto'));
  await page.selectOption('[data-filter="band"]', '');
  await page.fill('[data-filter="from"]', '2025-09-01');
  await page.dispatchEvent('[data-filter="from"]', 'change');
  await page.selectOption('[data-filter="rubric"]', 'annex-2');
  const autumn = await page.$$eval('[data-table] tbody tr', (rows) => rows.map((r) => [r.cells[0].textContent, r.cells[4].textContent]));
  const expectedAutumn = latestDocs().filter((d) => d.rubric.id === 'annex-2' && d.header['督导日期'] >= '2025-09-01').length;
  assert.ok(expectedAutumn > 0);
  assert.equal(autumn.length, expectedAutumn);
  assert.ok(autumn.every(([rubric, date]) => rubric === 'annex-2' && date >= '2025-09-01'), JSON.stringify(autumn));
  await page.fill('[data-filter="from"]', '');
  await page.dispatchEvent('[data-filter="from"]', 'change');
  await page.selectOption('[data-filter="rubric"]', '');
  await page.click('[data-sort="5"]');
  const totals = await page.$$eval('[data-table] tbody tr td:nth-child(6)', (cells) => cells.map((c) => Number(c.textContent)));
  assert.deepEqual(totals, totals.slice().sort((a, b) => a - b));

  // No page error, CSP violation or network request so far (axe's own
  // stylesheet fetches, refused on file://, come after).
  assert.deepEqual(errors, []);
  assert.deepEqual(offending, []);
  await page.evaluate(AXE);
  const results = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  const serious = results.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  assert.deepEqual(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`), []);

  // Printed: A4, the chart and the heat map in it.
  const pdf = path.join(tmp, 'summary.pdf');
  await page.pdf({ path: pdf, format: 'A4', landscape: true, printBackground: true });
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  assert.match(text, /分档分布/);
  assert.match(text, /各指标失分/);
  await page.close();
});

test('the workspace: stored assessments are summarised, and a drill-down opens one in the workspace', async () => {
  const { page, errors } = await openSummary();
  const valid = made.filter((m) => m.kind === 'valid');
  const texts = await Promise.all(valid.slice(0, 3).map((m) => readFile(path.join(dir, m.file), 'utf8')));
  const stored = await page.evaluate(async (list) => {
    const ids = [];
    for (const text of list) {
      const r = await globalThis.DudaoWorkspace.fromFile(text);
      if (!r.ok) throw new Error(r.message);
      ids.push(r.id);
    }
    return ids;
  }, texts);
  assert.equal(stored.length, 3);
  await page.reload();
  await page.waitForSelector('[data-action="open-workspace"]:not([hidden])');
  const before = await page.getAttribute('#summary-app', 'data-ready');
  await page.click('[data-action="open-workspace"]');
  await page.waitForFunction((b) => document.getElementById('summary-app').dataset.ready && document.getElementById('summary-app').dataset.ready !== b, before);
  assert.match(await page.textContent('[data-counts]'), /共读取 3 个文件：采用 3 份评估/);

  // A file opened from disk whose id the workspace already holds opens the stored one.
  const doc = valid[0].doc;
  const button = page.locator(`[data-action="open-assessment"][data-id="${doc.id}"]`);
  await page.locator(`details:has([data-id="${doc.id}"]) > summary`).click();
  await Promise.all([page.waitForURL(/rubrics\/annex-[12]\/assess\/index\.html#assessment=/), button.click()]);
  assert.ok(page.url().endsWith(`#assessment=${doc.id}`), page.url());
  assert.deepEqual(errors, []);
  await page.close();
});

test('a drill-down on a file the workspace lacks imports it first, then opens it on its assess page', async () => {
  const { page, errors } = await openSummary();
  const m = made.filter((x) => x.kind === 'valid')[7];
  await loadFiles(page, [path.join(dir, m.file)]);
  assert.equal(await page.evaluate((id) => globalThis.DudaoWorkspace.get(id).then((d) => d === null), m.doc.id), true);
  await page.locator(`details:has([data-id="${m.doc.id}"]) > summary`).click();
  await Promise.all([
    page.waitForURL(new RegExp(`rubrics/${m.doc.rubric.id}/assess/index\\.html#assessment=${m.doc.id}$`)),
    page.click(`[data-action="open-assessment"][data-id="${m.doc.id}"]`),
  ]);
  await page.waitForSelector('#assess-app[data-ready]');
  assert.equal(await page.textContent('[data-total]'), String(m.doc.totals.total));
  assert.deepEqual(errors, []);
  await page.close();
});

test('a whole folder from the folder picker: only its *.json, named by their path in the folder', async () => {
  const { page, errors } = await openSummary();
  assert.equal(await page.$eval('#summary-folder', (input) => input.webkitdirectory), true);
  const folder = path.join(tmp, 'folder');
  await import('node:fs/promises').then((fs) => fs.mkdir(path.join(folder, 'sub'), { recursive: true }));
  const valid = made.filter((m) => m.kind === 'valid');
  await writeFile(path.join(folder, 'a.json'), await readFile(path.join(dir, valid[0].file)));
  await writeFile(path.join(folder, 'sub', 'b.json'), await readFile(path.join(dir, valid[1].file)));
  await writeFile(path.join(folder, 'sub', 'readme.txt'), 'not an assessment');
  const before = await page.getAttribute('#summary-app', 'data-ready');
  await page.setInputFiles('#summary-folder', folder);
  await page.waitForFunction((b) => document.getElementById('summary-app').dataset.ready && document.getElementById('summary-app').dataset.ready !== b, before);
  assert.match(await page.textContent('[data-counts]'), /共读取 2 个文件：采用 2 份评估/);
  const files = await page.$$eval('.summary-timeline tbody td:last-child', (cells) => cells.map((c) => c.textContent).sort());
  assert.deepEqual(files, ['folder/a.json', 'folder/sub/b.json']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('files dropped on the page are read (a folder drop walks webkitGetAsEntry; synthetic drops carry plain files)', async () => {
  const { page, errors } = await openSummary();
  const text = await readFile(path.join(dir, made.find((m) => m.kind === 'valid').file), 'utf8');
  const before = await page.getAttribute('#summary-app', 'data-ready');
  const transfer = await page.evaluateHandle((t) => {
    const dt = new DataTransfer();
    dt.items.add(new File([t], 'dropped.json', { type: 'application/json' }));
    dt.items.add(new File(['nope'], 'junk.json', { type: 'application/json' }));
    return dt;
  }, text);
  await page.dispatchEvent('#summary-drop', 'dragover', { dataTransfer: transfer });
  assert.equal(await page.getAttribute('#summary-drop', 'data-over'), '');
  await page.dispatchEvent('#summary-drop', 'drop', { dataTransfer: transfer });
  await page.waitForFunction((b) => document.getElementById('summary-app').dataset.ready && document.getElementById('summary-app').dataset.ready !== b, before);
  assert.match(await page.textContent('[data-counts]'), /共读取 2 个文件：采用 1 份评估，未采用 1 个/);
  assert.match(await page.textContent('[data-refused="not-json"]'), /junk\.json/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a rubric whose header has a region field: the region filter appears and filters, as the CLI counts them', async () => {
  const rubric = JSON.parse(JSON.stringify(made.find((m) => m.kind === 'valid' && m.doc.rubric.id === 'annex-1').doc.rubric));
  rubric.header_fields = [...rubric.header_fields, '所在地区'];
  rubric.content_hash = TM.contentHash(rubric);
  const regional = path.join(tmp, 'regional');
  await import('node:fs/promises').then((fs) => fs.mkdir(regional));
  const regions = ['杭州市', '宁波市', '杭州市'];
  const files = [];
  for (const [i, region] of regions.entries()) {
    const doc = makeAssessment(rubric, { name: `测试机构${i + 1}`, filing: `S990000${i}`, quality: 0.8 }, 900 + i, 7, 5);
    doc.header['所在地区'] = region;
    const file = path.join(regional, `r${i}.json`);
    await writeFile(file, JSON.stringify(doc));
    files.push(file);
  }
  const { page, errors } = await openSummary();
  await loadFiles(page, files);
  assert.equal(await page.isVisible('[data-region-filter]'), true);
  assert.deepEqual(await page.$$eval('[data-filter="region"] option', (os) => os.map((o) => o.value)), ['', '宁波市', '杭州市']);
  await page.selectOption('[data-filter="region"]', '杭州市');
  assert.deepEqual(await page.$$eval('[data-table] tbody tr td:nth-child(4)', (cells) => cells.map((c) => c.textContent)), ['杭州市', '杭州市']);
  const out = path.join(tmp, 'regional-out');
  execFileSync(BIN, ['summarize', regional, '--output', out], { stdio: 'pipe' });
  const summary = JSON.parse(await readFile(path.join(out, 'summary.json'), 'utf8'));
  assert.deepEqual(summary.rubrics[0].institutions.map((i) => i.region).sort(), ['宁波市', '杭州市', '杭州市']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the static page dudao summarize writes shows the same bands and needs no script', async () => {
  const html = await readFile(path.join(cli.out, 'index.html'), 'utf8');
  assert.ok(!html.includes('<script'));
  const page = await browser.newPage();
  await page.goto('file://' + path.join(cli.out, 'index.html'));
  for (const r of cli.json.rubrics) {
    const shown = await page.$$eval(`[data-rubric="${r.id}"] [data-band-bar]`,
      (bars) => Object.fromEntries(bars.map((b) => [b.dataset.bandBar, Number(b.dataset.count)])));
    assert.deepEqual(shown, r.bands);
  }
  const shownBands = await page.$$eval('[data-table] tbody td, .summary-detail summary, .summary-timeline td, [data-band-bar] text',
    (cells) => cells.map((c) => c.textContent).filter((t) => t.replace(/不合格/g, '').includes('合格')));
  assert.ok(shownBands.length > 0);
  assert.deepEqual(shownBands.filter((t) => /合格(?!※)/.test(t.replace(/不合格/g, ''))), []);
  assert.equal(await page.textContent('[data-band-note]'), M.BAND_NOTE);
  assert.deepEqual([...new Set(await page.$$eval('.summary-figure figcaption', (fs) => fs.map((f) => f.textContent)))], [M.BAND_NOTE]);
  await page.evaluate(AXE);
  const results = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  const serious = results.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  assert.deepEqual(serious.map((v) => v.id), []);
  await page.close();
});

test('bad input: non-JSON, a future version, a version-1 file and a 100 MB file are listed, the rest load', async () => {
  const bad = path.join(tmp, 'bad');
  await rm(bad, { recursive: true, force: true });
  await import('node:fs/promises').then((fs) => fs.mkdir(bad));
  await writeFile(path.join(bad, 'broken.json'), '{"format": "dudao-assessment", "version": 2,');
  await writeFile(path.join(bad, 'future.json'), JSON.stringify({ format: 'dudao-assessment', version: 3 }));
  await writeFile(path.join(bad, 'old.json'), JSON.stringify({ format: 'dudao-assessment', version: 1 }));
  await writeFile(path.join(bad, 'huge.json'), '');
  await truncate(path.join(bad, 'huge.json'), 100 * 1024 * 1024);
  const good = made.filter((m) => m.kind === 'valid').slice(0, 2).map((m) => path.join(dir, m.file));
  const { page, errors } = await openSummary();
  await loadFiles(page, [...['broken', 'future', 'old', 'huge'].map((n) => path.join(bad, `${n}.json`)), ...good]);
  const reasons = await page.$$eval('[data-refused]', (rows) => Object.fromEntries(rows.map((r) => [r.dataset.refused, r.textContent])));
  assert.match(reasons['not-json'], /broken\.json.*不是有效的 JSON/);
  assert.match(reasons['future-version'], /future\.json.*第 3 版.*新/);
  assert.match(reasons['old-version'], /old\.json.*第 1 版/);
  assert.match(reasons['too-large'], /huge\.json.*100 MB.*50 MB/);
  assert.match(await page.textContent('[data-counts]'), /采用 2 份评估，未采用 4 个/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('5,000 files at once: read with progress, no crash, every one accounted for', async () => {
  const many = path.join(tmp, 'many');
  await import('node:fs/promises').then((fs) => fs.mkdir(many));
  const names = [];
  for (let i = 0; i < 4990; i++) {
    const name = path.join(many, `f${String(i).padStart(4, '0')}.json`);
    await writeFile(name, i % 2 ? '{"format":"dudao-assessment","version":9}' : 'not json');
    names.push(name);
  }
  const good = made.filter((m) => m.kind === 'valid').slice(0, 10).map((m) => path.join(dir, m.file));
  const { page, errors } = await openSummary();
  await loadFiles(page, [...names, ...good]);
  assert.match(await page.textContent('[data-counts]'), /共读取 5000 个文件：采用 10 份评估，未采用 4990 个/);
  assert.equal(await page.locator('[data-refused="future-version"]').count(), 2495);
  assert.deepEqual(errors, []);
  await page.close();
});
