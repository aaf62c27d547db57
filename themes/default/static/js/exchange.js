/*
 * dudao assessment exchange: the export file (JSON, schema in
 * docs/assessment.md), its validation on import, and the CSV for Excel.
 *
 * No DOM. A classic script like scoring.js (file:// refuses module scripts);
 * attaches to globalThis.DudaoExchange and module.exports. Needs
 * DudaoScoring loaded first (in Node it requires it).
 */
(function (root, factory) {
  'use strict';
  const scoring = root.DudaoScoring ||
    (typeof require === 'function' ? require('./scoring.js') : undefined);
  const api = factory(scoring);
  root.DudaoExchange = api;
  if (typeof module === 'object' && module && module.exports) module.exports = api;
})(typeof globalThis !== 'undefined' ? globalThis : this, function (S) {
  'use strict';

  const FORMAT = 'dudao-assessment';
  const VERSION = 1;
  /** Far above any real assessment (a full 附件1 with long notes is ~60 KB). */
  const MAX_FILE_BYTES = 2 * 1024 * 1024;
  const MAX_TEXT = 10000;

  const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);
  const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

  /** An empty assessment: every header field blank, nothing answered or ticked. */
  function emptyState(rubric) {
    const header = {};
    for (const field of rubric.header_fields) header[field] = '';
    return { header: header, answers: {}, veto: {} };
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

  /**
   * The export document of an assessment, or the problems that stop it: an
   * export is something others rely on, so a 基本符合 without a valid score
   * and justification is fixed first. Unanswered criteria are fine (a draft).
   */
  function toExport(rubric, state, exportedAt) {
    const result = S.evaluate(rubric, state);
    const blocking = result.problems;
    if (blocking.length > 0) return { ok: false, problems: blocking };

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
      if (Object.keys(entry).length > 0) answers[c.id] = entry;
    }
    const veto = {};
    for (const item of (rubric.veto && rubric.veto.items) || []) {
      const v = state.veto[item.id];
      if (!v || (!v.ticked && !v.description)) continue;
      veto[item.id] = { ticked: v.ticked === true };
      if (v.description) veto[item.id].description = v.description;
    }
    const header = {};
    for (const field of rubric.header_fields) header[field] = state.header[field] || '';

    return {
      ok: true,
      data: {
        format: FORMAT,
        version: VERSION,
        rubric: { id: rubric.id, title: rubric.title, content_hash: rubric.content_hash },
        exported_at: exportedAt,
        header: header,
        answers: answers,
        veto: veto,
        totals: totals(rubric, result),
      },
    };
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

  /**
   * Reads an export file's text into an assessment state for `rubric`, or
   * says in Chinese why not. Everything is checked before anything is
   * returned, so a refused file never half-applies.
   */
  function parseImport(text, rubric) {
    try {
      return { ok: true, state: readExport(text, rubric) };
    } catch (error) {
      if (error instanceof ImportError) return { ok: false, message: error.message };
      throw error;
    }
  }

  function readExport(text, rubric) {
    if (typeof text !== 'string' || text.length > MAX_FILE_BYTES) refuse('文件过大，不是 dudao 导出的评估文件。');
    let data;
    try {
      data = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (_) {
      refuse('文件格式错误：不是有效的 JSON 文件，可能已损坏或不是由本工具导出。');
    }
    if (!isObject(data) || data.format !== FORMAT) refuse('该文件不是 dudao 导出的评估文件（缺少 format: "dudao-assessment"）。');
    if (data.version !== VERSION) {
      refuse(`不支持的文件版本“${String(data.version)}”：本页面只能导入第 ${VERSION} 版的评估文件。`);
    }
    checkKeys(data, ['format', 'version', 'rubric', 'exported_at', 'header', 'answers', 'veto', 'totals'], '文件');
    if (!isObject(data.rubric)) refuse('文件缺少评分表信息（rubric）。');
    if (data.rubric.id !== rubric.id) {
      refuse(`该文件是评分表“${String(data.rubric.id)}”的评估，不能导入到当前评分表“${rubric.id}”（${rubric.title}）。`);
    }
    if (data.rubric.content_hash !== rubric.content_hash) {
      refuse('该文件所依据的评分表版本与当前页面不一致（内容校验值不同），评分项可能已变化，无法导入。');
    }
    if (data.exported_at !== undefined) checkText(data.exported_at, '导出时间');

    const state = emptyState(rubric);

    if (!isObject(data.header)) refuse('文件缺少表头信息（header）。');
    for (const [field, value] of Object.entries(data.header)) {
      if (!rubric.header_fields.includes(field)) refuse(`表头含有本评分表没有的栏目“${field}”。`);
      state.header[field] = checkText(value, `表头“${field}”`);
    }

    if (!isObject(data.answers)) refuse('文件缺少评分结果（answers）。');
    const criteria = new Map(S.flatten(rubric).map((c) => [c.id, c]));
    for (const [id, answer] of Object.entries(data.answers)) {
      const criterion = criteria.get(id);
      if (!criterion) refuse(`文件含有本评分表没有的评分项“${id}”。`);
      const where = `评分项“${id}”（${criterion.row.title}）`;
      if (!isObject(answer)) refuse(`${where}的内容格式错误。`);
      checkKeys(answer, ['status', 'score', 'justification', 'notes'], where);
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
      state.answers[id] = entry;
    }

    if (!isObject(data.veto)) refuse('文件缺少不合格项信息（veto）。');
    const vetoIds = ((rubric.veto && rubric.veto.items) || []).map((item) => item.id);
    for (const [id, v] of Object.entries(data.veto)) {
      if (!vetoIds.includes(id)) refuse(`文件含有本评分表没有的不合格项“${id}”。`);
      if (!isObject(v) || typeof v.ticked !== 'boolean') refuse(`不合格项“${id}”格式错误（ticked 应为 true 或 false）。`);
      checkKeys(v, ['ticked', 'description'], `不合格项“${id}”`);
      state.veto[id] = { ticked: v.ticked, description: v.description === undefined ? '' : checkText(v.description, `不合格项“${id}”的行为描述`) };
    }

    if (!isObject(data.totals)) refuse('文件缺少合计（totals）。');
    const expected = totals(rubric, S.evaluate(rubric, state));
    if (JSON.stringify(canonical(data.totals)) !== JSON.stringify(canonical(expected))) {
      const claimed = typeof data.totals.total === 'number' ? `${data.totals.total} 分` : '（缺失）';
      refuse(`文件中的合计与评分不一致（文件写的是 ${claimed}，按评分重新计算为 ${expected.total} 分，结论也须一致），文件可能被修改过，无法导入。`);
    }
    return state;
  }

  /** Key order must not matter when comparing totals. */
  function canonical(value) {
    if (Array.isArray(value)) return value.map(canonical);
    if (isObject(value)) {
      return Object.keys(value).sort().reduce((out, key) => {
        out[key] = canonical(value[key]);
        return out;
      }, {});
    }
    return value;
  }

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
    const band = result.band.label + (result.bandReason === 'veto' ? '（存在不合格项）' : '');
    const total = ['合计', '', '', '', '', '', '', S.formatPoints(result.maxHalves), band, S.formatPoints(result.totalHalves), S.formatPoints(result.maxHalves - result.totalHalves), '', ''];
    lines.push(total.map((v) => csvCell(v, true)).join(','));
    return '\uFEFF' + lines.join('\r\n') + '\r\n';
  }

  return { FORMAT, VERSION, CSV_COLUMNS, emptyState, toExport, parseImport, toCsv, totals };
});
