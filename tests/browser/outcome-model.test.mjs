// Unit tests of the outcome model (themes/default/static/js/outcome.js) and
// the document blocks (outcome-doc.js) on hand-made version-2 assessments of
// the real 附件1: findings, consequences quoted from the notice, 整改项,
// tracking merge, 复查 and the bad inputs the issue names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { withVeto, scored } from './outcome-fixtures.mjs';

const require = createRequire(import.meta.url);
const O = require('../../themes/default/static/js/outcome.js');
const D = require('../../themes/default/static/js/outcome-doc.js');
const NOTICE_TEXT = readFileSync(new URL('../source/rsth-2024-130.txt', import.meta.url), 'utf8');

test('every consequence is quoted verbatim from the notice, which is cited by title and number', () => {
  for (const quote of Object.values(O.NOTICE)) assert.ok(NOTICE_TEXT.includes(quote), quote);
  assert.ok(NOTICE_TEXT.includes('人社厅函〔2024〕130号'));
  assert.match(O.CITATION, /^《人力资源社会保障部办公厅关于印发〈技能人才评价质量督导指标体系〉的通知》（人社厅函〔2024〕130号）$/);
});

test('a scored 附件1 with a veto: total, band, ranking 1…n, veto finding and the consequences of 不合格 and of serious violations', () => {
  const f = O.findings(withVeto());
  assert.equal(f.ok, true);
  assert.equal(f.total, '93.5');
  assert.deepEqual({ ...f.band, note: undefined }, { id: 'fail', label: '不合格', kind: 'fail', ours: false, note: undefined });
  assert.match(f.band.note, /^※ 编者注（dudao）：通知只规定两档结果/);
  assert.deepEqual(f.veto, { title: '不合格项', quote: '' }, '附件1 has no intro: nothing of the notice to quote');
  assert.deepEqual(f.lost.map((c) => [c.rank, c.id, c.lost]), [[1, 'score-sheets', '5'], [2, 'plan', '1.5']]);
  assert.deepEqual(f.lost[1].photos.map((p) => p.caption), ['实施方案首页']);
  assert.equal(f.vetoes[0].description, '现场发现 3 份报名材料的工作年限证明系伪造。');
  assert.deepEqual(f.consequences, [O.NOTICE.fail, O.NOTICE.serious, O.NOTICE.crime]);
  assert.equal(f.institution, '某市职业技能评价中心');
  assert.equal(f.date, '2025-03-18');
  assert.equal(f.team, '张三、李四');
  assert.deepEqual(f.warnings, []);
});

test('one 整改项 per veto finding and lost criterion, veto first, with problem and requirement (criterion text and indicator)', () => {
  const f = O.findings(withVeto());
  assert.deepEqual(f.items.map((i) => i.id), ['v-serious-violation', 'c-score-sheets', 'c-plan']);
  assert.equal(f.items[0].problem, '存在不合格项：现场发现 3 份报名材料的工作年限证明系伪造。');
  assert.equal(f.items[2].problem, '评为“基本符合”，得 1.5 / 3 分；理由：实施方案未列明考评员分工；备注：见现场照片');
  assert.equal(f.items[2].requirement, '考前 › 评价方案 › 评价活动策划：有本批次评价活动的具体可行、规范完整的实施方案。（对应指标 14）');
  for (const item of f.items) assert.deepEqual([item.status, item.deadline, item.owner], ['open', null, '']);
});

test('an excellent result quotes the incentive; 合格 says (as ours) that the notice sets nothing', () => {
  const excellent = O.findings(scored({ plan: { status: 'none' } }));
  assert.equal(excellent.band.label, '优良');
  assert.deepEqual(excellent.consequences, [O.NOTICE.excellent]);
  const passAnswers = {};
  for (const id of ['paper-custody', 'exam-process-compliant', 'itemised-scoring', 'score-sheets']) passAnswers[id] = { status: 'none' };
  const pass = O.findings(scored(passAnswers));
  assert.equal(pass.band.label, '合格');
  assert.deepEqual(pass.consequences, []);
  const text = D.articleHtml('opinion', pass);
  assert.match(text, /dudao 补充：通知未对督导结果为“合格※”的机构规定奖惩措施。/);
});

test('bad input gives a sensible document and a warning, never a throw', () => {
  // Partial: nothing scored, veto ticked without 行为描述, no institution.
  const doc = scored({}, { 'serious-violation': { ticked: true } });
  doc.answers = {};
  doc.header['被督导机构名称'] = '';
  const f = O.findings(doc);
  assert.deepEqual(f.warnings, ['被督导机构名称未填写。', '尚有 42 项未评分或未填完，得分和等级为暂定。', '不合格项第 1 项未填写行为描述。']);
  const opinion = D.articleHtml('opinion', f);
  assert.match(opinion, /被督导机构：（未填写）/);
  assert.match(opinion, /行为描述：（未填写，请督导组补充查实的行为和证据）/);
  assert.match(opinion, /尚未评分。/);
  assert.match(D.articleHtml('notice', f), /评定等级为“不合格”（暂定）/);

  // No lost points: the notice says there is nothing to rectify.
  const clean = O.findings(scored({}));
  assert.deepEqual(clean.items, []);
  assert.match(D.articleHtml('notice', clean), /本次督导未发现需要整改的问题，无需报送整改报告。/);
  assert.match(D.articleHtml('opinion', clean), /已评分的各项均未失分。/);

  // Not an assessment, or version 1: a sentence, not a crash.
  assert.match(O.findings(null).message, /不是评估文件/);
  assert.match(O.findings({ format: 'dudao-assessment', version: 1 }).message, /需要第 2 版/);
  assert.match(O.findings({ format: 'dudao-assessment', version: 2, rubric: {} }).message, /评分表（rubric）不完整/);
});

test('a deadline before the supervision date, or not a date, is named; a later one is fine', () => {
  assert.equal(O.deadlineProblem('2025-03-01', '2025-03-18'), '整改期限 2025-03-01 早于督导日期 2025-03-18，请改为督导日期之后的日期。');
  assert.equal(O.deadlineProblem('2025-02-30', '2025-03-18'), '整改期限“2025-02-30”不是有效日期（应为 年-月-日）。');
  assert.equal(O.deadlineProblem('2025-04-18', '2025-03-18'), null);
  assert.equal(O.deadlineProblem(null, '2025-03-18'), null);
  const doc = withVeto();
  doc.rectification = { issued_at: 'x', items: [{ id: 'c-plan', deadline: '2025-03-01' }] };
  assert.deepEqual(O.findings(doc).warnings, ['整改项 c-plan：整改期限 2025-03-01 早于督导日期 2025-03-18，请改为督导日期之后的日期。']);
});

test('stored tracking wins over the fresh items, and stored items no longer lost are kept', () => {
  const doc = withVeto();
  doc.rectification = {
    issued_at: '2025-03-18T09:00:00.000Z',
    items: [
      { id: 'c-plan', source: { kind: 'criterion', id: 'plan' }, problem: '已下发的问题', requirement: '要求', deadline: '2025-04-30', owner: '王五', status: 'done', note: '已补充', photos: [], updated_at: null, by: '' },
      { id: 'c-licences', source: { kind: 'criterion', id: 'licences' }, problem: '旧问题', requirement: '旧要求', deadline: null, owner: '', status: 'verified', note: '', photos: [], updated_at: null, by: '' },
    ],
  };
  const f = O.findings(doc);
  assert.deepEqual(f.items.map((i) => [i.id, i.status, i.owner]), [['v-serious-violation', 'open', ''], ['c-score-sheets', 'open', ''], ['c-plan', 'done', '王五'], ['c-licences', 'verified', '']]);
  assert.equal(f.items[2].problem, '已下发的问题');
  const notice = D.articleHtml('notice', f);
  assert.match(notice, /<td><p>2025-04-30<\/p><\/td><td><p>王五<\/p><\/td>/);
});

test('overdue: past the deadline and not done', () => {
  const item = { deadline: '2025-04-01', status: 'open' };
  assert.equal(O.isOverdue(item, '2025-04-02'), true);
  assert.equal(O.isOverdue(item, '2025-04-01'), false);
  assert.equal(O.isOverdue(Object.assign({}, item, { status: 'done' }), '2025-05-01'), false);
  assert.equal(O.isOverdue({ deadline: null, status: 'open' }, '2099-01-01'), false);
});

function tracking() {
  const doc = withVeto();
  return O.rectification(doc, '2025-03-18T09:00:00.000Z');
}

test('merging the institution\'s tracking: blanks filled, statuses taken, conflicts asked, nothing dropped', () => {
  const local = tracking();
  local.items[1].owner = '王五';
  local.items[2].deadline = '2025-04-30';
  const incoming = JSON.parse(JSON.stringify(tracking()));
  incoming.items[0].status = 'in_progress';
  incoming.items[1].owner = '赵六'; // conflicts with 王五
  incoming.items[2].status = 'done';
  incoming.items[2].note = '已修订实施方案';
  incoming.items[2].photos = ['p-9'];
  incoming.items.push({ id: 'c-extra', source: { kind: 'criterion', id: 'licences' }, problem: 'p', requirement: 'r', deadline: null, owner: '', status: 'open', note: '', photos: [], updated_at: null, by: '' });
  const asked = [];
  const merged = O.mergeTracking(local, incoming, (c) => {
    asked.push([c.id, c.field, c.local, c.incoming]);
    return 'local';
  });
  assert.deepEqual(asked, [['c-score-sheets', 'owner', '王五', '赵六']]);
  const items = merged.rectification.items;
  assert.deepEqual(items.map((i) => [i.id, i.status, i.owner, i.deadline]), [
    ['v-serious-violation', 'in_progress', '', null],
    ['c-score-sheets', 'open', '王五', null],
    ['c-plan', 'done', '', '2025-04-30'],
    ['c-extra', 'open', '', null],
  ]);
  assert.equal(items[2].note, '已修订实施方案');
  assert.deepEqual(items[2].photos, ['p-9']);
  assert.deepEqual(merged.added, ['c-extra']);
  // Choosing theirs on the conflict.
  const theirs = O.mergeTracking(local, incoming, () => 'incoming');
  assert.equal(theirs.rectification.items[1].owner, '赵六');
});

test('tracking read from a file is checked key by key', () => {
  const ok = O.readRectification(JSON.parse(JSON.stringify(tracking())));
  assert.equal(ok.ok, true);
  const bad = (mutate) => {
    const r = JSON.parse(JSON.stringify(tracking()));
    mutate(r);
    return O.readRectification(r);
  };
  assert.match(bad((r) => { r.items[0].status = 'closed'; }).message, /状态“closed”无效/);
  assert.match(bad((r) => { r.items[0].deadline = '2025-02-30'; }).message, /不是 年-月-日 格式/);
  assert.match(bad((r) => { r.items[0].hack = 1; }).message, /无法识别的字段“hack”/);
  assert.match(O.readRectification(JSON.parse('{"items": [], "__proto__": {"x": 1}}')).message, /无法识别的字段“__proto__”/);
  assert.match(bad((r) => { r.items[1].id = r.items[0].id; }).message, /重复/);
});

test('a 复查 that closes two of three items: per-item result, completion 2/3, total and band change, then 已核验 on the earlier one', () => {
  const earlier = withVeto();
  earlier.rectification = O.rectification(earlier, '2025-03-18T09:00:00.000Z');
  const started = O.startFollowUp(earlier, { id: 'a-20250618-followup', now: '2025-06-18T01:00:00.000Z', assessors: ['张三'] });
  assert.equal(started.ok, true);
  const follow = started.doc;
  assert.deepEqual(follow.follow_up_of, { id: earlier.id, exported_at: earlier.exported_at, total: 93.5, band: 'fail', vetoed: true, items: ['v-serious-violation', 'c-score-sheets', 'c-plan'] });
  assert.equal(follow.header['督导日期'], '');
  assert.equal(follow.header['被督导机构名称'], '某市职业技能评价中心');
  // Before scoring: every item unchecked.
  assert.deepEqual(O.followUpResult(follow, earlier).rows.map((r) => r.state), ['unchecked', 'unchecked', 'unchecked']);
  // Score it: veto gone, score-sheets now full, plan still partial.
  const S = require('../../themes/default/static/js/scoring.js');
  for (const c of S.flatten(follow.rubric)) follow.answers[c.id] = { status: 'full' };
  follow.answers.plan = { status: 'partial', score: 2, justification: '分工表仍不完整' };
  const result = O.followUpResult(follow, earlier);
  assert.deepEqual(result.rows.map((r) => [r.id, r.state]), [['v-serious-violation', 'closed'], ['c-score-sheets', 'closed'], ['c-plan', 'open']]);
  assert.deepEqual([result.closed, result.all, result.percent], [2, 3, 67]);
  assert.deepEqual(result.total, { before: 93.5, after: 99, delta: 5.5 });
  assert.deepEqual([result.band.before, result.band.after], ['fail', 'excellent']);
  const verified = O.verifyClosed(earlier.rectification, result, '2025-06-18T02:00:00.000Z', '张三');
  assert.deepEqual(O.completion(verified.items), { verified: 2, all: 3, percent: 67 });
  assert.deepEqual(verified.items.map((i) => i.status), ['verified', 'verified', 'open']);
});

test('documents: numbered sections, signatures and seal space, our wording marked as ours', () => {
  const f = O.findings(withVeto());
  const opinion = D.opinionBlocks(f);
  assert.deepEqual(opinion.filter((b) => b.t === 'h').map((b) => b.text), ['一、基本情况', '二、督导结论', '三、失分项', '四、不合格项', '五、处理意见', '附：现场照片']);
  const sign = opinion.find((b) => b.t === 'sign');
  assert.equal(sign.seal, '督导组（盖章）');
  assert.equal(opinion.at(-1).text, D.OURS);
  const notice = D.noticeBlocks(f);
  assert.deepEqual(notice.filter((b) => b.t === 'h').map((b) => b.text), ['一、整改项', '二、整改要求', '三、整改报告回执', '附：现场照片']);
  // The photo of the criterion 整改项 3 was made from, named by its number.
  assert.deepEqual(notice.filter((b) => b.t === 'figure').map((b) => b.text), ['整改项 3 照片：实施方案首页']);
  const items = notice.find((b) => b.cls === 'doc-items');
  assert.deepEqual(items.rows.map((r) => [r[0][0], r[3][0], r[4][0]]), [['1', '待定', '待定'], ['2', '待定', '待定'], ['3', '待定', '待定']]);
  // Every table's Word column widths fill the 16 cm text width.
  for (const widths of Object.values(D.WIDTHS)) assert.equal(widths.reduce((a, b) => a + b, 0), 9070);
  // Markup in user text is escaped in HTML and Word.
  const doc = withVeto();
  doc.veto['serious-violation'].description = '<script>x</script> & "引号"\u0001';
  const evil = O.findings(doc);
  assert.ok(!D.articleHtml('opinion', evil).includes('<script>'));
  assert.match(D.documentXml('opinion', evil), /&lt;script&gt;x&lt;\/script&gt; &amp; &quot;引号&quot;</);
});

test('the document stylesheet the page embeds is the one the CLI embeds', () => {
  const css = readFileSync(new URL('../../themes/default/static/css/outcome-doc.css', import.meta.url), 'utf8');
  const html = D.standaloneHtml('opinion', O.findings(withVeto()), css);
  assert.ok(html.includes(`<style>\n${css}</style>`));
  assert.match(css, /FangSong/);
  assert.match(css, /size: A4/);
});
