#!/usr/bin/env node
// Synthetic version-2 assessment files for the summary's tests and benchmarks
// (docs/summary.md, docs/benchmarks.md). Deterministic: the same arguments
// give the same bytes.
//
//   node scripts/gen-assessments.mjs --out DIR [--count 30] [--seed 1]
//        [--rubrics annex-1,annex-2] [--tampered 1] [--duplicates 1]
//        [--dump dump.json | --bin target/release/dudao]
//
// Rubrics come from `dudao dump` (the model the site embeds). Institutions
// are drawn from a pool so that some are assessed twice (a timeline); each has
// a "quality" and each criterion a "difficulty", so the province loses points
// on some criteria more than others, as in a real round. Totals are computed
// with the site's own scoring.js. Tampered files change a criterion's text in
// the embedded rubric (content_hash no longer matches) or the total; duplicates
// are byte copies under another name.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const S = require('../themes/default/static/js/scoring.js');

export function parseArgs(argv) {
  const args = { count: 30, seed: 1, rubrics: 'annex-1,annex-2', tampered: 0, duplicates: 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    args[key] = argv[i + 1];
  }
  for (const k of ['count', 'seed', 'tampered', 'duplicates']) args[k] = Number(args[k]);
  args.rubrics = String(args.rubrics).split(',');
  return args;
}

/** mulberry32: small, fast, and the same everywhere. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CITIES = [
  ['杭州市', '3301'], ['宁波市', '3302'], ['温州市', '3303'], ['嘉兴市', '3304'], ['湖州市', '3305'],
  ['绍兴市', '3306'], ['金华市', '3307'], ['衢州市', '3308'], ['舟山市', '3309'], ['台州市', '3310'], ['丽水市', '3311'],
];
const KINDS = ['职业技能等级认定中心', '技师学院', '高级技工学校', '职业培训学校', '人力资源服务有限公司', '职业技能鉴定所'];
const ASSESSORS = ['张三', '李四', '王五', '赵六', '钱七', '孙八', '周九', '吴十'];
const NOTES = ['现场查看记录', '查阅台账', '访谈考务人员', '抽查档案 5 份', '见照片'];

function pick(rand, list) {
  return list[Math.floor(rand() * list.length)];
}

/** Institution number `n` of the pool: its name, filing number and quality. */
function institution(n, seed) {
  const rand = random(seed * 7919 + n * 104729);
  const [city, code] = CITIES[n % CITIES.length];
  const kind = KINDS[Math.floor(n / CITIES.length) % KINDS.length];
  const serial = Math.floor(n / (CITIES.length * KINDS.length));
  return {
    name: `${city}${serial > 0 ? `第${serial + 1}` : ''}${kind}`,
    filing: `S${code}${String(1000 + n).padStart(4, '0')}`,
    quality: 0.55 + rand() * 0.45,
  };
}

function isoDay(rand, month) {
  const day = 1 + Math.floor(rand() * 28);
  return `2025-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** One assessment document of `rubric` for institution `inst`. */
export function makeAssessment(rubric, inst, n, seed, month) {
  const rand = random(seed * 31 + n * 977 + 13);
  const criteria = S.flatten(rubric);
  const answers = {};
  const draft = rand() < 0.05;
  const day = isoDay(rand, month);
  const assessors = [pick(rand, ASSESSORS), pick(rand, ASSESSORS)].filter((a, i, l) => l.indexOf(a) === i);
  for (const c of criteria) {
    if (draft && rand() < 0.2) continue;
    // A per-criterion difficulty shared by every file of the seed: the
    // province loses points on the same hard criteria.
    const difficulty = random(seed * 17 + c.index * 389)() * 0.35;
    const r = rand();
    let answer;
    if (r < inst.quality - difficulty) answer = { status: 'full' };
    else if (c.halves > 1 && r < inst.quality - difficulty / 2 + 0.2) {
      const halves = 1 + Math.floor(rand() * (c.halves - 1));
      answer = { status: 'partial', score: halves / 2, justification: '部分材料不齐全，需补充' };
    } else answer = { status: 'none' };
    if (rand() < 0.15) answer.notes = pick(rand, NOTES);
    answer.by = assessors[0];
    answer.at = `${day}T0${1 + Math.floor(rand() * 8)}:${String(Math.floor(rand() * 60)).padStart(2, '0')}:00.000Z`;
    answers[c.id] = answer;
  }
  const veto = {};
  const items = (rubric.veto && rubric.veto.items) || [];
  if (items.length > 0 && rand() < 0.06) {
    const item = pick(rand, items);
    veto[item.id] = { ticked: true, description: '现场发现，已取证', by: assessors[0] };
  }
  const result = S.evaluate(rubric, { answers, veto });
  const header = {};
  for (const f of rubric.header_fields) {
    if (/机构名称/.test(f)) header[f] = inst.name;
    else if (/备案号/.test(f)) header[f] = inst.filing;
    else if (/日期/.test(f)) header[f] = day;
    else if (/时间/.test(f)) header[f] = '09:00-11:30';
    else if (/组\)?员/.test(f)) header[f] = assessors.join('、');
    else header[f] = '';
  }
  let rectification = null;
  const lost = result.criteria.filter((c) => c.lostHalves > 0);
  if (lost.length > 0 && rand() < 0.25) {
    const statuses = ['open', 'in_progress', 'done', 'verified'];
    rectification = {
      issued_at: `${day}T10:00:00.000Z`,
      items: lost.slice(0, 6).map((c, i) => ({
        id: `r-${i + 1}`, source: { kind: 'criterion', id: c.id }, problem: '未达到评分标准', requirement: '限期整改',
        deadline: null, owner: '机构负责人', status: pick(rand, statuses), note: '', photos: [],
        updated_at: `${day}T10:00:00.000Z`, by: assessors[0],
      })),
    };
  }
  const byId = (list) => Object.fromEntries(list.map((node) => [node.id, node.halves / 2]));
  const id = `a-${day.replace(/-/g, '')}-${(n * 2654435761 % 4294967296).toString(36).padStart(7, '0')}s${seed}`;
  return {
    format: 'dudao-assessment',
    version: 2,
    id: id,
    name: `${inst.name} ${day} 现场督导`,
    created_at: `${day}T01:00:00.000Z`,
    updated_at: `${day}T09:00:00.000Z`,
    exported_at: `${day}T09:30:00.000Z`,
    rubric: rubric,
    assessors: assessors,
    header: header,
    answers: answers,
    veto: veto,
    photos: {},
    merged_from: [],
    rectification: rectification,
    follow_up_of: null,
    totals: {
      total: result.totalHalves / 2, max: result.maxHalves / 2, band: result.band.id,
      vetoed: result.vetoed.length > 0, answered: result.answered, criteria: result.count,
      stages: byId(result.stages), groups: byId(result.groups),
    },
  };
}

function loadRubrics(args) {
  const text = args.dump
    ? readFileSync(args.dump, 'utf8')
    : execFileSync(args.bin || 'target/release/dudao', ['dump'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const dump = JSON.parse(text);
  return args.rubrics.map((id) => {
    const r = dump.rubrics.find((x) => x.id === id);
    if (!r) throw new Error(`no rubric ${id} in the dump`);
    return r;
  });
}

/**
 * Writes the files; returns [{file, kind: 'valid'|'tampered'|'duplicate', doc}]
 * (doc only for valid ones) so a test knows what it made.
 */
export function generate(args) {
  const rubrics = loadRubrics(args);
  mkdirSync(args.out, { recursive: true });
  if (readdirSync(args.out).length > 0) throw new Error(`${args.out} is not empty; the generator never overwrites`);
  const made = [];
  // About one institution in five is assessed twice (months 3 and 9).
  const pool = Math.max(1, Math.ceil(args.count * 0.8 / rubrics.length));
  for (let n = 0; n < args.count; n++) {
    const rubric = rubrics[n % rubrics.length];
    const k = Math.floor(n / rubrics.length);
    const inst = institution(k % pool, args.seed);
    const month = k < pool ? 3 : 9;
    const doc = makeAssessment(rubric, inst, n, args.seed, month);
    const file = `评估-${rubric.id}-${String(n + 1).padStart(4, '0')}.json`;
    writeFileSync(join(args.out, file), JSON.stringify(doc));
    made.push({ file, kind: 'valid', doc });
  }
  const valid = made.slice();
  for (let t = 0; t < args.tampered; t++) {
    const source = valid[(t * 7) % valid.length].doc;
    const doc = JSON.parse(JSON.stringify(source));
    doc.id = `${source.id}-t${t}`;
    if (t % 2 === 0) doc.totals.total = Math.min(doc.totals.max, doc.totals.total + 10);
    else doc.rubric.stages[0].groups[0].rows[0].criteria[0].text += '（改）';
    const file = `评估-改动-${t + 1}.json`;
    writeFileSync(join(args.out, file), JSON.stringify(doc));
    made.push({ file, kind: 'tampered' });
  }
  for (let d = 0; d < args.duplicates; d++) {
    const source = valid[(d * 5 + 1) % valid.length];
    const file = `评估-副本-${d + 1}.json`;
    writeFileSync(join(args.out, file), JSON.stringify(source.doc));
    made.push({ file, kind: 'duplicate', of: source.file });
  }
  return made;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = parseArgs(process.argv.slice(2));
  if (!args.out) {
    console.error('usage: node scripts/gen-assessments.mjs --out DIR [--count N] [--seed S] [--rubrics a,b] [--tampered K] [--duplicates K] [--dump FILE | --bin DUDAO]');
    process.exit(2);
  }
  const made = generate(args);
  console.log(`wrote ${made.length} files to ${args.out}`);
}
