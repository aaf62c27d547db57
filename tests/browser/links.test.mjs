// Every link of the built site resolves offline: each href/src of each page
// (and each url() of each stylesheet) names a file that exists, every
// #fragment names an id on its target page, and nothing points off-site.
// Then, in headless Chromium from file://, pages load their CSS and JS
// under the Content-Security-Policy and make no request at all off-site.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { SITE, launch, pageUrl, forbidNetwork } from './helpers.mjs';

async function walk(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else out.push(full);
  }
  return out.sort();
}

function decode(value) {
  return value
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#([0-9]+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/// Every URL-valued attribute of every tag (script contents skipped).
function urls(html) {
  const found = [];
  const markup = html.replace(/(<script\b[^>]*>)[\s\S]*?<\/script>/gi, '$1</script>');
  for (const tag of markup.matchAll(/<([a-z][a-z0-9]*)\b([^>]*)>/gi)) {
    for (const attr of tag[2].matchAll(/\s(href|src|srcset|action|poster|data|xlink:href)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
      found.push({ tag: tag[1].toLowerCase(), attr: attr[1].toLowerCase(), url: decode(attr[3] ?? attr[4] ?? attr[5]), route: /\sdata-view-link\b/.test(tag[2]) });
    }
  }
  return found;
}

function ids(html) {
  return new Set([...html.matchAll(/\sid\s*=\s*"([^"]*)"/g)].map((m) => decode(m[1])));
}

let files;
let pages;
const idCache = new Map();

async function idsOf(file) {
  if (!idCache.has(file)) idCache.set(file, ids(await readFile(file, 'utf8')));
  return idCache.get(file);
}

before(async () => {
  files = await walk(SITE);
  pages = files.filter((f) => f.endsWith('.html'));
});

test('the site has every page family', () => {
  const rel = new Set(files.map((f) => path.relative(SITE, f).split(path.sep).join('/')));
  for (const p of ['index.html', 'notice/index.html', 'coverage/index.html', 'indicators/33/index.html', 'groups/12/index.html', 'rubrics/annex-1/checklist/index.html', 'rubrics/annex-2/index.html', 'api/catalog.json']) {
    assert.ok(rel.has(p), `${p} missing`);
  }
  assert.ok(pages.length >= 50, `only ${pages.length} pages`);
});

test('every href and src resolves to a file (and #fragment to an id) inside the site', async () => {
  const broken = [];
  let checked = 0;
  for (const page of pages) {
    const html = await readFile(page, 'utf8');
    const own = ids(html);
    for (const { tag, attr, url, route } of urls(html)) {
      checked++;
      const where = `${path.relative(SITE, page)} <${tag} ${attr}="${url}">`;
      if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//')) {
        // No third-party (or any absolute) URL: the site must work offline.
        if (!url.startsWith('data:')) broken.push(`${where}: absolute URL`);
        continue;
      }
      const [pathPart, fragment] = url.split('#');
      const target = pathPart === '' ? page : path.resolve(path.dirname(page), decodeURIComponent(pathPart.split('?')[0]));
      if (!target.startsWith(SITE + path.sep) && target !== SITE) {
        broken.push(`${where}: leaves the site`);
        continue;
      }
      let info;
      try {
        info = await stat(target);
      } catch {
        broken.push(`${where}: no such file`);
        continue;
      }
      if (info.isDirectory()) {
        // From file:// a directory opens as a listing, not its index.html.
        broken.push(`${where}: a directory; link to its index.html`);
        continue;
      }
      // Fragments that carry state for a page's script (`#from=annex-1`, or
      // the assess page's view links marked data-view-link) are not anchors.
      if (fragment && !fragment.includes('=') && !route) {
        const targetIds = pathPart === '' ? own : target.endsWith('.html') ? await idsOf(target) : null;
        if (targetIds && !targetIds.has(decodeURIComponent(fragment))) broken.push(`${where}: no id "${fragment}"`);
      }
    }
  }
  assert.ok(checked > 1000, `only ${checked} links checked`);
  assert.deepEqual(broken, []);
});

test('stylesheets reference only files inside the site', async () => {
  const problems = [];
  for (const css of files.filter((f) => f.endsWith('.css'))) {
    const text = await readFile(css, 'utf8');
    if (/@import/i.test(text)) problems.push(`${path.relative(SITE, css)}: @import`);
    for (const m of text.matchAll(/url\(\s*['"]?([^'")]+)/g)) {
      const url = m[1];
      if (url.startsWith('data:')) continue;
      if (/^[a-z]+:|^\/\//i.test(url)) problems.push(`${path.relative(SITE, css)}: ${url}`);
      else {
        try { await stat(path.resolve(path.dirname(css), url)); } catch { problems.push(`${path.relative(SITE, css)}: missing ${url}`); }
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('no page, script or stylesheet names a third-party host', async () => {
  const offenders = [];
  for (const file of files.filter((f) => /\.(html|css|js)$/.test(f))) {
    const text = await readFile(file, 'utf8');
    // Namespace URIs are identifiers, never fetched (SVG, and the Office
    // Open XML of the .xlsx the summary page writes).
    const cleaned = text
      .replace(/http:\/\/www\.w3\.org\/[0-9]{4}\/[a-z]+/g, '')
      .replace(/http:\/\/schemas\.openxmlformats\.org\/[\w/.-]*/g, '');
    for (const m of cleaned.matchAll(/\b(?:https?:)?\/\/[a-z0-9-]+(\.[a-z0-9-]+)+/gi)) {
      if (file.endsWith('.js') && /\/\/[a-z0-9-]+\.[a-z]/i.test(m[0]) && !m[0].includes(':')) continue; // a comment like `// x.y`
      offenders.push(`${path.relative(SITE, file)}: ${m[0]}`);
    }
  }
  assert.deepEqual(offenders, []);
});

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('from file://, pages load their CSS and JS under the CSP and request nothing off-site', async () => {
  const sample = ['', 'notice/', 'indicators/8/', 'groups/4/', 'rubrics/annex-1/', 'rubrics/annex-1/checklist/', 'rubrics/annex-2/checklist/', 'coverage/'];
  for (const rel of sample) {
    const page = await browser.newPage();
    const offending = forbidNetwork(page);
    const violations = [];
    page.on('console', (m) => { if (/Content.Security.Policy|Refused to/i.test(m.text())) violations.push(m.text()); });
    page.on('pageerror', (e) => violations.push(String(e)));
    const failed = [];
    page.on('requestfailed', (r) => failed.push(r.url()));
    await page.goto(pageUrl(rel));
    const state = await page.evaluate(() => ({
      // site.css sets the CJK font stack on body; without it Chromium's default applies.
      font: getComputedStyle(document.body).fontFamily,
      // site.js adds class "js" to <html>.
      js: document.documentElement.classList.contains('js'),
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? '',
    }));
    assert.match(state.font, /Microsoft YaHei/, `${rel}: site.css not applied`);
    assert.ok(state.js, `${rel}: site.js did not run`);
    assert.match(state.csp, /script-src 'self'/);
    assert.doesNotMatch(state.csp, /unsafe-inline/);
    assert.deepEqual(violations, [], `${rel}: CSP violations`);
    assert.deepEqual(failed, [], `${rel}: failed requests`);
    assert.deepEqual(offending, [], `${rel}: off-site requests`);
    await page.close();
  }
});

test('the CSP really blocks inline script on file:// (so the check above means something)', async () => {
  const page = await browser.newPage();
  const violations = [];
  page.on('console', (m) => { if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text()); });
  await page.goto(pageUrl('notice/'));
  const ran = await page.evaluate(() => new Promise((resolve) => {
    window.__inline = false;
    const s = document.createElement('script');
    s.textContent = 'window.__inline = true;';
    document.head.append(s);
    setTimeout(() => resolve(window.__inline), 100);
  }));
  assert.equal(ran, false, 'inline script ran despite the CSP');
  assert.ok(violations.length > 0, 'no CSP violation reported');
  await page.close();
});
