// Hand-made schema-version-2 assessments (docs/assessment.md) of the real
// 附件1 from `dudao dump`, shared by the outcome unit, agreement and browser
// tests: a scored 附件1 with a veto and three 整改项, and its 复查.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { BIN } from './helpers.mjs';

const require = createRequire(import.meta.url);
const S = require('../../themes/default/static/js/scoring.js');
const X = require('../../themes/default/static/js/exchange.js');

export const project = JSON.parse(execFileSync(BIN, ['dump'], { encoding: 'utf8' }));
export const ANNEX1 = project.rubrics.find((r) => r.id === 'annex-1');

/**
 * Python (zipfile) printing a .docx's parts in zip order as JSON
 * [[name, content]]: XML as text, a picture (word/media/) as base64.
 */
export const DOCX_PARTS = `
import base64, json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    assert z.testzip() is None
    read = lambda i: base64.b64encode(z.read(i)).decode() if i.filename.startswith('word/media/') else z.read(i).decode('utf-8')
    print(json.dumps([[i.filename, read(i)] for i in z.infolist()], ensure_ascii=False))
`;

/** A 1×1 PNG: the smallest photo the schema accepts. */
export const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

function totals(rubric, doc) {
  return X.totals(rubric, S.evaluate(rubric, doc));
}

/** Recomputes `totals` after a test changed the answers (readers refuse stale totals). */
export function retotal(doc) {
  doc.totals = totals(doc.rubric, doc);
  return doc;
}

/** Every criterion 符合 unless `answers` says otherwise. */
export function scored(answers, veto, extra) {
  const doc = {
    format: 'dudao-assessment',
    version: 2,
    id: 'a-20250318-fixture1',
    name: '某市职业技能评价中心 2025 年 3 月现场督导',
    created_at: '2025-03-18T01:00:00.000Z',
    updated_at: '2025-03-18T08:00:00.000Z',
    exported_at: '2025-03-18T08:30:00.000Z',
    rubric: ANNEX1,
    assessors: ['张三', '李四'],
    header: { '被督导机构名称': '某市职业技能评价中心', '机构备案号': 'S000012345', '督导日期': '2025-03-18', '时间': '09:00-16:00', '督导(组)员': '张三、李四' },
    answers: {},
    veto: veto || {},
    photos: {},
    merged_from: [],
    rectification: null,
    follow_up_of: null,
  };
  for (const c of S.flatten(ANNEX1)) doc.answers[c.id] = { status: 'full' };
  Object.assign(doc.answers, answers);
  Object.assign(doc, extra || {});
  doc.totals = totals(ANNEX1, doc);
  return doc;
}

/** 附件1 with a veto (described), a 不符合 (5 points) and a 基本符合 with a photo. */
export function withVeto() {
  return scored({
    'score-sheets': { status: 'none', notes: '第 2 考场评分表缺 1 名考评员签字', by: '张三' },
    plan: { status: 'partial', score: 1.5, justification: '实施方案未列明考评员分工', notes: '见现场照片', photos: ['p-1'], by: '李四' },
  }, {
    'serious-violation': { ticked: true, description: '现场发现 3 份报名材料的工作年限证明系伪造。', by: '张三' },
  }, {
    photos: { 'p-1': { type: 'image/png', width: 1, height: 1, bytes: 70, caption: '实施方案首页', added_at: '2025-03-18T02:00:00.000Z', by: '李四', data: PNG } },
  });
}
