// Unit tests of the browser's ZIP writer (themes/default/static/js/zip.js),
// read back by an independent reader (Python's zipfile) so a wrong CRC,
// offset or header field fails here rather than in Word.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const Z = require('../../themes/default/static/js/zip.js');

const READ_BACK = `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    assert z.testzip() is None
    print(json.dumps([[i.filename, i.compress_type, z.read(i).decode('utf-8')] for i in z.infolist()], ensure_ascii=False))
`;

function readBack(bytes) {
  const dir = mkdtempSync(join(tmpdir(), 'dudao-zip-'));
  const file = join(dir, 'a.zip');
  writeFileSync(file, bytes);
  return JSON.parse(execFileSync('python3', ['-c', READ_BACK, file], { encoding: 'utf8' }));
}

test('crc32 matches the standard check value', () => {
  assert.equal(Z.crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
});

test('an archive of UTF-8 names and text reads back entry by entry, deflated where it pays', async () => {
  const long = '督导意见书 '.repeat(500);
  const bytes = await Z.build([
    { name: '[Content_Types].xml', data: '<Types/>' },
    { name: 'word/document.xml', data: long },
    { name: '附件/空.txt', data: '' },
  ]);
  assert.deepEqual(readBack(bytes), [
    ['[Content_Types].xml', 0, '<Types/>'],
    ['word/document.xml', 8, long],
    ['附件/空.txt', 0, ''],
  ]);
});

test('compress: false stores every entry', async () => {
  const bytes = await Z.build([{ name: 'a.xml', data: 'x'.repeat(1000) }], { compress: false });
  assert.deepEqual(readBack(bytes), [['a.xml', 0, 'x'.repeat(1000)]]);
});

test('the same entries give the same bytes', async () => {
  const entries = [{ name: 'a', data: 'abc'.repeat(100) }, { name: 'b', data: new Uint8Array([1, 2, 3]) }];
  assert.deepEqual(await Z.build(entries), await Z.build(entries));
});
