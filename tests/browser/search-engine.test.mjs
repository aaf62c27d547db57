// The search engine apart from the page: the tokenizer against the vectors
// the Rust index builder is tested with, number queries, ranking rules and
// snippets on a small hand-made index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const engine = require('../../themes/default/static/js/search-engine.js');
const { vectors } = JSON.parse(readFileSync(new URL('../search_tokenizer_vectors.json', import.meta.url), 'utf8'));

test('the tokenizer cuts text exactly as the Rust index builder does', () => {
  assert.ok(vectors.length >= 10);
  for (const v of vectors) {
    assert.equal(engine.normalize(v.text), v.normalized, `normalize(${v.text})`);
    assert.deepEqual(engine.indexTerms(v.text), v.index, `indexTerms(${v.text})`);
    assert.deepEqual(engine.queryTerms(v.text), v.query, `queryTerms(${v.text})`);
  }
});

test('number queries name an indicator, ordinary text does not', () => {
  const cases = {
    '14': 14, '第14项': 14, '第 14 项': 14, '第１４项': 14, '指标14': 14, '二级指标 14': 14,
    '第十四项': 14, '第三十三项': 33, '第十项': 10, '指标八': 8,
    '十四': null, '考评员': null, '二级指标 33 个': null, '第14项考评员': null, '': null,
  };
  for (const [query, expected] of Object.entries(cases)) {
    assert.equal(engine.numberQuery(query), expected, query);
  }
});

// Shaped as the Rust builder writes it: postings are [gap from the previous
// doc, weight] pairs; weights here are simple counts, title words ×3.
function tinyIndex() {
  const docs = [
    { k: 'indicator:12', u: 'indicators/12/index.html', t: '标准规范和试题资源建设管理', m: '二级指标 12', n: 12, s: [['', '试题资源建设管理等环节是否符合安全保密要求。']] },
    { k: 'row:a/bank', u: 'rubrics/a/index.html#row-bank', t: '题库存储规范', m: '附件2', s: [['c-computer', '具有题库专用计算机，由专人管理，定期备份题库。']], a: [['rubrics/b/index.html#row-bank', '变体']] },
    { k: 'row:b/other', u: 'rubrics/b/index.html#row-other', t: '题库存储规范', m: '变体', d: 1, s: [['c-computer', '具有题库专用计算机，定期备份题库。']] },
    { k: 'row:a/system', u: 'rubrics/a/index.html#row-system', t: '系统设计合理', m: '附件2', s: [['c-one', '系统设计严谨。'], ['c-bank-system', '应配备专用的题库管理系统，实现自动抽题组卷。']] },
    { k: 'indicator:14', u: 'indicators/14/index.html', t: '评价活动的策划', m: '二级指标 14', n: 14, s: [['', '每个考评批次是否在考前至少 5 个工作日制定评价计划。']] },
  ];
  const terms = {};
  const last = {};
  docs.forEach((d, id) => {
    const counts = {};
    for (const t of engine.indexTerms(d.t)) counts[t] = (counts[t] || 0) + 3;
    for (const [, text] of d.s) for (const t of engine.indexTerms(text)) counts[t] = (counts[t] || 0) + 1;
    for (const [t, c] of Object.entries(counts)) {
      (terms[t] ||= []).push(id - (last[t] ?? 0), c * 10);
      last[t] = id;
    }
  });
  return { v: engine.INDEX_VERSION, docs, terms };
}

const text = (parts) => parts.map((p) => p.text).join('');
const marked = (parts) => parts.filter((p) => p.hit).map((p) => p.text);

test('a sub-word finds the longer word, and the title match ranks first', () => {
  const searcher = engine.createSearcher(tinyIndex());
  const results = searcher.search('题库');
  assert.equal(results[0].key, 'row:a/bank');
  assert.ok(results.some((r) => r.key === 'row:a/system'), '题库 inside 题库管理系统 is found');
  assert.deepEqual(marked(results[0].title), ['题库']);
});

test('an official row outranks a derived one, and lists its verbatim copies', () => {
  const results = engine.createSearcher(tinyIndex()).search('题库专用计算机');
  assert.deepEqual(results.map((r) => r.key).slice(0, 2), ['row:a/bank', 'row:b/other']);
  assert.deepEqual(results[0].also, [{ url: 'rubrics/b/index.html#row-bank', meta: '变体' }]);
});

test('a one-character query finds every pair holding the character', () => {
  const keys = engine.createSearcher(tinyIndex()).search('库').map((r) => r.key);
  assert.deepEqual(keys.slice().sort(), ['row:a/bank', 'row:a/system', 'row:b/other']);
  const [first] = engine.createSearcher(tinyIndex()).search('库');
  assert.ok(first.snippet.some((p) => p.hit && p.text === '库'));
});

test('a hit in a criterion links to that criterion and marks the words', () => {
  const [first] = engine.createSearcher(tinyIndex()).search('题库管理系统');
  assert.equal(first.key, 'row:a/system');
  assert.equal(first.url, 'rubrics/a/index.html#c-bank-system');
  assert.deepEqual(marked(first.snippet), ['题库管理系统']);
  assert.equal(text(first.snippet), '应配备专用的题库管理系统，实现自动抽题组卷。');
});

test('a number query puts the indicator first', () => {
  const searcher = engine.createSearcher(tinyIndex());
  for (const q of ['14', '第14项', '第十四项']) assert.equal(searcher.search(q)[0].key, 'indicator:14', q);
  assert.equal(searcher.search('12')[0].key, 'indicator:12');
});

test('words split by the text still match, all query words count', () => {
  const [first] = engine.createSearcher(tinyIndex()).search('考前5个工作日');
  assert.equal(first.key, 'indicator:14');
  assert.deepEqual(marked(first.snippet), ['考前', '5', '个工作日']);
});

test('no match, blank and hostile queries return nothing and do not throw', () => {
  const searcher = engine.createSearcher(tinyIndex());
  for (const q of ['', '   ', '量子', '__proto__', 'constructor', '<img src=x onerror=alert(1)>']) {
    assert.deepEqual(searcher.search(q), [], q);
  }
});

test('long text is cut around the first hit, never inside a character pair', () => {
  const long = '前'.repeat(100) + '题库' + '后'.repeat(100);
  const index = { v: engine.INDEX_VERSION, docs: [{ k: 'x', u: 'x.html', t: '长', m: '', s: [['', long]] }], terms: { 题库: [0, 10] } };
  const [r] = engine.createSearcher(index).search('题库');
  assert.equal(r.snippet[0].text, '…');
  assert.equal(r.snippet[r.snippet.length - 1].text, '…');
  assert.deepEqual(marked(r.snippet), ['题库']);
  assert.ok(text(r.snippet).length <= 72 + 2);
});

test('an index of another version or shape is refused', () => {
  assert.throws(() => engine.createSearcher({ v: 999, docs: [], terms: {} }), /unexpected shape/);
  assert.throws(() => engine.createSearcher({ v: engine.INDEX_VERSION, docs: [{ k: 1 }], terms: {} }), /unexpected shape/);
  assert.throws(() => engine.createSearcher(null), /unexpected shape/);
});

test('a query word that appears whole is marked whole, not pair by pair', () => {
  const index = {
    v: engine.INDEX_VERSION,
    docs: [{ k: 'x', u: 'x.html', t: '考评队伍', m: '', s: [['', '有考评员队伍，组织考评人员培训。']] }],
    terms: { 考评: [0, 10], 评员: [0, 10] },
  };
  const [r] = engine.createSearcher(index).search('考评员');
  assert.deepEqual(marked(r.snippet), ['考评员']);
  assert.deepEqual(marked(r.title), ['考评'], 'a title without the whole word marks its pairs');
});

test('a number query lists the indicator, then the rows that draw on it, and no text noise', () => {
  const index = tinyIndex();
  index.docs.push(
    { k: 'row:b/derived', u: 'b.html#row-d', t: '派生行', m: '', d: 1, i: [14], s: [['', '第一项']] },
    { k: 'row:a/plan', u: 'a.html#row-plan', t: '评价活动策划', m: '', i: [14, 15], s: [['', '有实施方案。']] },
  );
  const keys = engine.createSearcher(index).search('第14项').map((r) => r.key);
  assert.deepEqual(keys, ['indicator:14', 'row:a/plan', 'row:b/derived']);
  // A number with no indicator is ordinary text.
  assert.deepEqual(engine.createSearcher(index).search('99'), []);
});
