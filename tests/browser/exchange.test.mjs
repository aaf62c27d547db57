// Unit tests of the export/import/CSV rules (themes/default/static/js/exchange.js)
// against the real 附件1 rubric from `dudao dump`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { BIN } from './helpers.mjs';

const require = createRequire(import.meta.url);
const S = require('../../themes/default/static/js/scoring.js');
const X = require('../../themes/default/static/js/exchange.js');

const project = JSON.parse(execFileSync(BIN, ['dump'], { encoding: 'utf8' }));
const RUBRIC = project.rubrics.find((r) => r.id === 'annex-1');
const OTHER = project.rubrics.find((r) => r.id === 'annex-2');
const ids = S.flatten(RUBRIC).map((c) => c.id);

function sampleState() {
  const state = X.emptyState(RUBRIC);
  state.header['被督导机构名称'] = '某职业技能评价中心';
  for (const id of ids) state.answers[id] = { status: 'full' };
  state.answers.plan = { status: 'partial', score: '2.5', justification: '方案缺少应急预案', notes: '见附件 3' };
  state.answers.licences = { status: 'none', notes: '营业执照过期' };
  delete state.answers['it-application'];
  state.veto['serious-violation'] = { ticked: false, description: '' };
  return state;
}

const exported = () => X.toExport(RUBRIC, sampleState(), '2025-03-01T08:00:00.000Z').data;

test('an export carries the schema, rubric id, content hash and recomputed totals', () => {
  const data = exported();
  assert.equal(data.format, 'dudao-assessment');
  assert.equal(data.version, 1);
  assert.deepEqual(data.rubric, { id: 'annex-1', title: RUBRIC.title, content_hash: RUBRIC.content_hash });
  assert.equal(data.totals.total, 100 - 0.5 - 1 - 5);
  assert.equal(data.totals.band, 'excellent');
  assert.equal(data.totals.answered, ids.length - 1);
  assert.equal(data.totals.stages.after, 15);
  assert.deepEqual(data.answers.plan, { status: 'partial', score: 2.5, justification: '方案缺少应急预案', notes: '见附件 3' });
  assert.equal(data.answers['it-application'], undefined);
  assert.deepEqual(data.veto, {});
});

test('export is refused while a 基本符合 lacks a valid score or a justification', () => {
  const state = sampleState();
  state.answers.plan = { status: 'partial', score: '3', justification: 'x' };
  state.answers.safeguards = { status: 'partial', score: '0.5', justification: '' };
  const r = X.toExport(RUBRIC, state, 'now');
  assert.equal(r.ok, false);
  assert.deepEqual(r.problems.map((p) => p.criterion), ['plan', 'safeguards']);
});

test('import restores what was exported', () => {
  const text = JSON.stringify(exported());
  const r = X.parseImport(text, RUBRIC);
  assert.equal(r.ok, true, r.message);
  const again = X.toExport(RUBRIC, r.state, '2025-03-01T08:00:00.000Z').data;
  assert.deepEqual(again, exported());
  // A BOM (some editors add one on save) is tolerated.
  assert.equal(X.parseImport('\uFEFF' + text, RUBRIC).ok, true);
});

function refusedWith(mutate, pattern) {
  const data = exported();
  mutate(data);
  const r = X.parseImport(typeof data === 'string' ? data : JSON.stringify(data), RUBRIC);
  assert.equal(r.ok, false);
  assert.match(r.message, pattern);
}

test('malformed, foreign and tampered files are refused with a Chinese reason', () => {
  assert.match(X.parseImport('{"format": "dudao-assessment", ', RUBRIC).message, /不是有效的 JSON/);
  assert.match(X.parseImport('[1,2]', RUBRIC).message, /不是 dudao 导出的评估文件/);
  refusedWith((d) => { d.version = 2; }, /不支持的文件版本“2”/);
  refusedWith((d) => { d.rubric.id = 'annex-2'; }, /评分表“annex-2”的评估，不能导入/);
  refusedWith((d) => { d.rubric.content_hash = 'sha256:00'; }, /版本与当前页面不一致/);
  refusedWith((d) => { d.answers.plan.score = 3; }, /得分 3 超出范围/);
  refusedWith((d) => { d.answers.plan.score = 1.25; }, /0\.5 分为单位/);
  refusedWith((d) => { d.answers.plan.score = '2.5'; }, /缺少数字得分/);
  refusedWith((d) => { d.answers.plan.justification = ' '; }, /缺少理由/);
  refusedWith((d) => { d.answers.licences.status = 'yes'; }, /结论“yes”无效/);
  refusedWith((d) => { d.answers.licences.score = 1; }, /不应带有得分/);
  refusedWith((d) => { d.answers.nonexistent = { status: 'full' }; }, /没有的评分项“nonexistent”/);
  refusedWith((d) => { d.veto.bogus = { ticked: true }; }, /没有的不合格项“bogus”/);
  refusedWith((d) => { d.header['别的栏目'] = 'x'; }, /没有的栏目“别的栏目”/);
  refusedWith((d) => { d.totals.total = 100; }, /合计与评分不一致.*100 分.*93\.5 分/);
  refusedWith((d) => { d.totals.band = 'pass'; }, /合计与评分不一致/);
  refusedWith((d) => { d.totals.stages.before = 28; }, /合计与评分不一致/);
  // Ticking a veto without fixing the totals is tampering too.
  refusedWith((d) => { d.veto['serious-violation'] = { ticked: true }; }, /合计与评分不一致/);
  refusedWith((d) => { d.extra = 1; }, /无法识别的字段“extra”/);
  assert.match(X.parseImport(JSON.stringify(X.toExport(OTHER, X.emptyState(OTHER), 't').data), RUBRIC).message, /annex-2/);
});

test('CSV has a BOM, the documented columns, one row per criterion and a 合计 row', () => {
  const state = sampleState();
  state.answers.licences.notes = '=HYPERLINK("x")';
  const csv = X.toCsv(RUBRIC, state);
  assert.ok(csv.startsWith('\uFEFF序号,环节,一级指标,二级指标,关联指标,评分项编号,评分标准,分值,结论,得分,失分,理由,备注/证据\r\n'));
  const lines = csv.slice(1).trimEnd().split('\r\n');
  assert.equal(lines.length, 1 + ids.length + 1);
  assert.equal(lines[1], `1,考前,机构信用,基本情况,1,licences,${S.flatten(RUBRIC)[0].text},1,不符合,0,1,,"'=HYPERLINK(""x"")"`);
  const plan = lines.find((l) => l.includes(',plan,'));
  assert.match(plan, /,3,基本符合,2\.5,0\.5,方案缺少应急预案,见附件 3$/);
  const unanswered = lines.find((l) => l.includes(',it-application,'));
  assert.match(unanswered, /,5,未评分,,,,$/);
  assert.equal(lines.at(-1), '合计,,,,,,,100,优良,93.5,6.5,,');
});
