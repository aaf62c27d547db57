// The builder's data layer against dudao itself: the same content hash, and
// YAML that `dudao check` accepts and `dudao dump` reads back as exactly the
// model the builder holds (the round trip the builder's download relies on).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { BIN } from './helpers.mjs';

const require = createRequire(import.meta.url);
const M = require('../../themes/default/static/js/tailor-model.js');
const Rules = require('../../themes/default/static/js/rubric-rules.js');

const dump = (root) => JSON.parse(execFileSync(BIN, ['dump', '--root', root], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 }));
const bundled = dump('.');

function copyProject() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-tailor-'));
  for (const sub of ['content', 'rubrics']) fs.cpSync(sub, path.join(dir, sub), { recursive: true });
  return dir;
}

test('content hashes match dudao for every bundled rubric', () => {
  for (const rubric of bundled.rubrics) assert.equal(M.contentHash(rubric), rubric.content_hash, rubric.id);
  assert.equal(M.sha256Hex(new TextEncoder().encode('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(M.sha256Hex(new Uint8Array(0)), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('an untouched rubric goes through work → raw → model unchanged but for its identity', () => {
  for (const rubric of bundled.rubrics) {
    const raw = M.toRaw(M.fromModel(rubric), { id: rubric.id, based_on: rubric.based_on ?? 'annex-1', rationale: rubric.rationale ?? '测试' });
    const model = M.toModel(raw);
    for (const key of ['stages', 'veto', 'bands', 'notes', 'editorial_notes', 'total', 'header_fields', 'has_stages', 'scoring_rule', 'title']) {
      assert.deepEqual(model[key], rubric[key], `${rubric.id}.${key}`);
    }
  }
});

test('rescale reaches the target exactly in half points, keeps every criterion, and is proportional', () => {
  const work = M.fromModel(bundled.rubrics.find((r) => r.id === 'annex-1'));
  // Switch off 理论考场安排 (2) and 信息化建设 (5): 93 points left.
  for (const s of work.stages) for (const g of s.groups) for (const r of g.rows) if (['theory-venue', 'informatization'].includes(r.id)) r.on = false;
  assert.equal(M.totalHalves(work), 186);
  assert.ok(M.rescale(work));
  const live = M.liveCriteria(work);
  assert.equal(M.totalHalves(work), 200);
  for (const c of live) {
    assert.ok(c.points >= 0.5 && Number.isInteger(c.points * 2), `${c.id} ${c.points}`);
  }
  // 5 × 100/93 = 5.376… → 5.5; 1 × 100/93 = 1.075… → 1 (or 1.5 for the largest remainders).
  assert.equal(live.find((c) => c.id === 'eligibility-compliant').points, 5.5);
  assert.ok([1, 1.5].includes(live.find((c) => c.id === 'licences').points));
  const again = M.fromModel(bundled.rubrics.find((r) => r.id === 'annex-1'));
  for (const s of again.stages) for (const g of s.groups) for (const r of g.rows) if (['theory-venue', 'informatization'].includes(r.id)) r.on = false;
  M.rescale(again);
  assert.deepEqual(M.liveCriteria(again).map((c) => c.points), live.map((c) => c.points), 'deterministic');
  // Tiny weights never fall to zero.
  const tiny = { stages: [{ groups: [{ rows: [{ on: true, criteria: [{ on: true, points: 1000 }, { on: true, points: 0.5 }, { on: true, points: 0.5 }] }] }] }] };
  assert.ok(M.rescale(tiny));
  assert.deepEqual(tiny.stages[0].groups[0].rows[0].criteria.map((c) => c.points), [99, 0.5, 0.5]);
});

test('a tailored rubric downloads as YAML that dudao check accepts and dudao dump reads back as the same model', () => {
  const dir = copyProject();
  try {
    const work = M.fromModel(bundled.rubrics.find((r) => r.id === 'annex-1'));
    work.stages[0].groups[0].rows[0].criteria[1].on = false;
    work.stages[2].groups[1].rows[1].on = false;
    work.stages[1].groups[1].rows[2].criteria[0].text = '现场抽查考生身份信息，"未发现"异常\\情况。';
    work.stages[1].groups[0].rows.push({ on: true, id: 'added-13', title: '评价档案资料管理', indicators: [13], criteria: [{ on: true, id: 'added-13-1', text: '档案资料真实、准确、完整。', points: 3 }] });
    assert.ok(M.rescale(work));
    const raw = M.toRaw(work, { id: 'my-tailored', title: '自定义评分表', based_on: 'annex-1', rationale: '第一行\n第二行：备注5\n' });
    assert.deepEqual(Rules.validate(raw, { fileStem: 'my-tailored' }), []);
    const yaml = M.toYaml(raw, ['由 dudao 评分表定制页面生成', '被督导机构名称：某机构\n注入']);
    fs.writeFileSync(path.join(dir, 'rubrics', 'my-tailored.yaml'), yaml);
    const report = JSON.parse(execFileSync(BIN, ['check', '--format', 'json', '--root', dir], { encoding: 'utf8' }));
    assert.equal(report.ok, true, JSON.stringify(report.diagnostics));
    const model = dump(dir).rubrics.find((r) => r.id === 'my-tailored');
    assert.deepEqual(model, M.toModel(raw));
    assert.equal(model.rationale, '第一行\n第二行：备注5\n');
    assert.match(yaml, /^# 由 dudao 评分表定制页面生成\n# 被督导机构名称：某机构 注入\nid: "my-tailored"\n/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
