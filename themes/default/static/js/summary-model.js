/*
 * The provincial summary (督导汇总, docs/summary.md) without the DOM: read
 * version-2 assessment files, keep only what the summary needs, and add them
 * up into the same aggregates `dudao summarize` writes (src/summary.rs).
 *
 * Reading follows docs/assessment.md, "Schema version 2": the embedded
 * rubric's content_hash is recomputed (DudaoTailorModel.contentHash), the
 * rubric passes dudao check's rules (DudaoRubricRules) once per hash, every
 * answer is checked, and `totals` must equal a fresh DudaoScoring.evaluate.
 * A record keeps one small array of scores per file, never the file's text.
 *
 * Classic script (file:// refuses modules): globalThis.DudaoSummaryModel and
 * module.exports. Needs DudaoScoring, DudaoTailorModel, DudaoRubricRules.
 */
(function (root, factory) {
  'use strict';
  const need = (name, file) => root[name] || (typeof require === 'function' ? require(file) : undefined);
  const api = factory(
    need('DudaoScoring', './scoring.js'),
    need('DudaoTailorModel', './tailor-model.js'),
    need('DudaoRubricRules', './rubric-rules.js'),
  );
  root.DudaoSummaryModel = api;
  if (typeof module === 'object' && module && module.exports) module.exports = api;
})(typeof globalThis !== 'undefined' ? globalThis : this, function (S, TM, RR) {
  'use strict';

  const FORMAT = 'dudao-assessment';
  const VERSION = 2;
  const MAX_FILE_BYTES = 50 * 1024 * 1024;
  const MAX_TEXT = 10000;
  /** Band ids in the order of the chart; `fail-veto` is a 不合格 forced by a veto item. */
  const BAND_KEYS = ['excellent', 'pass', 'fail', 'fail-veto'];
  const KIND_LABELS = {
    'io': '无法读取',
    'too-large': '文件过大',
    'not-json': '不是有效的 JSON',
    'not-assessment': '不是评估文件',
    'old-version': '第 1 版文件',
    'future-version': '版本过新',
    'schema': '内容不符合格式',
    'tampered': '已被改动',
    'invalid-rubric': '评分表无效',
    'duplicate': '重复',
  };

  const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
  const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const given = (o, k) => has(o, k) && o[k] !== null && o[k] !== undefined;

  class Refusal extends Error {
    constructor(kind, message) {
      super(message);
      this.kind = kind;
    }
  }
  const refuse = (kind, message) => {
    throw new Refusal(kind, message);
  };

  function keys(object, allowed, where, required) {
    if (!isObject(object)) refuse('schema', `${where}应为对象。`);
    for (const key of Object.keys(object)) {
      if (!allowed.includes(key)) refuse('schema', `${where}含有无法识别的字段“${key}”。`);
    }
    for (const key of required || []) {
      if (!has(object, key)) refuse('schema', `${where}缺少字段“${key}”。`);
    }
  }
  function text(value, where, optional) {
    if (optional && (value === null || value === undefined)) return null;
    if (typeof value !== 'string') refuse('schema', `${where}应为文字。`);
    if (value.length > MAX_TEXT) refuse('schema', `${where}过长（超过 ${MAX_TEXT} 字）。`);
    return value;
  }
  function textList(value, where) {
    if (value === undefined) return [];
    if (!Array.isArray(value)) refuse('schema', `${where}应为列表。`);
    return value.map((v) => text(v, where));
  }

  // ---- the embedded rubric --------------------------------------------------

  /** Every key of the model rubric (docs/json-schema.md); all present, nothing else. */
  const MODEL = {
    rubric: ['id', 'title', 'label', 'kind', 'source', 'based_on', 'rationale', 'total', 'scoring_rule',
      'header_fields', 'has_stages', 'stages', 'veto', 'bands', 'notes', 'editorial_notes', 'content_hash'],
    stage: ['id', 'title', 'points', 'editorial_note', 'rationale', 'groups'],
    group: ['id', 'title', 'points', 'editorial_note', 'rationale', 'rows'],
    row: ['id', 'title', 'indicators', 'points', 'editorial_note', 'rationale', 'criteria'],
    criterion: ['id', 'text', 'points', 'editorial_note', 'rationale'],
    veto: ['title', 'intro', 'items'],
    vetoItem: ['id', 'text', 'rationale'],
    band: ['id', 'label', 'min', 'consequence'],
  };

  function checkModelShape(r) {
    const exact = (o, shape, where) => keys(o, MODEL[shape], where, MODEL[shape]);
    const list = (v, where) => (Array.isArray(v) ? v : refuse('invalid-rubric', `评分表的 ${where} 应为列表。`));
    exact(r, 'rubric', '评分表');
    list(r.stages, 'stages').forEach((s, i) => {
      exact(s, 'stage', `评分表 stages[${i}]`);
      list(s.groups, 'groups').forEach((g, j) => {
        exact(g, 'group', `评分表 stages[${i}].groups[${j}]`);
        list(g.rows, 'rows').forEach((row, k) => {
          exact(row, 'row', `评分表 rows[${k}]`);
          list(row.criteria, 'criteria').forEach((c) => exact(c, 'criterion', `评分项“${c && c.id}”`));
          list(row.indicators, 'indicators');
        });
      });
    });
    if (r.veto !== null) {
      exact(r.veto, 'veto', '评分表 veto');
      list(r.veto.items, 'veto.items').forEach((item) => exact(item, 'vetoItem', '不合格项'));
    }
    list(r.bands, 'bands').forEach((b) => exact(b, 'band', '分档'));
  }

  /** The model in the shape of a rubric file, for rubric-rules.js (as src/assessment/rubric_check.rs). */
  function toRawShape(r) {
    const prune = (o) => {
      for (const k of Object.keys(o)) if (o[k] === null) delete o[k];
      return o;
    };
    const groups = (list) => list.map((g) => prune({
      id: g.id, title: g.title, points: g.points, editorial_note: g.editorial_note, rationale: g.rationale,
      rows: g.rows.map((row) => prune({
        id: row.id, title: row.title, indicators: row.indicators, editorial_note: row.editorial_note,
        rationale: row.rationale, criteria: row.criteria.map((c) => prune(Object.assign({}, c))),
      })),
    }));
    const raw = prune({
      id: r.id, title: r.title, label: r.label, kind: r.kind, source: r.source, based_on: r.based_on,
      rationale: r.rationale, total: r.total, scoring_rule: r.scoring_rule, header_fields: r.header_fields,
      veto: r.veto && prune({ title: r.veto.title, intro: r.veto.intro, items: r.veto.items.map((i) => prune(Object.assign({}, i))) }),
      bands: r.bands.map((b) => prune(Object.assign({}, b))), notes: r.notes, editorial_notes: r.editorial_notes,
    });
    if (r.has_stages) {
      raw.stages = r.stages.map((s) => prune({
        id: s.id, title: s.title, points: s.points, editorial_note: s.editorial_note, rationale: s.rationale,
        groups: groups(s.groups),
      }));
    } else {
      raw.groups = groups(r.stages.flatMap((s) => s.groups));
    }
    return raw;
  }

  function rubricProblems(r) {
    const out = RR.validate(toRawShape(r), { fileStem: r.id })
      .filter((d) => d.severity === 'error')
      .map((d) => d.message);
    for (const s of r.stages) for (const g of s.groups) for (const row of g.rows) {
      const sum = row.criteria.reduce((a, c) => a + (S.toHalves(c.points) || 0), 0);
      if (sum !== S.toHalves(row.points)) out.push(`行“${row.id}”的分值 ${row.points} 与其评分标准之和 ${sum / 2} 不符`);
    }
    const single = r.stages.length === 1 && r.stages[0].id === 'main' && r.stages[0].title === null;
    if (r.has_stages === false && !single) out.push('has_stages 为 false 时只能有一个无标题的环节 main');
    if (typeof r.has_stages !== 'boolean') out.push('has_stages 应为 true 或 false');
    return out;
  }

  /**
   * What the summary keeps of a rubric: its criteria in table order with
   * their primary indicator (the row's first, as in the gap report).
   */
  function rubricEntry(r) {
    const criteria = S.flatten(r).map((c) => ({
      id: c.id, text: c.text, halves: c.halves, indicator: c.row.indicators[0], row: c.row.title,
      group: c.group.title, index: c.index,
    }));
    const indicators = Array.from(new Set(criteria.map((c) => c.indicator))).sort((a, b) => a - b);
    return { rubric: r, hash: r.content_hash, criteria, indicators };
  }

  // ---- one file ------------------------------------------------------------

  const TOP = ['format', 'version', 'id', 'name', 'created_at', 'updated_at', 'exported_at', 'rubric', 'assessors',
    'header', 'answers', 'veto', 'photos', 'merged_from', 'rectification', 'follow_up_of', 'totals'];
  const RECT_STATUS = ['open', 'in_progress', 'done', 'verified'];

  /**
   * Reads one file's text. `rubrics` is a Map(content_hash → entry) shared
   * across files, so each distinct rubric is checked once.
   * Returns {ok: true, record} or {ok: false, kind, message}.
   */
  function readText(textIn, rubrics) {
    try {
      return { ok: true, record: read(textIn, rubrics) };
    } catch (error) {
      if (error instanceof Refusal) return { ok: false, kind: error.kind, message: error.message };
      throw error;
    }
  }

  /** The refusal for a file too large to read at all (checked on File.size before reading). */
  function tooLarge(bytes) {
    return {
      ok: false, kind: 'too-large',
      message: `文件有 ${Math.round(bytes / 1024 / 1024)} MB，超过评估文件 50 MB 的上限，未读取。请确认它是否是导出的评估文件。`,
    };
  }

  function read(textIn, rubrics) {
    if (textIn.length > MAX_FILE_BYTES) refuse('too-large', '文件超过评估文件 50 MB 的上限，未读取。');
    let data;
    try {
      data = JSON.parse(textIn.charCodeAt(0) === 0xfeff ? textIn.slice(1) : textIn);
    } catch (_) {
      refuse('not-json', '不是有效的 JSON 文件：可能已损坏，或不是由 dudao 导出的评估文件。');
    }
    if (!isObject(data)) refuse('not-json', '不是 JSON 对象，不是 dudao 导出的评估文件。');
    if (data.format !== FORMAT) refuse('not-assessment', '不是 dudao 评估文件（缺少 format: "dudao-assessment"）。');
    if (data.version === 1) {
      refuse('old-version', '这是第 1 版评估文件，不含评分表本身。请在对应评分表的评分页“导入 JSON”后重新导出（第 2 版）。');
    }
    if (Number.isInteger(data.version) && data.version > VERSION) {
      refuse('future-version', `文件格式为第 ${data.version} 版，比本页面能读的第 ${VERSION} 版新。请使用新版 dudao 站点打开。`);
    }
    if (data.version !== VERSION) refuse('schema', `文件版本“${String(data.version)}”无效。`);
    keys(data, TOP, '文件', ['format', 'version', 'id', 'rubric', 'header', 'answers', 'veto', 'totals']);
    if (typeof data.id !== 'string' || !/^a-[0-9a-z-]{8,40}$/.test(data.id)) refuse('schema', `评估编号（id）“${String(data.id)}”格式不对。`);
    for (const k of ['name', 'created_at', 'updated_at', 'exported_at']) text(data[k], `字段 ${k} `, true);
    textList(data.assessors, '督导员（assessors）');

    const r = data.rubric;
    if (!isObject(r)) refuse('schema', '文件缺少评分表（rubric）。');
    // A rubric whose JSON is character for character one already verified
    // has that one's hash, shape and verdict: only a new text is hashed
    // (pure-JS SHA-256 of ~20 KB is most of the cost of a file).
    const json = JSON.stringify(Object.assign({}, r, { content_hash: '' }));
    const known = rubrics.get(r.content_hash);
    let entry = known && known.json === json ? known : null;
    if (!entry) {
      checkModelShape(r);
      const actual = 'sha256:' + TM.sha256Hex(new TextEncoder().encode(json));
      if (actual !== r.content_hash) {
        refuse('tampered', `文件中的评分表“${String(r.id)}”与其内容校验值（content_hash）不符：导出后被改动过。`);
      }
      // (A text that differs from a verified one of the same hash cannot
      // reach here: its own hash would differ.)
      const problems = rubricProblems(r);
      if (problems.length > 0) refuse('invalid-rubric', `文件中的评分表“${r.id}”未通过检查（共 ${problems.length} 处），第一处：${problems[0]}`);
      entry = rubricEntry(r);
      entry.json = json;
      rubrics.set(actual, entry);
    }
    const rubric = entry.rubric;

    keys(data.header, rubric.header_fields, '表头');
    for (const [field, value] of Object.entries(data.header)) text(value, `表头“${field}”`);

    const photos = given(data, 'photos') ? data.photos : {};
    keys(photos, Object.keys(photos), '照片');
    for (const [pid, p] of Object.entries(photos)) {
      keys(p, ['type', 'width', 'height', 'bytes', 'caption', 'added_at', 'by', 'data'], `照片“${pid}”`, ['type', 'data']);
    }
    const photoRefs = (list, where) => {
      for (const pid of textList(list, where)) if (!has(photos, pid)) refuse('schema', `${where}引用了文件中没有的照片“${pid}”。`);
    };

    const byId = new Map(entry.criteria.map((c) => [c.id, c]));
    keys(data.answers, Object.keys(data.answers), '评分结果');
    const state = { answers: {}, veto: {} };
    for (const [id, answer] of Object.entries(data.answers)) {
      const criterion = byId.get(id);
      if (!criterion) refuse('schema', `文件含有本评分表没有的评分项“${id}”。`);
      const where = `评分项“${id}”`;
      keys(answer, ['status', 'score', 'justification', 'notes', 'photos', 'by', 'at'], where);
      const status = given(answer, 'status') ? answer.status : null;
      if (status !== null && !S.STATUSES.includes(status)) refuse('schema', `${where}的结论“${String(status)}”无效。`);
      if (status === 'partial') {
        if (typeof answer.score !== 'number') refuse('schema', `${where}为“基本符合”，但缺少数字得分。`);
        const parsed = S.parsePartial(answer.score, criterion.halves);
        if (!parsed.ok) refuse('schema', `${where}的得分 ${answer.score} 无效：${parsed.message}。`);
        if (text(answer.justification, `${where}的理由`, true) === null || answer.justification.trim() === '') {
          refuse('schema', `${where}为“基本符合”，但缺少理由。`);
        }
      } else if (given(answer, 'score') || given(answer, 'justification')) {
        refuse('schema', `${where}不是“基本符合”，不应带有得分或理由。`);
      }
      for (const k of ['notes', 'by', 'at']) text(answer[k], `${where}的 ${k}`, true);
      photoRefs(answer.photos, where);
      state.answers[id] = { status: status, score: answer.score, justification: answer.justification };
    }
    const vetoIds = ((rubric.veto && rubric.veto.items) || []).map((i) => i.id);
    keys(data.veto, Object.keys(data.veto), '不合格项');
    for (const [id, v] of Object.entries(data.veto)) {
      if (!vetoIds.includes(id)) refuse('schema', `文件含有本评分表没有的不合格项“${id}”。`);
      keys(v, ['ticked', 'description', 'photos', 'by', 'at'], `不合格项“${id}”`, ['ticked']);
      if (typeof v.ticked !== 'boolean') refuse('schema', `不合格项“${id}”的 ticked 应为 true 或 false。`);
      for (const k of ['description', 'by', 'at']) text(v[k], `不合格项“${id}”的 ${k}`, true);
      photoRefs(v.photos, `不合格项“${id}”`);
      state.veto[id] = { ticked: v.ticked };
    }
    if (given(data, 'merged_from')) {
      if (!Array.isArray(data.merged_from)) refuse('schema', 'merged_from 应为列表。');
      for (const m of data.merged_from) keys(m, ['id', 'assessors', 'exported_at'], 'merged_from', ['id']);
    }
    let rectification = null;
    if (given(data, 'rectification')) {
      const rect = data.rectification;
      keys(rect, ['issued_at', 'items'], '整改（rectification）', ['items']);
      if (!Array.isArray(rect.items)) refuse('schema', '整改项（rectification.items）应为列表。');
      let done = 0;
      for (const item of rect.items) {
        keys(item, ['id', 'source', 'problem', 'requirement', 'deadline', 'owner', 'status', 'note', 'photos', 'updated_at', 'by'],
          '整改项', ['id', 'source', 'status']);
        keys(item.source, ['kind', 'id'], '整改项来源', ['kind', 'id']);
        if (!RECT_STATUS.includes(item.status)) refuse('schema', `整改项状态“${String(item.status)}”无效。`);
        if (item.status === 'done' || item.status === 'verified') done += 1;
      }
      rectification = { done: done, items: rect.items.length };
    }
    if (given(data, 'follow_up_of')) {
      keys(data.follow_up_of, ['id', 'exported_at', 'total', 'band', 'vetoed', 'items'], '复查来源（follow_up_of）', ['id']);
    }

    const result = S.evaluate(rubric, state);
    const expected = totalsOf(result);
    if (canonical(data.totals) !== canonical(expected)) {
      const claimed = isObject(data.totals) && typeof data.totals.total === 'number' ? `${data.totals.total} 分` : '（缺失）';
      refuse('tampered', `文件中的合计（${claimed}）与评分不一致（按评分重新计算为 ${expected.total} 分，结论也须一致）：导出后被改动过。`);
    }

    const scores = new Int16Array(result.criteria.length);
    result.criteria.forEach((c, i) => {
      scores[i] = c.status === 'unanswered' ? -1 : c.scoreHalves;
    });
    return {
      id: data.id,
      stamp: String(data.updated_at || data.exported_at || ''),
      hash: entry.hash,
      header: Object.assign(Object.create(null), data.header),
      institution: institutionOf(rubric, data.header),
      date: dateOf(rubric, data),
      region: regionOf(rubric, data.header),
      totalHalves: result.totalHalves,
      maxHalves: result.maxHalves,
      band: result.band.id,
      vetoed: result.vetoed.map((v) => v.id),
      answered: result.answered,
      count: result.count,
      rectification: rectification,
      scores: scores,
    };
  }

  function totalsOf(result) {
    const byId = (list) => Object.fromEntries(list.map((n) => [n.id, n.halves / 2]));
    return {
      total: result.totalHalves / 2, max: result.maxHalves / 2, band: result.band.id,
      vetoed: result.vetoed.length > 0, answered: result.answered, criteria: result.count,
      stages: byId(result.stages), groups: byId(result.groups),
    };
  }

  function canonical(value) {
    const sort = (v) => {
      if (Array.isArray(v)) return v.map(sort);
      if (isObject(v)) return Object.keys(v).sort().reduce((o, k) => { o[k] = sort(v[k]); return o; }, {});
      return v;
    };
    return JSON.stringify(sort(value));
  }

  // ---- who, when, where (the same rules as src/summary.rs) ------------------

  const NAME_FIELD = /机构名称|单位名称/;
  const FILING_FIELD = /备案号/;
  const DATE_FIELD = /日期/;
  const REGION_FIELD = /地区|区域|所在地|行政区/;

  const field = (rubric, header, pattern) => {
    const name = rubric.header_fields.find((f) => pattern.test(f));
    return name && typeof header[name] === 'string' ? header[name].trim() : '';
  };

  function institutionOf(rubric, header) {
    return { name: field(rubric, header, NAME_FIELD), filing: field(rubric, header, FILING_FIELD) };
  }
  function dateOf(rubric, data) {
    const fromHeader = field(rubric, data.header, DATE_FIELD);
    if (/^\d{4}-\d{2}-\d{2}$/.test(fromHeader)) return fromHeader;
    const stamp = String(data.exported_at || data.updated_at || '');
    return /^\d{4}-\d{2}-\d{2}/.test(stamp) ? stamp.slice(0, 10) : fromHeader;
  }
  function regionOf(rubric, header) {
    return field(rubric, header, REGION_FIELD);
  }

  // ---- many files: duplicates, timelines, aggregates ------------------------

  /**
   * Sorts accepted files by name, drops duplicates (the same assessment id
   * twice: the newest `updated_at` stays, the first by file name on a tie),
   * and adds up everything per rubric. `accepted` is [{file, record}],
   * `refused` is [{file, kind, message}]. Deterministic: the same files give
   * the same summary in any order.
   */
  function summarize(accepted, refused, rubrics) {
    const byName = (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
    const files = accepted.slice().sort(byName);
    const keep = new Map();
    for (const f of files) {
      const seen = keep.get(f.record.id);
      if (!seen || f.record.stamp > seen.record.stamp) keep.set(f.record.id, f);
    }
    const duplicates = [];
    for (const f of files) {
      const kept = keep.get(f.record.id);
      if (kept !== f) {
        duplicates.push({ file: f.file, kind: 'duplicate', message: `与“${kept.file}”是同一份评估（编号 ${f.record.id} 相同），只计一次。` });
      }
    }
    const groups = new Map();
    for (const f of files) {
      if (keep.get(f.record.id) !== f) continue;
      let g = groups.get(f.record.hash);
      if (!g) {
        g = { entry: rubrics.get(f.record.hash), files: [] };
        groups.set(f.record.hash, g);
      }
      g.files.push(f);
    }
    const list = Array.from(groups.values()).map(rubricSummary);
    list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.content_hash < b.content_hash ? -1 : 1));
    nameSheets(list);
    return {
      format: 'dudao-summary',
      version: 1,
      files: {
        read: accepted.length + refused.length,
        accepted: accepted.length - duplicates.length,
        refused: refused.slice().sort(byName).map((r) => ({ file: r.file, kind: r.kind, reason: r.message })),
        duplicates: duplicates.map((d) => ({ file: d.file, reason: d.message })),
      },
      rubrics: list,
    };
  }

  /** Institution identity within a rubric: the filing number, else the name. */
  function institutionKey(record) {
    return record.institution.filing ? 'filing:' + record.institution.filing : 'name:' + record.institution.name;
  }

  function rubricSummary(group) {
    const entry = group.entry;
    const rubric = entry.rubric;
    const byInstitution = new Map();
    for (const f of group.files) {
      const key = institutionKey(f.record);
      if (!byInstitution.has(key)) byInstitution.set(key, []);
      byInstitution.get(key).push(f);
    }
    const chronological = (a, b) => (a.record.date < b.record.date ? -1 : a.record.date > b.record.date ? 1
      : a.record.stamp < b.record.stamp ? -1 : a.record.stamp > b.record.stamp ? 1 : a.file < b.file ? -1 : 1);
    const institutions = [];
    const lostCount = new Array(entry.criteria.length).fill(0);
    const lostHalves = new Array(entry.criteria.length).fill(0);
    const bands = { excellent: 0, pass: 0, fail: 0, 'fail-veto': 0 };
    for (const [key, fs] of byInstitution) {
      fs.sort(chronological);
      const latest = fs[fs.length - 1];
      const rec = latest.record;
      const lostOf = (record, tally) => {
        const by = {};
        for (const n of entry.indicators) by[n] = 0;
        entry.criteria.forEach((c, i) => {
          const s = record.scores[i];
          if (s < 0) return;
          const lost = c.halves - s;
          by[c.indicator] += lost;
          if (tally && lost > 0) {
            lostCount[i] += 1;
            lostHalves[i] += lost;
          }
        });
        return entry.indicators.map((n) => by[n] / 2);
      };
      const lostByIndicator = lostOf(rec, true);
      const bandKey = rec.vetoed.length > 0 ? 'fail-veto' : rec.band;
      bands[bandKey] = (bands[bandKey] || 0) + 1;
      const previous = fs.length > 1 ? fs[fs.length - 2].record : null;
      institutions.push({
        key: key,
        name: rec.institution.name,
        filing_number: rec.institution.filing,
        region: rec.region,
        date: rec.date,
        id: rec.id,
        file: latest.file,
        total: rec.totalHalves / 2,
        max: rec.maxHalves / 2,
        band: rec.band,
        vetoed: rec.vetoed.slice(),
        answered: rec.answered,
        criteria: rec.count,
        rectification: rec.rectification,
        change: previous ? (rec.totalHalves - previous.totalHalves) / 2 : null,
        timeline: fs.map((f) => ({
          id: f.record.id, file: f.file, date: f.record.date, total: f.record.totalHalves / 2,
          band: f.record.band, vetoed: f.record.vetoed.length > 0,
        })),
        lost_by_indicator: lostByIndicator,
        previous_lost_by_indicator: previous ? lostOf(previous, false) : null,
        scores: Array.from(rec.scores, (s) => (s < 0 ? null : s / 2)),
      });
    }
    institutions.sort((a, b) => b.total - a.total || (a.name < b.name ? -1 : a.name > b.name ? 1 : a.key < b.key ? -1 : 1));
    const criteria = entry.criteria.map((c, i) => ({
      id: c.id, indicator: c.indicator, row: c.row, text: c.text, points: c.halves / 2,
      lost_count: lostCount[i], lost_points: lostHalves[i] / 2,
    }));
    const mostLost = criteria
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => c.lost_count > 0)
      .sort((a, b) => b.c.lost_count - a.c.lost_count || b.c.lost_points - a.c.lost_points || a.i - b.i)
      .map(({ c }) => c.id);
    const indicators = entry.indicators.map((n, j) => ({
      number: n,
      lost_points: institutions.reduce((sum, inst) => sum + inst.lost_by_indicator[j] * 2, 0) / 2,
      institutions_losing: institutions.filter((inst) => inst.lost_by_indicator[j] > 0).length,
    }));
    return {
      id: rubric.id,
      title: rubric.title,
      kind: rubric.kind,
      content_hash: rubric.content_hash,
      sheet: '',
      max: rubric.total,
      bands_defined: rubric.bands.map((b) => ({ id: b.id, label: b.label, min: b.min })),
      veto_items: ((rubric.veto && rubric.veto.items) || []).map((v) => ({ id: v.id, text: v.text })),
      assessments: group.files.length,
      bands: bands,
      indicators: indicators,
      criteria: criteria,
      most_lost: mostLost,
      institutions: institutions,
    };
  }

  /** Sheet names: the rubric id, with part of the hash when two versions share an id (≤ 31 chars). */
  function nameSheets(list) {
    const count = new Map();
    for (const r of list) count.set(r.id, (count.get(r.id) || 0) + 1);
    for (const r of list) {
      const base = r.id.slice(0, 24);
      r.sheet = count.get(r.id) > 1 ? `${base}-${r.content_hash.slice(7, 13)}` : base;
    }
  }

  // ---- exports --------------------------------------------------------------

  /**
   * 合格 is dudao's name (the notice names 优良 and 不合格 only): marked ※ in
   * the table, the CSV and the workbook, and BAND_NOTE says so under the
   * chart and the table and as the last row of the CSV and of each sheet
   * showing the mark (src/summary/output.rs BAND_NOTE, same words).
   */
  const BAND_LABELS = { excellent: '优良', pass: '合格※', fail: '不合格' };
  const BAND_NOTE = '※ 编者注：通知规定 ≥85 分为优良、<60 分为不合格、存在不合格项记为不合格；“合格”是 dudao 对其间分数段的称呼，非通知用语。';
  /** `rows` with BAND_NOTE as a last row when a cell shows the mark. */
  function withBandNote(rows) {
    return rows.some((row) => row.some((v) => typeof v === 'string' && v.includes('合格※'))) ? rows.concat([[BAND_NOTE]]) : rows;
  }
  function bandLabel(inst) {
    return (BAND_LABELS[inst.band] || inst.band) + (inst.vetoed.length > 0 ? '（存在不合格项）' : '');
  }
  /** Ticked 不合格项 as 第N项 (their place in the rubric), joined with 、 (src/summary/output.rs veto_label). */
  function vetoLabel(r, inst) {
    return inst.vetoed.map((id) => {
      const n = r.veto_items.findIndex((v) => v.id === id);
      return n >= 0 ? `第${n + 1}项` : id;
    }).join('、');
  }
  function progress(inst) {
    return `${inst.answered}/${inst.criteria}`;
  }
  function rectificationText(inst) {
    return inst.rectification ? `${inst.rectification.done}/${inst.rectification.items}` : '';
  }

  const TABLE_COLUMNS = ['评分表', '机构名称', '机构备案号', '地区', '日期', '得分', '满分', '结论', '不合格项', '已评/评分项', '整改完成/整改项', '较上次变化', '评估次数'];

  /** One row per institution and rubric (its latest assessment), as in the page's table. */
  function tableRows(summary) {
    const rows = [];
    for (const r of summary.rubrics) {
      for (const inst of r.institutions) {
        rows.push([r.id, inst.name, inst.filing_number, inst.region, inst.date, inst.total, inst.max, bandLabel(inst),
          vetoLabel(r, inst), progress(inst), rectificationText(inst), inst.change === null ? '' : inst.change, inst.timeline.length]);
      }
    }
    return rows;
  }

  function csvCell(value) {
    let t = value === null || value === undefined ? '' : String(value);
    if (typeof value === 'string' && /^[=+\-@\t\r]/.test(t)) t = "'" + t;
    return /[",\r\n]/.test(t) ? '"' + t.replace(/"/g, '""') + '"' : t;
  }

  /** The institutions table as CSV: UTF-8 with BOM, CRLF, formulas defused (docs/assessment.md "CSV export"). */
  function toCsv(summary) {
    const lines = withBandNote([TABLE_COLUMNS, ...tableRows(summary)]).map((row) => row.map(csvCell).join(','));
    return '\uFEFF' + lines.join('\r\n') + '\r\n';
  }

  /**
   * The workbook's cells, sheet by sheet: [{name, rows: [[value]]}]. The CLI
   * writes the same cells with rust_xlsxwriter (src/summary/xlsx.rs).
   */
  function workbookSheets(summary) {
    const sheets = [{ name: '汇总', rows: withBandNote([TABLE_COLUMNS, ...tableRows(summary)]) }];
    for (const r of summary.rubrics) {
      const head = ['机构名称', '机构备案号', '日期', '得分', '结论', ...r.criteria.map((c) => `${c.id}（${c.points}分）`)];
      const rows = r.institutions.map((inst) => [inst.name, inst.filing_number, inst.date, inst.total, bandLabel(inst),
        ...inst.scores.map((s) => (s === null ? '' : s))]);
      sheets.push({ name: r.sheet, rows: withBandNote([head, ...rows]) });
    }
    const lost = [['评分表', '指标', '失分合计', '失分机构数', '机构数']];
    for (const r of summary.rubrics) {
      for (const ind of r.indicators) lost.push([r.id, ind.number, ind.lost_points, ind.institutions_losing, r.institutions.length]);
    }
    sheets.push({ name: '指标失分', rows: lost });
    return sheets;
  }

  const xml = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
    // Control characters are not allowed in XML 1.0.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

  function columnName(i) {
    let name = '';
    for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
    return name;
  }

  function sheetXml(rows) {
    const out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'];
    rows.forEach((row, r) => {
      out.push(`<row r="${r + 1}">`);
      row.forEach((value, c) => {
        if (value === '' || value === null || value === undefined) return;
        const ref = columnName(c) + (r + 1);
        if (typeof value === 'number') out.push(`<c r="${ref}"><v>${value}</v></c>`);
        else out.push(`<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xml(value)}</t></is></c>`);
      });
      out.push('</row>');
    });
    out.push('</sheetData></worksheet>');
    return out.join('');
  }

  /** The .xlsx entries for DudaoZip.build: hand-written SpreadsheetML, inline strings. */
  function xlsxEntries(summary) {
    const sheets = workbookSheets(summary);
    const ns = 'http://schemas.openxmlformats.org/';
    const entries = [
      { name: '[Content_Types].xml', data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="${ns}package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('')}</Types>` },
      { name: '_rels/.rels', data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${ns}package/2006/relationships"><Relationship Id="rId1" Type="${ns}officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>` },
      { name: 'xl/workbook.xml', data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="${ns}spreadsheetml/2006/main" xmlns:r="${ns}officeDocument/2006/relationships"><sheets>${sheets.map((s, i) => `<sheet name="${xml(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')}</sheets></workbook>` },
      { name: 'xl/_rels/workbook.xml.rels', data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${ns}package/2006/relationships">${sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${ns}officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('')}</Relationships>` },
    ];
    sheets.forEach((s, i) => entries.push({ name: `xl/worksheets/sheet${i + 1}.xml`, data: sheetXml(s.rows) }));
    return entries;
  }

  return {
    FORMAT, VERSION, MAX_FILE_BYTES, BAND_KEYS, KIND_LABELS, BAND_LABELS, BAND_NOTE, TABLE_COLUMNS,
    readText, tooLarge, summarize, toCsv, workbookSheets, xlsxEntries, bandLabel, vetoLabel, rubricProblems, toRawShape,
  };
});
