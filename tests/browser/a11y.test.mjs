// Accessibility of every page type: axe-core finds no serious or critical
// violation; headings start at h1 and never skip a level; the skip link
// moves focus to the content; every control a keyboard reaches shows a
// visible focus ring. (The assessment form's own views and the open search
// results have their axe sweeps in assess.test.mjs and search.test.mjs.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { launch, pageUrl } from './helpers.mjs';

const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const PAGE_TYPES = {
  home: '',
  notice: 'notice/',
  group: 'groups/7/',
  indicator: 'indicators/14/',
  rubric: 'rubrics/annex-1/',
  'derived rubric': 'rubrics/theory-venue/',
  checklist: 'rubrics/annex-1/checklist/',
  evidence: 'rubrics/annex-1/evidence/',
  assess: 'rubrics/annex-1/assess/',
  coverage: 'coverage/',
  requirements: 'requirements/',
  choose: 'choose/',
  tailor: 'tailor/',
  summary: 'summary/',
  workspace: 'assessments/',
  outcome: 'assessments/outcome/',
};

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

for (const [kind, rel] of Object.entries(PAGE_TYPES)) {
  test(`${kind} page: no serious or critical axe violation, headings in order`, async () => {
    for (const width of [1280, 390]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pageUrl(rel));
      // Injected through the DevTools protocol, so the page's CSP does not apply.
      await page.evaluate(AXE);
      const results = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
      const bad = results.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
      assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`), [], `${rel} at ${width} px`);
      const levels = await page.evaluate(() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
        .filter((h) => h.getClientRects().length)
        .map((h) => Number(h.tagName[1])));
      assert.equal(levels[0], 1, `${rel}: the first heading is an h1`);
      assert.equal(levels.filter((l) => l === 1).length, 1, `${rel}: one h1`);
      levels.forEach((level, i) => {
        if (i) assert.ok(level <= levels[i - 1] + 1, `${rel}: h${levels[i - 1]} is followed by h${level}`);
      });
      assert.deepEqual(errors, []);
      await page.close();
    }
  });
}

test('the skip link is the first stop and moves focus to the content', async () => {
  const page = await browser.newPage();
  await page.goto(pageUrl('rubrics/annex-1/'));
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), '跳到正文');
  const box = await page.evaluate(() => document.activeElement.getBoundingClientRect().toJSON());
  assert.ok(box.left >= 0 && box.top >= 0 && box.width > 0, 'the focused skip link is on screen');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  await page.keyboard.press('Tab');
  assert.ok(await page.evaluate(() => document.activeElement.closest('main') !== null), 'the next Tab stays in the content');
  await page.close();
});

for (const rel of ['', 'rubrics/annex-1/', 'choose/', 'tailor/']) {
  test(`every keyboard stop on ${rel || 'the home page'} shows a focus ring`, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pageUrl(rel));
    const unringed = new Set();
    let stops = 0;
    for (; stops < 600; stops++) {
      await page.keyboard.press('Tab');
      const stop = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        // A date field's focus sits in its shadow parts; its ring is on the host.
        const style = getComputedStyle(el);
        const ringed = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== 'none';
        return { ringed, what: `${el.tagName.toLowerCase()}${el.type ? `[${el.type}]` : ''} “${(el.textContent || el.getAttribute('aria-label') || el.id).trim().slice(0, 16)}”` };
      });
      if (!stop) break;
      if (!stop.ringed) unringed.add(stop.what);
    }
    assert.ok(stops > 5, `only ${stops} keyboard stops`);
    assert.deepEqual([...unringed], []);
    await page.close();
  });
}
