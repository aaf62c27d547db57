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
const M = require('../../themes/default/static/js/tailor-model.js');

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
  assert.equal(data.version, 2);
  assert.deepEqual(data.rubric, RUBRIC, 'the whole rubric is embedded');
  assert.match(data.id, X.ID_PATTERN);
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
  const again = X.toExport(RUBRIC, r.state, '2025-03-01T08:00:00.000Z', { id: r.doc.id, created_at: r.doc.created_at, updated_at: r.doc.updated_at }).data;
  assert.deepEqual(again, JSON.parse(text));
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
  refusedWith((d) => { d.version = 3; }, /不支持的文件版本 3/);
  refusedWith((d) => { d.rubric = OTHER; }, /评分表“职业技能等级认定机构命题质量专项督导评分表”.*不能导入到当前评分表“技能人才评价活动现场质量督导评分表”/);
  refusedWith((d) => { d.rubric.content_hash = 'sha256:00'; }, /内容校验值（content_hash）不符/);
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
  assert.match(X.parseImport(JSON.stringify(X.toExport(OTHER, X.emptyState(OTHER), 't').data), RUBRIC).message, new RegExp(OTHER.title));
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

test('CSV: a band the notice does not name is marked ※ and explained in a last row', () => {
  const state = sampleState();
  for (const id of ids) {
    if (S.evaluate(RUBRIC, state).band.id === 'pass') break;
    state.answers[id] = { status: 'none' };
  }
  const result = S.evaluate(RUBRIC, state);
  assert.equal(result.band.id, 'pass');
  const lines = X.toCsv(RUBRIC, state).slice(1).trimEnd().split('\r\n');
  assert.equal(lines.length, 1 + ids.length + 2);
  assert.match(lines.at(-2), /^合计,,,,,,,100,合格※,/);
  assert.equal(lines.at(-1), '※ 编者注（dudao）：通知只规定两档结果：“≥ 85 分为优良”“<60 分为不合格”。“合格”（60 分至 85 分，不含 85 分）是 dudao 对两者之间得分的称呼，便于填写和统计；通知对这一段没有规定名称或处理。');
  // The notice's own names stand unmarked, with no note row.
  for (const fill of ['full', 'none']) {
    const other = sampleState();
    for (const id of ids) other.answers[id] = { status: fill };
    const csv = X.toCsv(RUBRIC, other);
    assert.ok(!csv.includes('※') && !csv.includes('合格※'), fill);
    assert.match(csv.trimEnd().split('\r\n').at(-1), fill === 'full' ? /,优良,/ : /,不合格,/);
  }
});

// ---- schema version 2: self-contained files (docs/assessment.md) -------------

/** A bundled rubric turned into one this site does not have: new title, hash recomputed. */
function foreignRubric() {
  const rubric = structuredClone(RUBRIC);
  rubric.title = '某省定制现场督导评分表';
  rubric.content_hash = M.contentHash(rubric);
  return rubric;
}

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
const pngBytes = Buffer.from(PNG, 'base64').length;

function withPhoto() {
  const state = sampleState();
  state.answers.plan.photos = ['p-1'];
  state.answers.plan.by = '张三';
  state.answers.plan.at = '2025-03-01T07:00:00.000Z';
  const photos = { 'p-1': { type: 'image/png', width: 1, height: 1, bytes: pngBytes, caption: '3号工位', data: PNG } };
  return X.toExport(RUBRIC, state, '2025-03-01T08:00:00.000Z', { id: 'a-20250301-abcdefgh', assessors: ['张三'], photos }).data;
}

test('a version-2 file opens without the page knowing its rubric, photos and who scored included', () => {
  const data = withPhoto();
  assert.deepEqual(Object.keys(data.photos), ['p-1']);
  const r = X.readDocument(JSON.stringify(data), {});
  assert.equal(r.ok, true, r.message);
  assert.equal(r.doc.id, 'a-20250301-abcdefgh');
  assert.deepEqual(r.doc.rubric, RUBRIC);
  assert.deepEqual(r.doc.assessors, ['张三']);
  assert.deepEqual(r.doc.state.answers.plan, { status: 'partial', score: '2.5', justification: '方案缺少应急预案', notes: '见附件 3', photos: ['p-1'], by: '张三', at: '2025-03-01T07:00:00.000Z' });
  assert.equal(r.doc.photos['p-1'].data, PNG);
  assert.equal(r.doc.totals.total, 93.5);

  // A rubric this site does not have (tailored elsewhere) is fine as long as it is valid.
  const foreign = foreignRubric();
  const out = X.toExport(foreign, sampleState(), 't', {}).data;
  const opened = X.readDocument(JSON.stringify(out), { rubrics: [RUBRIC] });
  assert.equal(opened.ok, true, opened.message);
  assert.equal(opened.doc.rubric.title, '某省定制现场督导评分表');
});

test('version-1 files are still read, with the rubric found among the site\'s', () => {
  const v1 = { format: 'dudao-assessment', version: 1, rubric: { id: 'annex-1', title: RUBRIC.title, content_hash: RUBRIC.content_hash }, exported_at: 't' };
  const v2 = exported();
  Object.assign(v1, { header: v2.header, answers: v2.answers, veto: v2.veto, totals: v2.totals });
  const r = X.readDocument(JSON.stringify(v1), { rubrics: [OTHER, RUBRIC] });
  assert.equal(r.ok, true, r.message);
  assert.equal(r.doc.version, 1);
  assert.equal(r.doc.totals.total, 93.5);
  assert.equal(X.parseImport(JSON.stringify(v1), RUBRIC).ok, true);
  const unknown = X.readDocument(JSON.stringify(v1), { rubrics: [OTHER] });
  assert.match(unknown.message, /第 1 版评估文件.*“技能人才评价活动现场质量督导评分表”.*本站没有这一版评分表/);
});

function refused(text, pattern, options) {
  const r = X.readDocument(text, options || {});
  assert.equal(r.ok, false, `should refuse: ${String(text).slice(0, 80)}`);
  assert.match(r.message, pattern);
}

function mutated(mutate) {
  const data = withPhoto();
  mutate(data);
  return JSON.stringify(data);
}

test('hostile version-2 files are refused with one clear Chinese message', () => {
  // The embedded rubric edited after export (hash not updated).
  refused(mutated((d) => { d.rubric.stages[0].groups[0].rows[0].criteria[0].text = '改过'; }), /与其内容校验值（content_hash）不符.*被修改过/);
  // An invalid rubric whose hash was recomputed: the rules of dudao check catch it.
  refused(mutated((d) => {
    d.rubric.stages[0].groups[0].rows[0].criteria[0].points = 0.3;
    d.rubric.content_hash = M.contentHash(d.rubric);
  }), /未通过检查（与 dudao check 相同的规则）/);
  // A field outside the rules, hash recomputed: rebuilding the rubric exposes it.
  refused(mutated((d) => {
    d.rubric.stages[0].groups[0].rows[0].points = 99;
    d.rubric.content_hash = M.contentHash(d.rubric);
  }), /含有评分表规则以外的内容或小计不一致/);
  refused(mutated((d) => { d.rubric = { title: 'x' }; }), /content_hash/);
  refused('{"hello": "world"}', /不是 dudao 导出的评估文件/);
  refused('[]', /不是 dudao 导出的评估文件/);
  refused(mutated((d) => { d.version = '1'; }), /文件版本写成了文字“1”（带引号），应为数字/);
  refused(mutated((d) => { d.version = '2'; }), /写成了文字“2”/);
  refused(mutated((d) => { d.id = 'x'; }), /评估编号（id）缺失或格式错误/);
  refused(mutated((d) => { d.photos['p-1'].data = Buffer.from('GIF89a....').toString('base64'); d.photos['p-1'].bytes = 10; }), /照片“p-1”的内容不是 PNG 图片/);
  refused(mutated((d) => { d.photos['p-1'].width = 4000; }), /尺寸不对/);
  refused(mutated((d) => { d.answers.plan.photos = ['p-2']; }), /引用了文件中没有的照片“p-2”/);
  refused(mutated((d) => { d.answers.plan.by = 5; }), /评分人应为文字/);
  refused(mutated((d) => { d.rectification = { items: [{ id: 'r1', source: { kind: 'criterion', id: 'nope' }, status: 'open' }] }; }), /第 1 个整改项指向本评分表没有的评分项“nope”/);
  refused(mutated((d) => { d.rectification = { items: [{ id: 'r1', source: { kind: 'criterion', id: 'plan' }, status: 'closed' }] }; }), /状态应为 open/);
  refused(mutated((d) => { d.rectification = { items: [{ id: 'r1', source: { kind: 'veto', id: 'serious-violation' }, status: 'open', deadline: '3月1日' }] }; }), /YYYY-MM-DD/);
  refused(mutated((d) => { d.follow_up_of = { id: 'bad' }; }), /复查来源的评估编号/);
  refused(mutated((d) => { d.follow_up_of = { id: 'a-20250101-abcdefgh', band: 'great' }; }), /复查来源的结论/);
  const fine = mutated((d) => {
    d.rectification = { issued_at: 't', items: [{ id: 'r1', source: { kind: 'criterion', id: 'plan' }, problem: '缺预案', requirement: '补', deadline: '2025-04-01', owner: '王五', status: 'in_progress', note: '', photos: ['p-1'], updated_at: 't', by: '张三' }] };
    d.follow_up_of = { id: 'a-20250101-abcdefgh', exported_at: 't', total: 80, band: 'pass', vetoed: false, items: ['r1'] };
  });
  const ok = X.readDocument(fine, {});
  assert.equal(ok.ok, true, ok.message);
  assert.equal(ok.doc.rectification.items[0].status, 'in_progress');
  assert.equal(ok.doc.follow_up_of.total, 80);
});

test('__proto__ and constructor keys are refused wherever they appear', () => {
  const base = mutated((d) => { d.veto['serious-violation'] = { ticked: false, description: '无' }; });
  const inject = (where, key) => {
    // The last occurrence: the rubric, which comes first, has a "veto" too.
    const at = base.lastIndexOf(`"${where}":{`) + where.length + 4;
    const out = base.slice(0, at) + `"${key}": {"polluted": true}, ` + base.slice(at);
    assert.notEqual(out, base);
    return out;
  };
  refused(base.replace('{', '{"__proto__": {"x": 1}, '), /无法识别的字段“__proto__”/);
  refused(inject('totals', '__proto__'), /合计与评分不一致/);
  refused(inject('answers', '__proto__'), /没有的评分项“__proto__”/);
  refused(inject('answers', 'constructor'), /没有的评分项“constructor”/);
  refused(inject('veto', '__proto__'), /没有的不合格项“__proto__”/);
  refused(inject('header', '__proto__'), /没有的栏目“__proto__”/);
  refused(inject('photos', '__proto__'), /照片编号“__proto__”格式错误/);
  assert.equal({}.polluted, undefined, 'no prototype was touched');
});

test('a header field named __proto__ keeps its text (no prototype-bearing maps)', () => {
  const rubric = structuredClone(RUBRIC);
  rubric.header_fields = ['__proto__', '督导日期'];
  const state = X.emptyState(rubric);
  state.header['__proto__'] = '某机构';
  assert.equal(state.header['__proto__'], '某机构');
  assert.equal(JSON.parse(JSON.stringify(state.header))['__proto__'], '某机构');
});

test('size and nesting limits are checked before JSON.parse', () => {
  refused('[' .repeat(100000) + ']'.repeat(100000), /嵌套过深（超过 64 层）/);
  const deepTotals = base => base.replace('"totals": {', '"totals": {"x": ' + '['.repeat(100000) + ']'.repeat(100000) + ', ');
  refused(deepTotals(JSON.stringify(withPhoto(), null, 1)), /嵌套过深/);
  // Brackets inside strings do not count.
  const notes = mutated((d) => { d.answers.plan.notes = '['.repeat(5000); });
  assert.equal(X.readDocument(notes, {}).ok, true);
  refused('{}', /过大.*最大 50 MB/, { bytes: 50 * 1024 * 1024 + 1 });
  refused(' '.repeat(50 * 1024 * 1024 + 1), /过大/);
});
