// On a 390 px phone no page of the built site is wider than the screen: wide
// tables scroll inside their wrapper or stack into cards, never the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { SITE, launch, pageUrl } from './helpers.mjs';

async function htmlPages(dir, prefix = '') {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix + entry.name;
    if (entry.isDirectory()) {
      if (rel !== 'static' && rel !== 'api') out.push(...(await htmlPages(path.join(dir, entry.name), rel + '/')));
    } else if (entry.name.endsWith('.html')) out.push(rel);
  }
  return out.sort();
}

test('no page is wider than a 390 px phone screen', async () => {
  const pages = await htmlPages(SITE);
  assert.ok(pages.length > 50, `expected the whole site, found ${pages.length} pages`);
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const tooWide = [];
    for (const rel of pages) {
      await page.goto(pageUrl(rel));
      const { scrollWidth, innerWidth, culprit } = await page.evaluate(() => {
        const scrollWidth = document.documentElement.scrollWidth;
        let culprit = '';
        if (scrollWidth > innerWidth) {
          const el = [...document.querySelectorAll('body *')].find((e) => e.getBoundingClientRect().right > innerWidth + 1);
          culprit = el ? `${el.tagName.toLowerCase()}.${el.className}` : '';
        }
        return { scrollWidth, innerWidth, culprit };
      });
      if (scrollWidth > innerWidth) tooWide.push(`${rel}: ${scrollWidth} px > ${innerWidth} px (${culprit})`);
    }
    assert.deepEqual(tooWide, []);
  } finally {
    await browser.close();
  }
});

test('on a phone the requirements and choose tables stack into labelled cards', async () => {
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await context.newPage();
    for (const rel of ['requirements/', 'choose/']) {
      await page.goto(pageUrl(rel));
      const cells = await page.evaluate(() => [...document.querySelectorAll('.stack-on-phone tbody tr:first-child td')].map((td) => ({
        width: td.getBoundingClientRect().width,
        label: getComputedStyle(td, '::before').content,
      })));
      assert.ok(cells.length >= 4, rel);
      const tableWidth = await page.evaluate(() => document.querySelector('.stack-on-phone').getBoundingClientRect().width);
      for (const cell of cells) {
        // Each cell takes the card's full width and names its column.
        assert.ok(cell.width > tableWidth * 0.9, `${rel}: a cell is ${cell.width} px of ${tableWidth} px`);
        assert.match(cell.label, /^"[^"]+"$/, rel);
      }
    }
  } finally {
    await browser.close();
  }
});
