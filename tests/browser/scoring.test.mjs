// Unit tests of the scoring rules (themes/default/static/js/scoring.js), run
// in Node without a browser: the module has no DOM and exports itself to
// module.exports as well as globalThis.DudaoScoring.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BIN } from './helpers.mjs';

const require = createRequire(import.meta.url);
const S = require('../../themes/default/static/js/scoring.js');

// A 100-point rubric with the notice's bands, two stages, a half-point criterion.
const BANDS = [
  { id: 'excellent', label: '优良', min: 85, consequence: '表扬' },
  { id: 'pass', label: '合格', min: 60, consequence: null },
  { id: 'fail', label: '不合格', min: 0, consequence: '约谈' },
];
const criterion = (id, points) => ({ id, text: `标准 ${id}`, points });
const RUBRIC = {
  id: 'fixture',
  bands: BANDS,
  veto: { title: '不合格项', items: [{ id: 'v1', text: '严重违规' }, { id: 'v2', text: '伪造材料' }] },
  stages: [
    {
      id: 's1', title: '考前', points: 70, groups: [
        { id: 'g1', title: '甲', points: 50, rows: [{ id: 'r1', title: '行一', indicators: [3], points: 50, criteria: [criterion('c1', 40), criterion('c2', 10)] }] },
        { id: 'g2', title: '乙', points: 20, rows: [{ id: 'r2', title: '行二', indicators: [5, 3], points: 20, criteria: [criterion('c3', 20)] }] },
      ],
    },
    {
      id: 's2', title: '考中', points: 30, groups: [
        { id: 'g3', title: '丙', points: 30, rows: [{ id: 'r3', title: '行三', indicators: [7], points: 30, criteria: [criterion('c4', 29.5), criterion('c5', 0.5)] }] },
      ],
    },
  ],
};

const full = { status: 'full' };
const partial = (score, justification = '部分落实') => ({ status: 'partial', score, justification });
const allFull = () => ({ answers: { c1: full, c2: full, c3: full, c4: full, c5: full } });
/** Everything 符合 except c4, which gets `c4` as its 基本符合 score. */
const withC4 = (c4) => ({ answers: { ...allFull().answers, c4: partial(c4) } });

test('an empty assessment scores 0 of 100 with nothing answered', () => {
  const r = S.evaluate(RUBRIC, {});
  assert.equal(r.totalHalves, 0);
  assert.equal(r.maxHalves, 200);
  assert.equal(r.answered, 0);
  assert.equal(r.count, 5);
  assert.equal(r.complete, false);
  assert.equal(r.band.id, 'fail');
});

test('everything 符合 totals 100 and is 优良', () => {
  const r = S.evaluate(RUBRIC, allFull());
  assert.equal(S.formatPoints(r.totalHalves), '100');
  assert.equal(r.answered, 5);
  assert.equal(r.complete, true);
  assert.equal(r.band.id, 'excellent');
  assert.equal(r.bandReason, 'score');
});

test('不符合 scores 0 and 基本符合 scores the entered value', () => {
  const r = S.evaluate(RUBRIC, { answers: { c1: { status: 'none' }, c2: partial('2.5'), c3: partial(19.5) } });
  assert.equal(r.totalHalves, 2 * (0 + 2.5 + 19.5));
  assert.equal(r.answered, 3);
});

test('half points add up exactly (no floating point drift)', () => {
  // 0.1-style drift would show as 0.30000000000000004; halves cannot drift.
  const r = S.evaluate(RUBRIC, { answers: { c4: partial('0.5'), c5: full, c3: partial('0.5'), c2: partial('9.5'), c1: partial('39.5') } });
  assert.equal(S.formatPoints(r.totalHalves), '50.5');
  assert.equal(r.totalHalves, 101);
});

test('subtotals per stage and group', () => {
  const r = S.evaluate(RUBRIC, { answers: { c1: full, c2: partial('7.5'), c3: { status: 'none' }, c4: partial('10.5'), c5: full } });
  const stage = Object.fromEntries(r.stages.map((s) => [s.id, [s.halves / 2, s.maxHalves / 2]]));
  const group = Object.fromEntries(r.groups.map((g) => [g.id, [g.halves / 2, g.maxHalves / 2, g.stage]]));
  assert.deepEqual(stage, { s1: [47.5, 70], s2: [11, 30] });
  assert.deepEqual(group, { g1: [47.5, 50, 's1'], g2: [0, 20, 's1'], g3: [11, 30, 's2'] });
  assert.equal(r.totalHalves / 2, 58.5);
});

test('bands at the boundaries: 85 优良, 84.5 合格, 60 合格, 59.5 不合格', () => {
  // c4 is worth 29.5 and the rest 70.5; a c4 partial of x totals 70.5 + x.
  const bandAt = (c4) => {
    const r = S.evaluate(RUBRIC, withC4(c4));
    return [r.totalHalves / 2, r.band.id, r.band.label];
  };
  assert.deepEqual(bandAt('14.5'), [85, 'excellent', '优良']);
  assert.deepEqual(bandAt('14'), [84.5, 'pass', '合格']);
  // 60 and 59.5 need c1 lowered too: c1 partial 25.5 and c4 partial.
  const low = (c4) => {
    const r = S.evaluate(RUBRIC, { answers: { ...withC4(c4).answers, c3: full, c1: partial('25.5') } });
    return [r.totalHalves / 2, r.band.id];
  };
  assert.deepEqual(low('4'), [60, 'pass']);
  assert.deepEqual(low('3.5'), [59.5, 'fail']);
  assert.equal(S.bandFor(RUBRIC, 170, false).id, 'excellent');
  assert.equal(S.bandFor(RUBRIC, 169, false).id, 'pass');
  assert.equal(S.bandFor(RUBRIC, 120, false).id, 'pass');
  assert.equal(S.bandFor(RUBRIC, 119, false).id, 'fail');
});

test('a ticked veto item forces 不合格 even at 100 points, and says which', () => {
  const state = { ...allFull(), veto: { v2: { ticked: true, description: '伪造报名材料 3 份' }, v1: { ticked: false } } };
  const r = S.evaluate(RUBRIC, state);
  assert.equal(r.totalHalves, 200);
  assert.equal(r.band.id, 'fail');
  assert.equal(r.bandReason, 'veto');
  assert.deepEqual(r.vetoed.map((v) => [v.id, v.description]), [['v2', '伪造报名材料 3 份']]);
  // Unticking lifts it again.
  assert.equal(S.evaluate(RUBRIC, { ...state, veto: { v2: { ticked: false } } }).band.id, 'excellent');
});

test('a 基本符合 score must lie strictly between 0 and the points, in 0.5 steps', () => {
  const ok = (input, max) => S.parsePartial(input, max * 2);
  assert.deepEqual(ok('0.5', 1), { ok: true, halves: 1 });
  assert.deepEqual(ok('2.5', 3), { ok: true, halves: 5 });
  assert.deepEqual(ok(' 2 ', 3), { ok: true, halves: 4 });
  assert.deepEqual(ok(2.5, 3), { ok: true, halves: 5 });
  for (const bad of ['0', '3', '3.5', '-1', '1.25', '', 'abc', '1e0', '0x1', 'NaN', 'Infinity', '2,5']) {
    const r = ok(bad, 3);
    assert.equal(r.ok, false, `"${bad}" must be refused`);
    assert.match(r.message, /[\u4e00-\u9fff]/, 'messages are Chinese');
  }
  assert.equal(ok('0', 3).message, '“基本符合”的得分须大于 0、小于 3 分');
  assert.equal(ok('1.25', 3).message, '得分须以 0.5 分为单位');
  assert.equal(ok('', 3).message, '请填写“基本符合”的得分');
  // A 1-point criterion has exactly one possible partial score.
  assert.equal(ok('0.5', 1).ok, true);
  assert.equal(ok('1', 1).ok, false);
  // A 0.5-point criterion has none.
  assert.equal(ok('0.5', 0.5).ok, false);
});

test('an invalid or unjustified 基本符合 is not counted as answered', () => {
  const r = S.evaluate(RUBRIC, { answers: { c1: partial('40'), c2: partial('5', '   '), c3: full } });
  assert.equal(r.answered, 1);
  assert.deepEqual(r.problems, [
    { criterion: 'c1', message: '“基本符合”的得分须大于 0、小于 40 分' },
    { criterion: 'c2', message: '请简要说明“基本符合”的理由' },
  ]);
  // The valid but unjustified score still shows in the running total.
  assert.equal(r.totalHalves, 2 * (0 + 5 + 20));
});

test('unknown statuses count as unanswered', () => {
  const r = S.evaluate(RUBRIC, { answers: { c1: { status: 'FULL' }, c2: { status: 'yes' } } });
  assert.equal(r.totalHalves, 0);
  assert.equal(r.answered, 0);
});

test('gaps are ranked by points lost and grouped by primary indicator', () => {
  const r = S.evaluate(RUBRIC, { answers: { c1: partial('30'), c2: { status: 'none' }, c3: partial('19'), c4: partial('1.5') } });
  const g = S.gaps(r);
  assert.deepEqual(g.ranked.map((c) => [c.id, c.lostHalves / 2]), [['c4', 28], ['c1', 10], ['c2', 10], ['c3', 1]]);
  assert.equal(g.lostHalves / 2, 49);
  assert.deepEqual(g.byIndicator.map((i) => [i.indicator, i.lostHalves / 2, i.items.map((c) => c.id)]), [
    [7, 28, ['c4']],
    [3, 20, ['c1', 'c2']],
    [5, 1, ['c3']],
  ]);
  assert.deepEqual(g.unanswered.map((c) => c.id), ['c5']);
});

test('points needed for 合格 and 优良', () => {
  assert.deepEqual(S.pointsNeeded(RUBRIC, 2 * 59.5), { excellent: 51, pass: 1 });
  assert.deepEqual(S.pointsNeeded(RUBRIC, 2 * 84.5), { excellent: 1, pass: 0 });
  assert.deepEqual(S.pointsNeeded(RUBRIC, 200), { excellent: 0, pass: 0 });
  assert.deepEqual(S.evaluate(RUBRIC, {}).needed, { excellent: 170, pass: 120 });
});

test('compare shows per-criterion differences and the total change', () => {
  const a = { answers: { c1: full, c2: { status: 'none' }, c3: full } };
  const b = { answers: { c1: partial('35.5'), c2: full, c3: full, c4: full } };
  const c = S.compare(RUBRIC, a, b);
  assert.deepEqual(c.changed.map((row) => [row.criterion.id, row.a.status, row.b.status, row.deltaHalves / 2]), [
    ['c1', 'full', 'partial', -4.5],
    ['c2', 'none', 'full', 10],
    ['c4', 'unanswered', 'full', 29.5],
  ]);
  assert.equal(c.deltaHalves / 2, 35);
  assert.equal(c.a.totalHalves / 2, 60);
  assert.equal(c.b.totalHalves / 2, 95);
});

test('the real rubrics total 100 and use the notice bands', { skip: !existsSync(BIN) && `no ${BIN}` }, () => {
  const project = JSON.parse(execFileSync(BIN, ['dump'], { encoding: 'utf8' }));
  for (const rubric of project.rubrics) {
    const all = { answers: Object.fromEntries(S.flatten(rubric).map((c) => [c.id, full])) };
    const r = S.evaluate(rubric, all);
    assert.equal(r.totalHalves, S.toHalves(rubric.total), rubric.id);
    assert.equal(r.band.id, 'excellent');
    assert.deepEqual(r.stages.map((s) => s.halves / 2), rubric.stages.map((s) => s.points));
    assert.ok(r.vetoed.length === 0);
    const vetoId = rubric.veto.items[0].id;
    assert.equal(S.evaluate(rubric, { ...all, veto: { [vetoId]: { ticked: true } } }).band.id, 'fail');
  }
});
