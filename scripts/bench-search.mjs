// The measuring half of scripts/bench-search (run that, not this).
//
//   node scripts/bench-search.mjs make-book MODEL.json BOOK_DIR
//     writes the model as an mdBook source tree (same text as our site)
//   node scripts/bench-search.mjs measure OUT_DIR [--smoke]
//     serves OUT_DIR/site (and OUT_DIR/book/book, OUT_DIR/pagefind-site) on
//     127.0.0.1, runs tests/search_queries.json through each engine in
//     headless Chromium and prints the comparison table.
import { readFileSync, writeFileSync, mkdirSync, existsSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { launch } from '../tests/browser/helpers.mjs';
import { score } from '../tests/browser/search-eval.mjs';

const [command, ...args] = process.argv.slice(2);
const queries = JSON.parse(readFileSync(new URL('../tests/search_queries.json', import.meta.url), 'utf8')).queries;
// Each query is timed this many times (the whole set in turn); the median
// is over all of them, so one slow moment on a shared machine moves little.
const ROUNDS = 3;
const gzipSize = (bytes) => zlib.gzipSync(bytes, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// ------------------------------------------------------------- the book

function makeBook(modelPath, dir) {
  const model = JSON.parse(readFileSync(modelPath, 'utf8'));
  const { catalogue, rubrics } = model;
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  writeFileSync(path.join(dir, 'book.toml'), `[book]\ntitle = "${catalogue.overview.title}"\nlanguage = "zh-CN"\n\n[output.html.search]\nenable = true\nlimit-results = 30\n`);
  const summary = ['# Summary', ''];
  const chapter = (file, title, body) => {
    writeFileSync(path.join(dir, 'src', file), `# ${title}\n\n${body}\n`);
  };
  chapter('overview.md', catalogue.overview.title, catalogue.overview.body);
  summary.push(`[${catalogue.overview.title}](overview.md)`, '');
  chapter('notice.md', catalogue.notice.title, catalogue.notice.body);
  summary.push(`- [通知](notice.md)`);
  for (const group of catalogue.groups) {
    chapter(`group-${group.number}.md`, `${group.numeral}、${group.title}`, group.description);
    summary.push(`- [${group.numeral}、${group.title}](group-${group.number}.md)`);
    for (const number of group.indicators) {
      const indicator = catalogue.indicators.find((i) => i.number === number);
      const notes = catalogue.footnotes.filter((f) => f.indicator === number)
        .map((f) => `\n\n## 注${f.marker} {#fn-${f.number}}\n\n${f.text}`).join('');
      chapter(`indicator-${number}.md`, `${number}. ${indicator.title}`, indicator.explanation + notes);
      summary.push(`    - [${number}. ${indicator.title}](indicator-${number}.md)`);
    }
  }
  for (const rubric of rubrics) {
    const lines = [rubric.scoring_rule, ''];
    for (const stage of rubric.stages) {
      if (stage.title) lines.push(`## ${stage.title}`, '');
      for (const group of stage.groups) {
        lines.push(`### ${group.title}`, '');
        for (const row of group.rows) {
          lines.push(`#### ${row.title} {#row-${row.id}}`, '');
          for (const c of row.criteria) lines.push(`- ${c.text}`);
          lines.push('');
        }
      }
    }
    if (rubric.veto) {
      lines.push(`## ${rubric.veto.title}`, '');
      for (const item of rubric.veto.items) lines.push(`#### ${rubric.veto.title} {#veto-${item.id}}`, '', item.text, '');
    }
    if (rubric.notes.length) lines.push('## 备注', '', ...rubric.notes.map((n) => `- ${n}`));
    chapter(`rubric-${rubric.id}.md`, rubric.title, lines.join('\n'));
    summary.push(`- [${rubric.title}](rubric-${rubric.id}.md)`);
  }
  writeFileSync(path.join(dir, 'src', 'SUMMARY.md'), summary.join('\n') + '\n');
  // The footnote's page, for page-level scoring.
  writeFileSync(path.join(dir, 'footnotes.json'), JSON.stringify(Object.fromEntries(catalogue.footnotes.map((f) => [f.number, f.indicator]))));
}

// ------------------------------------------------------------- mapping results to query-set keys

/// An href of the book → a query-set key.
function bookKey(href) {
  const url = new URL(href);
  const page = path.basename(url.pathname);
  const anchor = url.hash.slice(1);
  let m;
  if (page === 'notice.html') return 'notice';
  if (page === 'overview.html' || page === 'index.html') return 'overview';
  if ((m = /^group-(\d+)\.html$/.exec(page))) return `group:${m[1]}`;
  if ((m = /^indicator-(\d+)\.html$/.exec(page))) return (m = /^fn-(\d+)$/.exec(anchor)) ? `footnote:${m[1]}` : `indicator:${/\d+/.exec(page)[0]}`;
  if ((m = /^rubric-(.+)\.html$/.exec(page))) {
    const id = m[1];
    if ((m = /^row-(.+)$/.exec(anchor))) return `row:${id}/${m[1]}`;
    if ((m = /^veto-(.+)$/.exec(anchor))) return `veto:${id}/${m[1]}`;
    return `rubric:${id}`;
  }
  return `other:${page}`;
}

/// A URL of our site (as Pagefind reports it) → a query-set key; rows by
/// their row or criterion anchor (criterion ids name their row via the page).
function siteKey(url, criterionRows) {
  const u = new URL(url, 'http://x');
  const p = u.pathname.replace(/index\.html$/, '');
  const anchor = u.hash.slice(1);
  let m;
  if (p === '/') return 'overview';
  if (p === '/notice/') return 'notice';
  if ((m = /^\/groups\/(\d+)\/$/.exec(p))) return `group:${m[1]}`;
  if ((m = /^\/indicators\/(\d+)\/$/.exec(p))) return (m = /^fn-(\d+)$/.exec(anchor)) ? `footnote:${m[1]}` : `indicator:${/\d+/.exec(p)[0]}`;
  if ((m = /^\/rubrics\/([^/]+)\/$/.exec(p))) {
    const id = m[1];
    if ((m = /^row-(.+)$/.exec(anchor))) return `row:${id}/${m[1]}`;
    if ((m = /^c-(.+)$/.exec(anchor)) && criterionRows[`${id}/${m[1]}`]) return `row:${id}/${criterionRows[`${id}/${m[1]}`]}`;
    if ((m = /^veto-(.+)$/.exec(anchor))) return `veto:${id}/${m[1]}`;
    return `rubric:${id}`;
  }
  return `other:${p}`;
}

/// The page a key lives on: rows and veto items on their rubric, the
/// footnote on its indicator.
function pageOf(key, footnotes) {
  let m;
  if ((m = /^(?:row|veto):([^/]+)\//.exec(key))) return `rubric:${m[1]}`;
  if ((m = /^footnote:(\d+)$/.exec(key))) return `indicator:${footnotes[m[1]]}`;
  return key;
}

function pageLevel(set, footnotes) {
  return set.map((q) => ({
    ...q,
    expect: [...new Set(q.expect.map((k) => pageOf(k, footnotes)))],
    accept: [...new Set((q.accept ?? []).map((k) => pageOf(k, footnotes)))],
  }));
}

const dedupe = (keys) => [...new Set(keys)];

// ------------------------------------------------------------- serving and byte accounting

function serve(root) {
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (pathname === '/__bench.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><title>bench</title></html>');
      return;
    }
    let file = path.join(root, pathname);
    if (!file.startsWith(root)) { res.writeHead(403); res.end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!existsSync(file)) { res.writeHead(404); res.end(); return; }
    const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml' };
    res.writeHead(200, { 'content-type': `${types[path.extname(file)] ?? 'application/octet-stream'}; charset=utf-8`, 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${server.address().port}` })));
}

async function recordBytes(page, isSearchFile) {
  const log = [];
  let phase = 'load';
  page.on('response', async (res) => {
    const entry = { url: res.url(), phase, bytes: 0, gzip: 0 };
    log.push(entry);
    try {
      const body = await res.body();
      entry.bytes = body.length;
      entry.gzip = gzipSize(body);
    } catch { /* redirects and aborted requests have no body */ }
  });
  return {
    setPhase: (p) => { phase = p; },
    search: (phases) => {
      const files = log.filter((e) => phases.includes(e.phase) && isSearchFile(e.url));
      return { files: files.length, bytes: files.reduce((a, e) => a + e.bytes, 0), gzip: files.reduce((a, e) => a + e.gzip, 0) };
    },
  };
}

function dirSize(dir) {
  let bytes = 0;
  let gzip = 0;
  for (const name of readdirSync(dir, { recursive: true })) {
    const file = path.join(dir, name);
    if (statSync(file).isFile()) {
      const body = readFileSync(file);
      bytes += body.length;
      gzip += gzipSize(body);
    }
  }
  return { bytes, gzip };
}

function fileSize(files) {
  return files.reduce((acc, file) => {
    const body = readFileSync(file);
    return { bytes: acc.bytes + body.length, gzip: acc.gzip + gzipSize(body) };
  }, { bytes: 0, gzip: 0 });
}

// ------------------------------------------------------------- the engines

async function measureDudao(browser, out) {
  const { server, base } = await serve(path.resolve(out, 'site'));
  const page = await (await browser.newContext()).newPage();
  const bytes = await recordBytes(page, (u) => /\/static\/(js\/search(-engine)?\.js|css\/search\.css|search-index\.js)$/.test(u));
  await page.goto(`${base}/indicators/14/index.html`, { waitUntil: 'load' });
  bytes.setPhase('first');
  await page.click('input[type=search]');
  await page.fill('input[type=search]', queries[0].q);
  await page.waitForFunction((q) => document.querySelector('[data-search-results]')?.dataset.query === q, queries[0].q);
  await page.waitForTimeout(200);
  bytes.setPhase('rest');
  const ranked = [];
  const times = [];
  for (let round = 0; round < ROUNDS; round++) for (const [i, q] of queries.entries()) {
    times.push(await page.evaluate((query) => new Promise((resolve) => {
      const input = document.querySelector('input[type=search]');
      const list = document.querySelector('[data-search-results]');
      const t0 = performance.now();
      const observer = new MutationObserver(() => {
        if (list.dataset.query === query) { observer.disconnect(); resolve(performance.now() - t0); }
      });
      observer.observe(list, { attributes: true, childList: true });
      input.value = query;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }), q.q));
    if (round === 0) ranked[i] = await page.$$eval('[data-search-results] a', (as) => as.map((a) => a.dataset.key));
  }
  const site = path.resolve(out, 'site/static');
  const result = {
    engine: 'dudao',
    index: fileSize([path.join(site, 'search-index.js')]),
    bundle: fileSize([path.join(site, 'search-index.js'), path.join(site, 'js/search-engine.js'), path.join(site, 'js/search.js'), path.join(site, 'css/search.css')]),
    atPageLoad: bytes.search(['load']),
    beforeFirstResult: bytes.search(['load', 'first']),
    allQueries: bytes.search(['load', 'first', 'rest']),
    medianMs: median(times),
    ranked,
    pages: ranked,
  };
  await page.close();
  server.close();
  return result;
}

async function measureMdbook(browser, out) {
  const root = path.resolve(out, 'book/book');
  const { server, base } = await serve(root);
  const page = await (await browser.newContext()).newPage();
  const bytes = await recordBytes(page, (u) => /\/(elasticlunr|searcher|mark|searchindex)-[0-9a-f]+(\.min)?\.js$/.test(u));
  await page.goto(`${base}/indicator-14.html`, { waitUntil: 'load' });
  bytes.setPhase('first');
  await page.click('#mdbook-search-toggle');
  const ask = (query) => page.evaluate((q) => {
    const bar = document.getElementById('mdbook-searchbar');
    bar.value = q;
    const t0 = performance.now();
    bar.dispatchEvent(new KeyboardEvent('keyup', { bubbles: true }));
    // mdBook searches synchronously inside the keyup handler.
    const header = document.getElementById('mdbook-searchresults-header').innerText;
    return { ms: performance.now() - t0, answered: header.includes(q) };
  }, query);
  await page.waitForFunction(() => window.search && window.search.index !== undefined).catch(() => {});
  let first;
  for (let i = 0; i < 50 && !(first = await ask(queries[0].q)).answered; i++) await page.waitForTimeout(100);
  bytes.setPhase('rest');
  const ranked = [];
  const times = [];
  for (let round = 0; round < ROUNDS; round++) for (const [i, q] of queries.entries()) {
    await ask('\u0000reset');
    const { ms } = await ask(q.q);
    times.push(ms);
    if (round === 0) ranked[i] = await page.$$eval('#mdbook-searchresults a', (as) => as.map((a) => a.href));
  }
  const files = readdirSync(root).filter((f) => /^(elasticlunr|searcher|mark|searchindex)-/.test(f)).map((f) => path.join(root, f));
  const result = {
    engine: 'mdBook 0.5.4',
    index: fileSize(files.filter((f) => /searchindex/.test(f))),
    bundle: fileSize(files),
    atPageLoad: bytes.search(['load']),
    beforeFirstResult: bytes.search(['load', 'first']),
    allQueries: bytes.search(['load', 'first', 'rest']),
    medianMs: median(times),
    ranked: ranked.map((hrefs) => hrefs.map(bookKey)),
  };
  await page.close();
  server.close();
  return result;
}

async function measurePagefind(browser, out, criterionRows) {
  const root = path.resolve(out, 'pagefind-site');
  const { server, base } = await serve(root);
  const page = await (await browser.newContext()).newPage();
  const bytes = await recordBytes(page, (u) => /\/pagefind\//.test(u));
  // A page without our CSP: Pagefind compiles WebAssembly, which
  // script-src 'self' forbids.
  await page.goto(`${base}/__bench.html`, { waitUntil: 'load' });
  bytes.setPhase('first');
  const ask = (query) => page.evaluate(async (q) => {
    window.pf ??= await import('/pagefind/pagefind.js');
    const t0 = performance.now();
    const search = await window.pf.search(q);
    const data = await Promise.all(search.results.slice(0, 5).map((r) => r.data()));
    return {
      ms: performance.now() - t0,
      results: data.map((d) => ({
        url: d.url,
        subs: [...d.sub_results].sort((a, b) => (b.locations?.length ?? 0) - (a.locations?.length ?? 0)).map((s) => s.url),
      })),
    };
  }, query);
  await ask(queries[0].q);
  bytes.setPhase('rest');
  const ranked = [];
  const pages = [];
  const times = [];
  for (let round = 0; round < ROUNDS; round++) for (const [i, q] of queries.entries()) {
    const { ms, results } = await ask(q.q);
    times.push(ms);
    if (round > 0) continue;
    // Exact places: a page result stands for its best sub-result (a heading
    // with an id) when there is one, else for the page.
    ranked[i] = results.map((r) => siteKey(r.subs[0] ?? r.url, criterionRows));
    pages[i] = results.map((r) => siteKey(r.url, criterionRows));
  }
  const result = {
    engine: 'Pagefind 1.6.0 extended',
    index: dirSize(path.join(root, 'pagefind')),
    bundle: dirSize(path.join(root, 'pagefind')),
    atPageLoad: bytes.search(['load']),
    beforeFirstResult: bytes.search(['load', 'first']),
    allQueries: bytes.search(['load', 'first', 'rest']),
    medianMs: median(times),
    ranked,
    pages,
  };
  await page.close();
  server.close();
  return result;
}

// ------------------------------------------------------------- report

async function measure(out, mode) {
  const model = JSON.parse(readFileSync(existsSync(path.join(out, 'model.json')) ? path.join(out, 'model.json') : '/dev/null', 'utf8') || '{"catalogue":{"footnotes":[]},"rubrics":[]}');
  const footnotes = Object.fromEntries(model.catalogue.footnotes.map((f) => [f.number, f.indicator]));
  const criterionRows = {};
  for (const r of model.rubrics) for (const s of r.stages) for (const g of s.groups) for (const row of g.rows) for (const c of row.criteria) criterionRows[`${r.id}/${c.id}`] = row.id;

  const browser = await launch();
  const results = [await measureDudao(browser, out)];
  if (mode !== '--smoke') {
    results.push(await measureMdbook(browser, out));
    results.push(await measurePagefind(browser, out, criterionRows));
  }
  await browser.close();

  const pageSet = pageLevel(queries, footnotes);
  const rows = results.map((r) => {
    const exact = score(queries, r.ranked);
    const onPage = score(pageSet, (r.pages ?? r.ranked).map((keys) => dedupe(keys.map((k) => pageOf(k, footnotes)))));
    return { ...r, exact, onPage };
  });
  const lines = [
    `Query set: ${queries.length} queries (tests/search_queries.json), each timed ${ROUNDS} times. Chromium headless, sites served from 127.0.0.1, cache empty.`,
    '',
    '| | recall@3 | precision@1 | recall@3, page level | index on disk (raw / gzip) | search files fetched before the first result (raw / gzip) | after all queries (gzip) | median query |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.engine} | ${r.exact.recallAt3.toFixed(2)} | ${r.exact.precisionAt1.toFixed(2)} | ${r.onPage.recallAt3.toFixed(2)} | ${kb(r.index.bytes)} / ${kb(r.index.gzip)} | ${kb(r.beforeFirstResult.bytes)} / ${kb(r.beforeFirstResult.gzip)} (${r.beforeFirstResult.files} files; ${kb(r.atPageLoad.gzip)} of it with the page) | ${kb(r.allQueries.gzip)} | ${r.medianMs.toFixed(2)} ms |`),
  ];
  console.log(lines.join('\n'));
  for (const r of rows) {
    if (r.exact.misses.length) console.log(`\n${r.engine} misses (${r.exact.misses.length}):\n  ${r.exact.misses.slice(0, 12).join('\n  ')}${r.exact.misses.length > 12 ? '\n  …' : ''}`);
  }
  writeFileSync(path.join(out, 'results.json'), JSON.stringify(rows.map(({ ranked, pages, ...r }) => r), null, 2));
}

if (command === 'make-book') makeBook(args[0], args[1]);
else if (command === 'measure') await measure(args[0], args[1]);
else {
  console.error('usage: scripts/bench-search [--smoke]   (this file is its helper)');
  process.exit(2);
}
