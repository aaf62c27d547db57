// The site in Firefox (Debian's firefox-esr), from file://: the
// self-assessment form scores and vetoes, search finds and links, and no page
// throws or trips the Content-Security-Policy. The other browser tests run in
// Chromium only; Playwright cannot drive a stock Firefox, so this file uses
// puppeteer-core over WebDriver BiDi.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import puppeteer from 'puppeteer-core';
import { BIN, pageUrl } from './helpers.mjs';

const FIREFOX = '/usr/bin/firefox-esr';
const skip = existsSync(FIREFOX) ? false : `${FIREFOX} is missing (scripts/install-test-deps installs firefox-esr)`;

let browser;
let profile;
before(async () => {
  if (skip) return;
  profile = mkdtempSync(path.join(os.tmpdir(), 'dudao-firefox-'));
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: profile,
    extraPrefsFirefox: {
      // No update checks, telemetry or remote settings: nothing but the site.
      'app.update.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
      'network.connectivity-service.enabled': false,
      'browser.safebrowsing.update.enabled': false,
    },
  });
});
after(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

const CSP = /Content[- ]Security[- ]Policy/i;

/// Opens a page, collecting uncaught errors and CSP violations: Firefox
/// reports the latter on the console, and the page sees them as
/// securitypolicyviolation events, which a preload script records.
async function openPage(relative) {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message ?? err}`));
  page.on('console', (msg) => {
    if (CSP.test(msg.text())) problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  await page.evaluateOnNewDocument(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  await page.goto(pageUrl(relative), { waitUntil: 'load' });
  const check = async () => {
    const violations = await page.evaluate(() => window.__cspViolations);
    assert.deepEqual([...problems, ...violations.map((v) => `csp: ${v}`)], [], relative);
  };
  return { page, check };
}

test('the self-assessment form scores, bands and vetoes in Firefox', { skip }, async () => {
  const { page, check } = await openPage('rubrics/annex-1/assess/');
  await page.waitForSelector('#assess-app[data-ready]');
  const fulls = await page.$$('[data-criterion] input[value=full]');
  assert.ok(fulls.length > 10, `criteria with a 符合 choice: ${fulls.length}`);
  for (const radio of fulls) await radio.click();
  const total = () => page.$eval('[data-total]', (el) => el.textContent.trim());
  const band = () => page.$eval('[data-band]', (el) => el.getAttribute('data-band'));
  assert.equal(await total(), '100');
  assert.equal(await band(), 'excellent');
  await (await page.$('[data-veto]')).click();
  await page.waitForFunction(() => document.querySelector('[data-band]').getAttribute('data-band') === 'fail');
  assert.equal(await band(), 'fail');
  assert.equal(await page.$eval('[data-veto]', (el) => el.checked), true);
  await check();
  await page.close();
});

test('search finds 考评员 and its first result opens in Firefox', { skip }, async () => {
  const { page, check } = await openPage('indicators/14/');
  await page.type('input[type=search]', '考评员');
  await page.waitForSelector('[data-search-results] a');
  const hrefs = await page.$$eval('[data-search-results] a', (links) => links.map((a) => a.href));
  assert.ok(hrefs.length >= 1, 'at least one result');
  const first = new URL(hrefs[0]);
  assert.equal(first.protocol, 'file:', hrefs[0]);
  const file = fileURLToPath(first);
  assert.ok(existsSync(file.endsWith(path.sep) ? path.join(file, 'index.html') : file), `first result resolves to a page: ${hrefs[0]}`);
  await check();
  await page.close();
});

for (const relative of ['rubrics/annex-1/checklist/', 'tailor/']) {
  test(`${relative} loads without errors or CSP violations in Firefox`, { skip }, async () => {
    const { page, check } = await openPage(relative);
    // Let deferred module scripts run before judging the page.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 200))));
    await check();
    await page.close();
  });
}

test('the workspace opens an assessment file for a rubric the site lacks, and it scores, from file:// in Firefox', { skip }, async () => {
  // IndexedDB works from file:// in Firefox ESR (one store for every file:// page), so the workspace does too.
  const require = createRequire(import.meta.url);
  const X = require('../../themes/default/static/js/exchange.js');
  const M = require('../../themes/default/static/js/tailor-model.js');
  const rubric = JSON.parse(execFileSync(BIN, ['dump'], { encoding: 'utf8' })).rubrics.find((r) => r.id === 'annex-1');
  rubric.title = '火狐测试定制评分表';
  rubric.content_hash = M.contentHash(rubric);
  const state = X.emptyState(rubric);
  state.answers.licences = { status: 'full', by: '李四' };
  const data = X.toExport(rubric, state, '2025-03-18T08:00:00.000Z', { assessors: ['李四'] }).data;
  const file = path.join(profile, 'firefox-assessment.json');
  writeFileSync(file, JSON.stringify(data));

  const { page, check } = await openPage('assessments/');
  await page.waitForSelector('#workspace-app[data-ready]');
  await (await page.$('input[type=file][data-open-assessment]')).uploadFile(file);
  await page.waitForSelector(`[data-assessment-id="${data.id}"]`);
  assert.match(await page.$eval('#workspace-message', (el) => el.textContent), /已打开/);
  await check();
  const href = await page.$eval(`[data-assessment-id="${data.id}"] a.button-primary`, (a) => a.href);
  assert.match(href, /assessments\/form\/index\.html#assessment=/);
  await page.goto(href, { waitUntil: 'load' });
  await page.waitForSelector('#assess-app[data-ready]');
  assert.match(await page.$eval('h1', (el) => el.textContent), /火狐测试定制评分表/);
  assert.equal(await page.$eval('[data-total]', (el) => el.textContent.trim()), '1');
  await (await page.$('[data-criterion="plan"] input[value=full]')).click();
  await page.waitForFunction(() => document.querySelector('[data-total]').textContent.trim() === '4');
  await page.waitForSelector('#assess-app[data-ready]:not([data-saving])');
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('#assess-app[data-ready]');
  assert.equal(await page.$eval('[data-total]', (el) => el.textContent.trim()), '4', 'kept in IndexedDB across reloads');
  await page.close();
});

test('督导汇总 reads assessment files and draws the summary from file:// in Firefox', { skip }, async () => {
  const { generate } = await import('../../scripts/gen-assessments.mjs');
  const dir = path.join(profile, 'round');
  const made = generate({ out: dir, count: 4, seed: 5, rubrics: ['annex-1', 'annex-2'], tampered: 1, duplicates: 0, bin: BIN });
  const { page, check } = await openPage('summary/');
  await (await page.$('#summary-files')).uploadFile(...made.map((m) => path.join(dir, m.file)));
  await page.waitForSelector('#summary-app[data-ready]');
  const counts = await page.$eval('[data-counts]', (el) => el.textContent);
  assert.match(counts, /共读取 5 个文件：采用 4 份评估，未采用 1 个/);
  assert.equal(await page.$$eval('[data-rubric] [data-band-bar]', (bars) => bars.length), 8);
  assert.ok(await page.$('[data-refused="tampered"]'));
  await check();
  await page.close();
});
