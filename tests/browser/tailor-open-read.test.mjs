// tailor-open.js apart from the DOM, in Node: what it refuses and how it
// locates problems (the browser side is tests/browser/tailor-open.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const O = require('../../themes/default/static/js/tailor-open.js');
const M = require('../../themes/default/static/js/tailor-model.js');
const YAML = readFileSync('rubrics/practical-venue.yaml', 'utf8');

test('a bundled rubric file opens with no problem but its id', () => {
  const read = O.read(YAML, 'practical-venue.yaml');
  assert.equal(read.ok, true);
  assert.equal(read.source, 'yaml');
  assert.equal(read.raw.id, 'practical-venue');
  assert.deepEqual(read.problems, []);
});

test('__proto__, constructor and prototype keys are refused, in JSON and in YAML', () => {
  for (const [text, name] of [['{"id": "x", "__proto__": {"polluted": 1}}', 'a.json'], ['id: x\nconstructor: 1\n', 'a.yaml'], ['id: x\nstages:\n  - prototype: 1\n', 'a.yaml']]) {
    const read = O.read(text, name);
    assert.equal(read.ok, false, name);
    assert.match(read.message, /不允许的键/);
  }
  assert.equal({}.polluted, undefined);
});

test('syntax errors name the line and column', () => {
  assert.match(O.read('id: x\n  title: y\n', 'a.yaml').message, /^YAML 第 2 行第 \d+ 列：/);
  assert.match(O.read('{"id": "x",\n "title": }', 'a.json').message, /^JSON 第 2 行第 \d+ 列格式错误/);
  assert.match(O.read('- a\n- b\n', 'a.yaml').message, /顶层不是键值对/);
});

test('a rule problem is located at the line of the nearest id, then the key', () => {
  const text = YAML.replace(/\n(\s+)points: (\d+(?:\.5)?)\n/, '\n$1points: 0.3\n')
    .replace(/^kind: official$/m, 'kind: derived\nbased_on: annex-1\nrationale: "x"').replace(/^source: .*$/m, '');
  const read = O.read(text, 'practical-venue.yaml');
  assert.equal(read.ok, true);
  const points = read.problems.find((p) => /0\.3/.test(p.message));
  assert.ok(points, JSON.stringify(read.problems));
  assert.match(text.split('\n')[points.line - 1], /points: 0\.3/);
  assert.match(points.text, new RegExp(`^第 ${points.line} 行：`));
});

test('a model rubric must match its content_hash; version 1 assessments are refused', () => {
  const raw = O.read(YAML, 'practical-venue.yaml').raw;
  const model = M.toModel(raw);
  assert.equal(O.read(JSON.stringify(model), 'practical-venue.json').ok, true);
  model.title = '改过的标题';
  assert.match(O.read(JSON.stringify(model), 'practical-venue.json').message, /内容校验值/);
  assert.match(O.read('{"format": "dudao-assessment", "version": 1, "rubric": {"id": "annex-1"}}', 'a.json').message, /第 1 版评估文件/);
  assert.match(O.read('{"format": "dudao-assessment", "version": 9}', 'a.json').message, /不支持的评估文件版本/);
});
