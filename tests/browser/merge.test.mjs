// Unit tests of team merge (themes/default/static/js/merge.js) on 附件1:
// three supervisors, disjoint stages plus an overlap with different answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { BIN } from './helpers.mjs';

const require = createRequire(import.meta.url);
const S = require('../../themes/default/static/js/scoring.js');
const X = require('../../themes/default/static/js/exchange.js');
const Merge = require('../../themes/default/static/js/merge.js');

const project = JSON.parse(execFileSync(BIN, ['dump'], { encoding: 'utf8' }));
const RUBRIC = project.rubrics.find((r) => r.id === 'annex-1');
const OTHER = project.rubrics.find((r) => r.id === 'annex-2');
const criteria = S.flatten(RUBRIC);
const inStage = (stage) => criteria.filter((c) => c.stage.id === stage);
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

/** An exported file of `who` answering `list` as `status`, read back like the workspace does. */
function file(who, list, status, extra) {
  const state = X.emptyState(RUBRIC);
  for (const c of list) state.answers[c.id] = { status, by: who, at: '2025-03-18T02:00:00.000Z' };
  const photos = {};
  if (extra) extra(state, photos);
  const data = X.toExport(RUBRIC, state, '2025-03-18T08:00:00.000Z', { assessors: [who], photos }).data;
  const read = X.readDocument(JSON.stringify(data), {});
  assert.equal(read.ok, true, read.message);
  return { file: `${who}.json`, doc: read.doc };
}

test('disjoint stages are united; an overlap with different answers gives exactly those conflicts', () => {
  const before = inStage('before');
  const rest = criteria.filter((c) => c.stage.id !== 'before');
  const [x, y] = [before[0], rest[0]];
  const a = file('张三', before, 'full', (state, photos) => {
    state.header['被督导机构名称'] = '某中心';
    state.answers[x.id].photos = ['p-1'];
    photos['p-1'] = { type: 'image/png', width: 1, height: 1, bytes: 70, data: PNG };
  });
  const b = file('李四', rest, 'full', (state) => { state.header['被督导机构名称'] = '某中心'; });
  // 王五 answers the same two criteria differently (none), and one the same (full).
  const c = file('王五', [x, y], 'none', (state) => {
    state.answers[before[1].id] = { status: 'full', by: '王五' };
    state.answers[x.id].notes = '现场拍照';
  });
  const result = Merge.merge([a, b, c]);
  assert.equal(result.ok, true, result.message);
  assert.deepEqual(result.conflicts.map((k) => `${k.kind}:${k.id}`), [`answer:${x.id}`, `answer:${y.id}`]);
  assert.equal(result.conflicts[0].candidates.length, 2);
  assert.match(result.conflicts[0].candidates[0].label, /张三：符合/);
  assert.match(result.conflicts[0].candidates[1].label, /王五：不符合/);
  assert.equal(result.merged.header['被督导机构名称'], '某中心');
  assert.deepEqual(result.merged.assessors, ['张三', '李四', '王五']);
  assert.equal(result.merged.answers[before[1].id].by, '张三', 'the same answer is taken once, first scorer kept');

  assert.equal(Merge.resolve(result, {}).ok, false, 'nothing is chosen silently');
  const picks = { [`answer:${x.id}`]: 1, [`answer:${y.id}`]: 0 };
  const done = Merge.resolve(result, picks, '2025-03-19T00:00:00.000Z');
  assert.equal(done.ok, true);
  const doc = done.doc;
  assert.equal(doc.answers[x.id].status, 'none');
  assert.equal(doc.answers[x.id].by, '王五');
  assert.equal(doc.answers[x.id].notes, '现场拍照');
  assert.deepEqual(doc.answers[x.id].photos, ['p-1'], 'photos carried over');
  assert.equal(doc.answers[y.id].by, '李四');
  assert.equal(doc.merged_from.length, 3);
  // Everything answered full except x (none): total = 100 − points of x.
  assert.equal(doc.totals.total, 100 - x.halves / 2);
  assert.equal(doc.totals.answered, criteria.length);
  // The result is a valid export.
  const out = X.toExport(RUBRIC, doc, 't', doc);
  assert.equal(out.ok, true);
  assert.equal(X.readDocument(JSON.stringify(out.data), {}).ok, true);
});

test('header fields and veto ticks conflict the same way', () => {
  const a = file('张三', [], 'full', (state) => {
    state.header['督导日期'] = '2025-03-18';
    state.veto['serious-violation'] = { ticked: true, description: '伪造材料', by: '张三' };
  });
  const b = file('李四', [], 'full', (state) => {
    state.header['督导日期'] = '2025-03-19';
    state.veto['serious-violation'] = { ticked: false, description: '', by: '李四' };
  });
  const result = Merge.merge([a, b]);
  assert.deepEqual(result.conflicts.map((k) => `${k.kind}:${k.id}`), ['header:督导日期', 'veto:serious-violation']);
  const doc = Merge.resolve(result, { 'header:督导日期': 1, 'veto:serious-violation': 0 }).doc;
  assert.equal(doc.header['督导日期'], '2025-03-19');
  assert.equal(doc.veto['serious-violation'].ticked, true);
  assert.equal(doc.veto['serious-violation'].description, '伪造材料');
  assert.equal(doc.totals.band, 'fail');
});

test('files of different rubrics are refused, naming both by title', () => {
  const a = file('张三', [], 'full');
  const other = X.readDocument(JSON.stringify(X.toExport(OTHER, X.emptyState(OTHER), 't', {}).data), {});
  const result = Merge.merge([a, { file: 'other.json', doc: other.doc }]);
  assert.equal(result.ok, false);
  assert.match(result.message, new RegExp(`“${RUBRIC.title}”.*“${OTHER.title}”.*不能合并`));
  assert.match(Merge.merge([a]).message, /至少选择两份/);
});

test('one photo captioned differently in two files keeps both captions; the same caption once', () => {
  const [x] = criteria;
  const withPhoto = (who, caption) => file(who, [x], 'full', (state, photos) => {
    state.answers[x.id].photos = ['p-1'];
    photos['p-1'] = { type: 'image/png', width: 1, height: 1, bytes: 70, data: PNG, caption };
  });
  const differ = Merge.merge([withPhoto('张三', '考场入口'), withPhoto('李四', '考场入口签到处'), withPhoto('王五', '考场入口')]);
  assert.equal(differ.ok, true, differ.message);
  assert.deepEqual(Object.keys(differ.merged.photos), ['p-1'], 'the same picture stays one photo');
  assert.equal(differ.merged.photos['p-1'].caption, '考场入口；考场入口签到处');
  const done = Merge.resolve(differ, {}, '2025-03-19T00:00:00.000Z');
  assert.equal(done.ok, true);
  const back = X.readDocument(JSON.stringify(X.toExport(RUBRIC, done.doc, 't', done.doc).data), {});
  assert.equal(back.ok, true, back.message);
  assert.equal(back.doc.photos['p-1'].caption, '考场入口；考场入口签到处', 'the united caption survives export and import');

  const same = Merge.merge([withPhoto('张三', '考场入口'), withPhoto('李四', '考场入口')]);
  assert.equal(same.merged.photos['p-1'].caption, '考场入口');
});
