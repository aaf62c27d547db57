/*
 * dudao assessment exchange: the export file (JSON, schema version 2 in
 * docs/assessment.md: self-contained, the whole rubric embedded), its
 * validation on import (versions 2 and 1), and the CSV for Excel.
 *
 * No DOM. A classic script like scoring.js (file:// refuses module scripts);
 * attaches to globalThis.DudaoExchange and module.exports. Needs
 * DudaoScoring, DudaoRubricRules and DudaoTailorModel loaded first (in Node
 * it requires them); the last two only to read version-2 files.
 */
(function (root, factory) {
  'use strict';
  const load = (name, file) => root[name] || (typeof require === 'function' ? require(file) : undefined);
  const api = factory(load('DudaoScoring', './scoring.js'), () => load('DudaoRubricRules', './rubric-rules.js'), () => load('DudaoTailorModel', './tailor-model.js'));
  root.DudaoExchange = api;
  if (typeof module === 'object' && module && module.exports) module.exports = api;
})(typeof globalThis !== 'undefined' ? globalThis : this, function (S, rules, tailorModel) {
  'use strict';

  const FORMAT = 'dudao-assessment';
  const VERSION = 2;
  /** Photos make files big: 50 photos of ~300 KB in base64 are ~20 MB. */
  const MAX_FILE_BYTES = 50 * 1024 * 1024;
  /** A real file nests about 10 deep (rubric → stages → groups → rows → criteria). */
  const MAX_DEPTH = 64;
  const MAX_TEXT = 10000;
  const MAX_PHOTO_SIDE = 1600;
  const ID_PATTERN = /^a-[0-9a-z-]{8,40}$/;
  const PHOTO_ID_PATTERN = /^p-[0-9a-z-]{1,60}$/;
  const RECTIFICATION_STATUSES = ['open', 'in_progress', 'done', 'verified'];

  const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);
  const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
  /** A map keyed by user data (header fields, ids): no prototype, so `__proto__` is just a key. */
  const dict = () => Object.create(null);

  /** An empty assessment: every header field blank, nothing answered or ticked. */
  function emptyState(rubric) {
    const header = dict();
    for (const field of rubric.header_fields) header[field] = '';
    return { header: header, answers: dict(), veto: dict() };
  }

  /** The totals block of an export, recomputed from the answers. */
  function totals(rubric, result) {
    const points = (halves) => S.fromHalves(halves);
    const byId = (list) => Object.fromEntries(list.map((node) => [node.id, points(node.halves)]));
    return {
      total: points(result.totalHalves),
      max: points(result.maxHalves),
      band: result.band.id,
      vetoed: result.vetoed.length > 0,
      answered: result.answered,
      criteria: result.count,
      stages: byId(result.stages),
      groups: byId(result.groups),
    };
  }

  /** A new assessment id: `a-` + date + random, as docs/assessment.md says. */
  function newId(now) {
    const date = (now || new Date().toISOString()).slice(0, 10).replace(/-/g, '');
    let random = '';
    const bytes = new Uint8Array(8);
    if (globalThis.crypto && globalThis.crypto.getRandomValues) globalThis.crypto.getRandomValues(bytes);
    else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    for (const b of bytes) random += (b % 36).toString(36);
    return `a-${date}-${random}`;
  }

  /**
   * The export document of an assessment (schema version 2), or the problems
   * that stop it: an export is something others rely on, so a 基本符合
   * without a valid score and justification is fixed first. Unanswered
   * criteria are fine (a draft). `meta` carries the rest of the record: id,
   * name, created_at, updated_at, assessors, photos (with base64 `data`),
   * merged_from, rectification, follow_up_of.
   */
  function toExport(rubric, state, exportedAt, meta) {
    const m = meta || {};
    const result = S.evaluate(rubric, state);
    const blocking = result.problems;
    if (blocking.length > 0) return { ok: false, problems: blocking };

    const photoIds = new Set();
    const stamp = (entry, from) => {
      if (Array.isArray(from.photos) && from.photos.length > 0) {
        entry.photos = from.photos.slice();
        for (const id of from.photos) photoIds.add(id);
      }
      if (typeof from.by === 'string' && from.by !== '') entry.by = from.by;
      if (typeof from.at === 'string' && from.at !== '') entry.at = from.at;
      return entry;
    };
    const answers = {};
    for (const c of result.criteria) {
      const answer = state.answers[c.id] || {};
      const entry = {};
      if (c.status !== 'unanswered') entry.status = c.status;
      if (c.status === 'partial') {
        entry.score = S.fromHalves(c.scoreHalves);
        entry.justification = answer.justification;
      }
      if (typeof answer.notes === 'string' && answer.notes !== '') entry.notes = answer.notes;
      stamp(entry, answer);
      if (Object.keys(entry).some((key) => key !== 'by' && key !== 'at')) answers[c.id] = entry;
    }
    const veto = {};
    for (const item of (rubric.veto && rubric.veto.items) || []) {
      const v = state.veto[item.id];
      // An unticked item counts when someone touched it (by): a decision merge must weigh.
      if (!v || (!v.ticked && !v.description && !(v.photos && v.photos.length) && !v.by)) continue;
      veto[item.id] = { ticked: v.ticked === true };
      if (v.description) veto[item.id].description = v.description;
      stamp(veto[item.id], v);
    }
    const header = {};
    for (const field of rubric.header_fields) header[field] = state.header[field] || '';
    const rectification = m.rectification || null;
    if (rectification) for (const item of rectification.items || []) for (const id of item.photos || []) photoIds.add(id);

    const photos = {};
    for (const id of Array.from(photoIds).sort()) {
      const p = m.photos && m.photos[id];
      if (!p || typeof p.data !== 'string') continue;
      photos[id] = { type: p.type, width: p.width, height: p.height, bytes: p.bytes };
      if (p.caption) photos[id].caption = p.caption;
      if (p.added_at) photos[id].added_at = p.added_at;
      if (p.by) photos[id].by = p.by;
      photos[id].data = p.data;
    }
    const data = {
      format: FORMAT,
      version: VERSION,
      id: m.id || newId(exportedAt),
      name: m.name || '',
      created_at: m.created_at || exportedAt,
      updated_at: m.updated_at || exportedAt,
      exported_at: exportedAt,
      rubric: JSON.parse(JSON.stringify(rubric)),
      assessors: Array.isArray(m.assessors) ? m.assessors.slice() : [],
      header: header,
      answers: answers,
      veto: veto,
      photos: photos,
      merged_from: Array.isArray(m.merged_from) ? m.merged_from : [],
      rectification: rectification,
      follow_up_of: m.follow_up_of || null,
      totals: totals(rubric, result),
    };
    return { ok: true, data: data };
  }

  class ImportError extends Error {}
  const refuse = (message) => {
    throw new ImportError(message);
  };

  function checkKeys(object, allowed, where) {
    for (const key of Object.keys(object)) {
      if (!allowed.includes(key)) refuse(`${where}含有无法识别的字段“${key}”。`);
    }
  }

  function checkText(value, where) {
    if (typeof value !== 'string') refuse(`${where}应为文字。`);
    if (value.length > MAX_TEXT) refuse(`${where}过长（超过 ${MAX_TEXT} 字）。`);
    return value;
  }

  function optionalText(object, key, where) {
    if (!has(object, key) || object[key] === null) return '';
    return checkText(object[key], where);
  }

  function checkTextList(value, where, max) {
    if (!Array.isArray(value)) refuse(`${where}应为列表。`);
    if (value.length > max) refuse(`${where}条目过多（超过 ${max} 个）。`);
    return value.map((item) => checkText(item, where));
  }

  /**
   * Refuses text that is too big or nests too deep before JSON.parse sees
   * it: parsing 100,000 nested brackets blows the stack in every browser.
   * Brackets inside strings do not count.
   */
  function checkShape(text, bytes) {
    if (typeof text !== 'string') refuse('无法读取文件内容。');
    const size = typeof bytes === 'number' ? bytes : text.length;
    if (size > MAX_FILE_BYTES || text.length > MAX_FILE_BYTES) {
      refuse(`文件过大（${(size / 1024 / 1024).toFixed(1)} MB）：评估文件（含照片）最大 ${MAX_FILE_BYTES / 1024 / 1024} MB。`);
    }
    let depth = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (inString) {
        if (ch === 92) i++; // backslash: skip the escaped character
        else if (ch === 34) inString = false;
      } else if (ch === 34) {
        inString = true;
      } else if (ch === 123 || ch === 91) {
        if (++depth > MAX_DEPTH) refuse(`文件结构嵌套过深（超过 ${MAX_DEPTH} 层），不是 dudao 导出的评估文件。`);
      } else if (ch === 125 || ch === 93) {
        depth--;
      }
    }
  }

  function parseJson(text, bytes) {
    checkShape(text, bytes);
    try {
      return JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (_) {
      return refuse('文件格式错误：不是有效的 JSON 文件，可能已损坏或不是由本工具导出。');
    }
  }

  function checkVersion(data) {
    if (!isObject(data) || data.format !== FORMAT) refuse('该文件不是 dudao 导出的评估文件（缺少 format: "dudao-assessment"）。');
    if (data.version === 1 || data.version === VERSION) return data.version;
    if (typeof data.version === 'string' && /^\s*\d+\s*$/.test(data.version)) {
      refuse(`文件版本写成了文字“${data.version}”（带引号），应为数字（如 2）。文件可能被手工修改过，请重新导出。`);
    }
    const shown = typeof data.version === 'number' ? String(data.version) : '（缺失或格式错误）';
    return refuse(`不支持的文件版本 ${shown}：本页面能读取第 1 版和第 ${VERSION} 版的评估文件。请用最新版本的网站打开，或让对方重新导出。`);
  }

  // ---- the embedded rubric ----------------------------------------------------

  /** The YAML document (raw) a model rubric was built from, for rubric-rules.js. */
  function modelToRaw(model) {
    const prune = (object) => {
      for (const key of Object.keys(object)) if (object[key] === null || object[key] === undefined) delete object[key];
      return object;
    };
    const criterion = (c) => prune({ id: c.id, text: c.text, points: c.points, editorial_note: c.editorial_note, rationale: c.rationale });
    const row = (r) => prune({ id: r.id, title: r.title, indicators: r.indicators, editorial_note: r.editorial_note, rationale: r.rationale, criteria: r.criteria.map(criterion) });
    const group = (g) => prune({ id: g.id, title: g.title, points: g.points, editorial_note: g.editorial_note, rationale: g.rationale, rows: g.rows.map(row) });
    const raw = prune({
      id: model.id, title: model.title, label: model.label, kind: model.kind, source: model.source,
      based_on: model.based_on, rationale: model.rationale, total: model.total, scoring_rule: model.scoring_rule,
      header_fields: model.header_fields,
    });
    if (model.has_stages) {
      raw.stages = model.stages.map((s) => prune({ id: s.id, title: s.title, points: s.points, editorial_note: s.editorial_note, rationale: s.rationale, groups: s.groups.map(group) }));
    } else {
      raw.groups = model.stages.flatMap((s) => s.groups.map(group));
    }
    if (model.veto) {
      raw.veto = prune({ title: model.veto.title, intro: model.veto.intro, items: model.veto.items.map((i) => prune({ id: i.id, text: i.text, rationale: i.rationale })) });
    }
    raw.bands = model.bands.map((b) => prune({ id: b.id, label: b.label, min: b.min, consequence: b.consequence }));
    if (model.notes && model.notes.length) raw.notes = model.notes;
    if (model.editorial_notes && model.editorial_notes.length) raw.editorial_notes = model.editorial_notes;
    return raw;
  }

  /**
   * The rubric embedded in a version-2 file, checked three ways: its
   * content_hash is the sha256 of its content (so it was not edited after
   * export), it passes the rules of `dudao check`, and rebuilding it from
   * those checked rules gives the same hash (so nothing outside the rules,
   * such as an extra field or a wrong subtotal, rides along).
   */
  function readRubric(model) {
    const M = tailorModel();
    const R = rules();
    if (!M || !R) refuse('本页面缺少读取评分表所需的脚本，无法打开第 2 版评估文件。');
    if (!isObject(model)) refuse('文件缺少评分表（rubric）。');
    const title = typeof model.title === 'string' ? `“${model.title.slice(0, 80)}”` : '';
    if (typeof model.content_hash !== 'string' || M.contentHash(model) !== model.content_hash) {
      refuse(`文件内嵌的评分表${title}与其内容校验值（content_hash）不符：评分表在导出后被修改过，无法打开。`);
    }
    let raw;
    try {
      raw = modelToRaw(model);
    } catch (_) {
      refuse(`文件内嵌的评分表${title}结构错误，不是 dudao 评分表。`);
    }
    const problems = R.validate(JSON.parse(JSON.stringify(raw)), { fileStem: raw.id }).filter((p) => p.severity !== 'warning');
    if (problems.length > 0) {
      const p = problems[0];
      refuse(`文件内嵌的评分表${title}未通过检查（与 dudao check 相同的规则）：${p.message}${p.path ? `（位置 ${p.path}）` : ''}。`);
    }
    const rebuilt = M.toModel(raw);
    if (rebuilt.content_hash !== model.content_hash) {
      refuse(`文件内嵌的评分表${title}含有评分表规则以外的内容或小计不一致，无法打开。`);
    }
    return rebuilt;
  }

  /** A rubric for messages: its title, and the label when there is one. */
  function rubricName(rubric) {
    return `“${rubric.title}”${rubric.label ? `（${rubric.label}）` : ''}`;
  }

  // ---- reading a file -----------------------------------------------------------

  /**
   * Reads an export file's text into an assessment state for `rubric`, or
   * says in Chinese why not. Everything is checked before anything is
   * returned, so a refused file never half-applies.
   */
  function parseImport(text, rubric, bytes) {
    const read = readDocument(text, { rubric: rubric, bytes: bytes });
    return read.ok ? { ok: true, state: read.doc.state, doc: read.doc } : read;
  }

  /**
   * Reads a version-2 or version-1 file. `options.rubric`: the page's rubric;
   * the file must be for it. `options.rubrics`: the site's rubrics, to find
   * the rubric of a version-1 file (which only names it). `options.bytes`:
   * the file size. Returns {ok, doc} with doc = {id, name, created_at,
   * updated_at, exported_at, rubric, assessors, state: {header, answers,
   * veto}, photos, merged_from, rectification, follow_up_of, totals,
   * version}, or {ok: false, message}.
   */
  function readDocument(text, options) {
    try {
      return { ok: true, doc: read(text, options || {}) };
    } catch (error) {
      if (error instanceof ImportError) return { ok: false, message: error.message };
      throw error;
    }
  }

  function read(text, opts) {
    const data = parseJson(text, opts.bytes);
    const version = checkVersion(data);
    return version === 1 ? readVersion1(data, opts) : readVersion2(data, opts);
  }

  function readVersion1(data, opts) {
    checkKeys(data, ['format', 'version', 'rubric', 'exported_at', 'header', 'answers', 'veto', 'totals'], '文件');
    if (!isObject(data.rubric)) refuse('文件缺少评分表信息（rubric）。');
    const named = {
      id: typeof data.rubric.id === 'string' ? data.rubric.id : '',
      title: typeof data.rubric.title === 'string' ? data.rubric.title : String(data.rubric.id),
    };
    let rubric = opts.rubric;
    if (rubric && data.rubric.id !== rubric.id) {
      refuse(`该文件是评分表“${named.title}”的评估，不能导入到当前评分表${rubricName(rubric)}。`);
    }
    if (!rubric) rubric = (opts.rubrics || []).find((r) => r.id === data.rubric.id && r.content_hash === data.rubric.content_hash);
    if (!rubric) {
      refuse(`这是第 1 版评估文件，只记下了评分表“${named.title}”的名称，没有评分表本身；本站没有这一版评分表，无法打开。请让对方用新版网站重新导出（第 2 版文件自带评分表）。`);
    }
    if (data.rubric.content_hash !== rubric.content_hash) {
      refuse(`该文件所依据的评分表“${named.title}”与当前页面的评分表${rubricName(rubric)}版本不一致（内容校验值不同），评分项可能已变化，无法导入。`);
    }
    const exportedAt = has(data, 'exported_at') ? checkText(data.exported_at, '导出时间') : '';
    const state = readState(data, rubric, dict(), false);
    checkTotals(data, rubric, state);
    return {
      version: 1, id: null, name: '', created_at: exportedAt, updated_at: exportedAt, exported_at: exportedAt,
      rubric: rubric, assessors: [], state: state, photos: dict(), merged_from: [], rectification: null, follow_up_of: null,
      totals: totals(rubric, S.evaluate(rubric, state)),
    };
  }

  const V2_KEYS = ['format', 'version', 'id', 'name', 'created_at', 'updated_at', 'exported_at', 'rubric', 'assessors',
    'header', 'answers', 'veto', 'photos', 'merged_from', 'rectification', 'follow_up_of', 'totals'];

  function readVersion2(data, opts) {
    checkKeys(data, V2_KEYS, '文件');
    if (typeof data.id !== 'string' || !ID_PATTERN.test(data.id)) refuse('文件的评估编号（id）缺失或格式错误。');
    const rubric = readRubric(data.rubric);
    if (opts.rubric && (rubric.id !== opts.rubric.id || rubric.content_hash !== opts.rubric.content_hash)) {
      const same = rubric.id === opts.rubric.id;
      refuse(`该文件是评分表${rubricName(rubric)}的评估，${same ? '与当前页面的评分表版本不一致（内容校验值不同），' : ''}不能导入到当前评分表${rubricName(opts.rubric)}。可在“评估工作台”中打开它。`);
    }
    const photos = readPhotos(data);
    const state = readState(data, rubric, photos, true);
    checkTotals(data, rubric, state);
    const assessors = has(data, 'assessors') ? checkTextList(data.assessors, '评估人（assessors）', 100) : [];
    return {
      version: 2,
      id: data.id,
      name: optionalText(data, 'name', '评估名称'),
      created_at: optionalText(data, 'created_at', '创建时间'),
      updated_at: optionalText(data, 'updated_at', '修改时间'),
      exported_at: optionalText(data, 'exported_at', '导出时间'),
      rubric: rubric,
      assessors: assessors,
      state: state,
      photos: photos,
      merged_from: readMergedFrom(data),
      rectification: readRectification(data, rubric, photos),
      follow_up_of: readFollowUp(data),
      totals: totals(rubric, S.evaluate(rubric, state)),
    };
  }

  /** Header, answers and veto into a form state; v2 answers may carry photos, by and at. */
  function readState(data, rubric, photos, v2) {
    const state = emptyState(rubric);
    if (!isObject(data.header)) refuse('文件缺少表头信息（header）。');
    for (const field of Object.keys(data.header)) {
      if (!rubric.header_fields.includes(field)) refuse(`表头含有本评分表没有的栏目“${field}”。`);
      state.header[field] = checkText(data.header[field], `表头“${field}”`);
    }

    const stamps = (from, entry, where) => {
      if (!v2) return;
      if (has(from, 'by')) entry.by = checkText(from.by, `${where}的评分人`);
      if (has(from, 'at')) entry.at = checkText(from.at, `${where}的评分时间`);
      if (has(from, 'photos')) entry.photos = photoList(from.photos, photos, where);
    };
    const extra = v2 ? ['photos', 'by', 'at'] : [];

    if (!isObject(data.answers)) refuse('文件缺少评分结果（answers）。');
    const criteria = new Map(S.flatten(rubric).map((c) => [c.id, c]));
    for (const id of Object.keys(data.answers)) {
      const answer = data.answers[id];
      const criterion = criteria.get(id);
      if (!criterion) refuse(`文件含有本评分表没有的评分项“${id}”。`);
      const where = `第 ${criterion.index + 1} 项评分标准（${criterion.row.title}）`;
      if (!isObject(answer)) refuse(`${where}的内容格式错误。`);
      checkKeys(answer, ['status', 'score', 'justification', 'notes'].concat(extra), where);
      const entry = {};
      if (has(answer, 'status')) {
        if (!S.STATUSES.includes(answer.status)) {
          refuse(`${where}的结论“${String(answer.status)}”无效，应为 full（符合）、partial（基本符合）或 none（不符合）。`);
        }
        entry.status = answer.status;
      }
      if (entry.status === 'partial') {
        if (typeof answer.score !== 'number') refuse(`${where}为“基本符合”，但缺少数字得分。`);
        const parsed = S.parsePartial(answer.score, criterion.halves);
        if (!parsed.ok) refuse(`${where}的得分 ${answer.score} 超出范围：${parsed.message}。`);
        entry.score = S.formatPoints(parsed.halves);
        checkText(answer.justification, `${where}的理由`);
        if (answer.justification.trim() === '') refuse(`${where}为“基本符合”，但缺少理由。`);
        entry.justification = answer.justification;
      } else if (has(answer, 'score') || has(answer, 'justification')) {
        refuse(`${where}不是“基本符合”，不应带有得分或理由。`);
      }
      if (has(answer, 'notes')) entry.notes = checkText(answer.notes, `${where}的备注`);
      stamps(answer, entry, where);
      state.answers[id] = entry;
    }

    if (!isObject(data.veto)) refuse('文件缺少不合格项信息（veto）。');
    const vetoItems = new Map(((rubric.veto && rubric.veto.items) || []).map((item, i) => [item.id, i]));
    for (const id of Object.keys(data.veto)) {
      const v = data.veto[id];
      if (!vetoItems.has(id)) refuse(`文件含有本评分表没有的不合格项“${id}”。`);
      const where = `第 ${vetoItems.get(id) + 1} 个不合格项`;
      if (!isObject(v) || typeof v.ticked !== 'boolean') refuse(`${where}格式错误（ticked 应为 true 或 false）。`);
      checkKeys(v, ['ticked', 'description'].concat(extra), where);
      const entry = { ticked: v.ticked, description: has(v, 'description') ? checkText(v.description, `${where}的行为描述`) : '' };
      stamps(v, entry, where);
      state.veto[id] = entry;
    }
    return state;
  }

  function photoList(value, photos, where) {
    if (!Array.isArray(value)) refuse(`${where}的照片（photos）应为列表。`);
    for (const id of value) {
      if (typeof id !== 'string' || !has(photos, id)) refuse(`${where}引用了文件中没有的照片“${String(id)}”。`);
    }
    return value.slice();
  }

  /** The totals must equal the recomputation, key for key (own keys only, so `__proto__` cannot hide). */
  function checkTotals(data, rubric, state) {
    if (!isObject(data.totals)) refuse('文件缺少合计（totals）。');
    const expected = totals(rubric, S.evaluate(rubric, state));
    if (!sameJson(data.totals, expected)) {
      const claimed = typeof data.totals.total === 'number' ? `${data.totals.total} 分` : '（缺失）';
      refuse(`文件中的合计与评分不一致（文件写的是 ${claimed}，按评分重新计算为 ${expected.total} 分，结论也须一致），文件可能被修改过，无法导入。`);
    }
  }

  function sameJson(a, b) {
    if (isObject(a) && isObject(b)) {
      const keys = Object.keys(a);
      if (keys.length !== Object.keys(b).length) return false;
      return keys.every((key) => has(b, key) && sameJson(a[key], b[key]));
    }
    return a === b;
  }

  const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

  function readPhotos(data) {
    const photos = dict();
    if (!has(data, 'photos')) return photos;
    if (!isObject(data.photos)) refuse('文件的照片（photos）格式错误。');
    for (const id of Object.keys(data.photos)) {
      const p = data.photos[id];
      if (!PHOTO_ID_PATTERN.test(id)) refuse(`照片编号“${id}”格式错误。`);
      const where = `照片“${id}”`;
      if (!isObject(p)) refuse(`${where}格式错误。`);
      checkKeys(p, ['type', 'width', 'height', 'bytes', 'caption', 'added_at', 'by', 'data'], where);
      if (p.type !== 'image/jpeg' && p.type !== 'image/png') refuse(`${where}不是 JPEG 或 PNG 图片。`);
      for (const side of ['width', 'height']) {
        if (!Number.isInteger(p[side]) || p[side] < 1 || p[side] > MAX_PHOTO_SIDE) refuse(`${where}的尺寸不对（长宽须为 1–${MAX_PHOTO_SIDE} 像素）。`);
      }
      if (typeof p.data !== 'string' || p.data.length % 4 !== 0 || !BASE64.test(p.data)) refuse(`${where}的数据不是有效的 base64。`);
      const head = decodeHead(p.data);
      const jpeg = head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
      const png = head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47;
      if (!(p.type === 'image/jpeg' ? jpeg : png)) refuse(`${where}的内容不是${p.type === 'image/jpeg' ? ' JPEG' : ' PNG'} 图片。`);
      const length = p.data.length / 4 * 3 - (p.data.endsWith('==') ? 2 : p.data.endsWith('=') ? 1 : 0);
      if (p.bytes !== length) refuse(`${where}的大小（bytes）与数据不符。`);
      photos[id] = {
        type: p.type, width: p.width, height: p.height, bytes: p.bytes,
        caption: optionalText(p, 'caption', `${where}的说明`), added_at: optionalText(p, 'added_at', `${where}的时间`),
        by: optionalText(p, 'by', `${where}的拍摄人`), data: p.data,
      };
    }
    return photos;
  }

  function decodeHead(base64) {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const out = [];
    const chunk = base64.slice(0, 8);
    for (let i = 0; i + 3 < chunk.length; i += 4) {
      const n = [0, 1, 2, 3].map((k) => Math.max(0, alphabet.indexOf(chunk[i + k])));
      const v = (n[0] << 18) | (n[1] << 12) | (n[2] << 6) | n[3];
      out.push((v >> 16) & 255, (v >> 8) & 255, v & 255);
    }
    return out;
  }

  function readMergedFrom(data) {
    if (!has(data, 'merged_from') || data.merged_from === null) return [];
    if (!Array.isArray(data.merged_from)) refuse('文件的合并来源（merged_from）应为列表。');
    return data.merged_from.map((source, i) => {
      const where = `合并来源第 ${i + 1} 项`;
      if (!isObject(source)) refuse(`${where}格式错误。`);
      checkKeys(source, ['id', 'assessors', 'exported_at', 'name'], where);
      return {
        id: optionalText(source, 'id', `${where}的编号`),
        assessors: has(source, 'assessors') ? checkTextList(source.assessors, `${where}的评估人`, 100) : [],
        exported_at: optionalText(source, 'exported_at', `${where}的导出时间`),
        name: optionalText(source, 'name', `${where}的名称`),
      };
    });
  }

  const DATE = /^\d{4}-\d{2}-\d{2}$/;

  /** 整改 tracking (issue 13), shape per docs/assessment.md; items point at this rubric's criteria and veto items. */
  function readRectification(data, rubric, photos) {
    if (!has(data, 'rectification') || data.rectification === null) return null;
    const r = data.rectification;
    if (!isObject(r)) refuse('文件的整改记录（rectification）格式错误。');
    checkKeys(r, ['issued_at', 'items'], '整改记录');
    if (!Array.isArray(r.items)) refuse('整改记录的整改项（items）应为列表。');
    const criteria = new Set(S.flatten(rubric).map((c) => c.id));
    const vetoIds = new Set(((rubric.veto && rubric.veto.items) || []).map((v) => v.id));
    const seen = new Set();
    const items = r.items.map((item, i) => {
      const where = `第 ${i + 1} 个整改项`;
      if (!isObject(item)) refuse(`${where}格式错误。`);
      checkKeys(item, ['id', 'source', 'problem', 'requirement', 'deadline', 'owner', 'status', 'note', 'photos', 'updated_at', 'by'], where);
      const id = checkText(item.id, `${where}的编号`);
      if (id === '' || seen.has(id)) refuse(`${where}的编号为空或重复。`);
      seen.add(id);
      if (!isObject(item.source)) refuse(`${where}缺少来源（source）。`);
      checkKeys(item.source, ['kind', 'id'], `${where}的来源`);
      const known = item.source.kind === 'criterion' ? criteria : item.source.kind === 'veto' ? vetoIds : null;
      if (!known) refuse(`${where}的来源类型应为 criterion（评分项）或 veto（不合格项）。`);
      if (!known.has(item.source.id)) refuse(`${where}指向本评分表没有的${item.source.kind === 'veto' ? '不合格项' : '评分项'}“${String(item.source.id)}”。`);
      if (!RECTIFICATION_STATUSES.includes(item.status)) refuse(`${where}的状态应为 open、in_progress、done 或 verified。`);
      let deadline = null;
      if (has(item, 'deadline') && item.deadline !== null) {
        if (typeof item.deadline !== 'string' || !DATE.test(item.deadline)) refuse(`${where}的整改期限应为 YYYY-MM-DD 格式的日期。`);
        deadline = item.deadline;
      }
      return {
        id: id, source: { kind: item.source.kind, id: item.source.id },
        problem: optionalText(item, 'problem', `${where}的问题`), requirement: optionalText(item, 'requirement', `${where}的整改要求`),
        deadline: deadline, owner: optionalText(item, 'owner', `${where}的责任人`), status: item.status,
        note: optionalText(item, 'note', `${where}的说明`), photos: has(item, 'photos') ? photoList(item.photos, photos, where) : [],
        updated_at: optionalText(item, 'updated_at', `${where}的更新时间`), by: optionalText(item, 'by', `${where}的填写人`),
      };
    });
    return { issued_at: optionalText(r, 'issued_at', '整改通知时间'), items: items };
  }

  /** 复查 (issue 13): the earlier assessment this one follows up. */
  function readFollowUp(data) {
    if (!has(data, 'follow_up_of') || data.follow_up_of === null) return null;
    const f = data.follow_up_of;
    if (!isObject(f)) refuse('文件的复查来源（follow_up_of）格式错误。');
    checkKeys(f, ['id', 'exported_at', 'total', 'band', 'vetoed', 'items'], '复查来源');
    if (typeof f.id !== 'string' || !ID_PATTERN.test(f.id)) refuse('复查来源的评估编号（id）缺失或格式错误。');
    if (has(f, 'total') && typeof f.total !== 'number') refuse('复查来源的总分（total）应为数字。');
    if (has(f, 'band') && !['excellent', 'pass', 'fail'].includes(f.band)) refuse('复查来源的结论（band）应为 excellent、pass 或 fail。');
    if (has(f, 'vetoed') && typeof f.vetoed !== 'boolean') refuse('复查来源的 vetoed 应为 true 或 false。');
    return {
      id: f.id, exported_at: optionalText(f, 'exported_at', '复查来源的导出时间'),
      total: has(f, 'total') ? f.total : null, band: has(f, 'band') ? f.band : null, vetoed: has(f, 'vetoed') ? f.vetoed : false,
      items: has(f, 'items') ? checkTextList(f.items, '复查来源的整改项', 10000) : [],
    };
  }

  // ---- CSV ----------------------------------------------------------------------

  const CSV_COLUMNS = ['序号', '环节', '一级指标', '二级指标', '关联指标', '评分项编号', '评分标准', '分值', '结论', '得分', '失分', '理由', '备注/证据'];

  /** A CSV cell: quoted when needed; text that Excel would run as a formula is defused. */
  function csvCell(value, isText) {
    let text = value == null ? '' : String(value);
    if (isText && /^[=+\-@\t\r]/.test(text)) text = "'" + text;
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  /**
   * The scored rows as CSV: UTF-8 with a BOM (Excel then reads Chinese
   * correctly), CRLF line ends, one row per criterion, then a 合计 row.
   */
  function toCsv(rubric, state) {
    const result = S.evaluate(rubric, state);
    const lines = [CSV_COLUMNS.map((c) => csvCell(c, true)).join(',')];
    for (const c of result.criteria) {
      const answer = state.answers[c.id] || {};
      const scored = c.status !== 'unanswered';
      const cells = [
        [c.index + 1, false],
        [c.stage.title || '', true],
        [c.group.title, true],
        [c.row.title, true],
        [c.row.indicators.join('、'), true],
        [c.id, true],
        [c.text, true],
        [S.formatPoints(c.halves), false],
        [S.STATUS_LABELS[c.status], true],
        [scored ? S.formatPoints(c.scoreHalves) : '', false],
        [scored ? S.formatPoints(c.lostHalves) : '', false],
        [c.status === 'partial' ? answer.justification || '' : '', true],
        [answer.notes || '', true],
      ];
      lines.push(cells.map(([value, isText]) => csvCell(value, isText)).join(','));
    }
    const band = S.markedBandLabel(rubric, result.band) + (result.bandReason === 'veto' ? '（存在不合格项）' : '');
    const total = ['合计', '', '', '', '', '', '', S.formatPoints(result.maxHalves), band, S.formatPoints(result.totalHalves), S.formatPoints(result.maxHalves - result.totalHalves), '', ''];
    lines.push(total.map((v) => csvCell(v, true)).join(','));
    // A band name the notice does not use is marked ※ and explained in a
    // last row, which Excel and WPS show under the table.
    if (S.isOurBand(rubric, result.band.id)) lines.push(csvCell(S.bandNote(rubric), true));
    return '\uFEFF' + lines.join('\r\n') + '\r\n';
  }

  return {
    FORMAT, VERSION, MAX_FILE_BYTES, MAX_DEPTH, MAX_TEXT, MAX_PHOTO_SIDE, ID_PATTERN, CSV_COLUMNS,
    emptyState, newId, toExport, parseImport, readDocument, readRubric, modelToRaw, toCsv, totals, rubricName,
  };
});
