// Shared helpers for the browser tests: one Chromium launch recipe and the
// path of the site built by scripts/test.
import { chromium } from 'playwright-core';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const SITE = process.env.DUDAO_SITE ?? path.resolve('target/site-under-test');
export const BIN = process.env.DUDAO_BIN ?? path.resolve('target/release/dudao');

export async function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/// file:// URL of a page of the built site, e.g. pageUrl('rubrics/annex-1/assess/').
export function pageUrl(relative) {
  const file = relative.endsWith('/') || relative === '' ? path.join(SITE, relative, 'index.html') : path.join(SITE, relative);
  return pathToFileURL(file).href;
}

/// Fails the test on any request that leaves the site (no third-party hosts,
/// no network at all from file://).
export function forbidNetwork(page, offending = []) {
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith('file://') && !url.startsWith('http://127.0.0.1') && !url.startsWith('data:') && !url.startsWith('blob:')) {
      offending.push(url);
    }
  });
  return offending;
}
