// Every generated page is valid HTML: the Nu HTML Checker (npm vnu-jar) on
// the machine's Java 17, run once over the whole built site, zero errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { SITE } from './helpers.mjs';

const require = createRequire(import.meta.url);
const VNU = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build/dist/vnu.jar');

async function countPages(dir) {
  let n = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) n += await countPages(path.join(dir, entry.name));
    else if (entry.name.endsWith('.html')) n += 1;
  }
  return n;
}

test('the Nu HTML Checker finds no error on any page', { timeout: 300_000 }, async () => {
  const pages = await countPages(SITE);
  assert.ok(pages >= 50, `only ${pages} pages to check`);
  let stdout = '';
  let stderr = '';
  try {
    ({ stdout, stderr } = await promisify(execFile)(
      'java',
      ['-Xss2m', '-jar', VNU, '--errors-only', '--format', 'json', '--skip-non-html', SITE],
      { maxBuffer: 64 * 1024 * 1024 },
    ));
  } catch (e) {
    // vnu exits 1 when it reports errors; the JSON report is still on stderr.
    stdout = e.stdout ?? '';
    stderr = e.stderr ?? '';
    if (!stderr.trim().startsWith('{')) throw e;
  }
  const report = JSON.parse(stderr || stdout || '{"messages":[]}');
  const errors = report.messages
    .filter((m) => m.type === 'error' || m.subType === 'fatal')
    .map((m) => `${path.relative(SITE, new URL(m.url).pathname)}:${m.lastLine}: ${m.message}`);
  assert.deepEqual(errors, []);
});
