/*
 * From score to outcome (issue 13): an assessment document (schema version 2,
 * docs/assessment.md) → the findings model, the 整改项 (rectification items)
 * with their tracking, and the 复查 (follow-up) comparison.
 *
 * No DOM. Classic script (file:// refuses module scripts): attaches to
 * globalThis.DudaoOutcome and module.exports. Needs DudaoScoring.
 *
 * The CLI (`dudao report`, src/report/) builds the same model from the same
 * file; tests/browser/outcome-agreement.test.mjs proves both give the same
 * documents, so any wording or ordering change here must be made there too.
 */
(function (root, factory) {
  'use strict';
  const scoring = root.DudaoScoring ||
    (typeof require === 'function' ? require('./scoring.js') : undefined);
  const api = factory(scoring);
  root.DudaoOutcome = api;
  if (typeof module === 'object' && module && module.exports) module.exports = api;
})(typeof globalThis !== 'undefined' ? globalThis : this, function (S) {
  'use strict';

  const has = (object, key) => object !== null && typeof object === 'object' && Object.prototype.hasOwnProperty.call(object, key);
  const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
  const text = (value) => (typeof value === 'string' ? value.trim() : '');
  const pts = S.formatPoints;

  /** The notice cited for every quoted consequence. */
  const CITATION = '《人力资源社会保障部办公厅关于印发〈技能人才评价质量督导指标体系〉的通知》（人社厅函〔2024〕130号）';

  /**
   * What the notice (正文, verbatim, full-width punctuation as published)
   * attaches to each outcome. `pass` has none: the notice is silent on 合格.
   */
  const NOTICE = {
    excellent: '对于督导结果为优良的，可视情况给予表扬、增加评价职业范围或提升评价职业技能等级等激励。',
    fail: '对于督导结果为不合格的，应视情况对相关评价机构给予约谈提醒、限期整改、移出评价机构目录等处理。',
    serious: '对于督导中发现伪造报名资格、伪造试卷、编造虚假材料、不考试就发证、滥发倒卖证书等严重违规行为的，应取消评价结果、宣布证书作废、撤销上传证书数据，追回相应补贴资金，并对相关评价机构给予限期整改、移出评价机构目录等处理。',
    crime: '对于督导中发现涉嫌违法犯罪线索的，移交有关部门处理。',
  };

  const STATUSES = ['open', 'in_progress', 'done', 'verified'];
  const STATUS_LABELS = { open: '未整改', in_progress: '整改中', done: '已整改', verified: '已核验' };
  const DATE = /^\d{4}-\d{2}-\d{2}$/;
  const MAX_TEXT = 10000;

  /** Which band of the notice a rubric band is: by id, else by its label. */
  function bandKind(band) {
    if (band.id === 'excellent' || band.label === '优良') return 'excellent';
    if (band.id === 'fail' || band.label === '不合格') return 'fail';
    return 'pass';
  }

  /** The first header field whose name contains every one of `words`. */
  function headerField(rubric, words) {
    return rubric.header_fields.find((f) => words.every((w) => f.includes(w))) || null;
  }

  /**
   * Checks the parts of a document the outcome needs, so a broken or foreign
   * file gets a sentence, not a stack trace. Returns null when usable.
   */
  function unusable(doc) {
    if (!isObject(doc)) return '不是评估文件（应为 JSON 对象）。';
    if (doc.format !== 'dudao-assessment') return '不是 dudao 评估文件（缺少 format: "dudao-assessment"）。';
    if (doc.version !== 2) return `评估文件版本为 ${String(doc.version)}，督导意见书需要第 2 版（含完整评分表）的文件：请在评估工作区打开后重新导出。`;
    const r = doc.rubric;
    if (!isObject(r) || !Array.isArray(r.stages) || !Array.isArray(r.bands) || r.bands.length === 0 || !Array.isArray(r.header_fields)) {
      return '评估文件中的评分表（rubric）不完整。';
    }
    for (const key of ['header', 'answers', 'veto']) {
      if (!isObject(doc[key])) return `评估文件缺少“${key}”。`;
    }
    return null;
  }

  function photoList(doc, ids) {
    const out = [];
    for (const id of Array.isArray(ids) ? ids : []) {
      const p = has(doc.photos, id) ? doc.photos[id] : null;
      if (p) out.push({ id: id, caption: text(p.caption), type: p.type, data: p.data || null, src: p.src || null });
    }
    return out;
  }

  /**
   * The findings of an assessment: header, team, dates, total and band, the
   * criteria that lost points ranked 1…n by points lost (ties in table
   * order), the ticked veto items, the notice's consequences, the 整改项 and
   * the warnings a supervisor should see before printing.
   */
  function findings(doc) {
    const problem = unusable(doc);
    if (problem) return { ok: false, message: problem };
    const rubric = doc.rubric;
    const state = { header: doc.header, answers: doc.answers, veto: doc.veto };
    const result = S.evaluate(rubric, state);
    const gaps = S.gaps(result);
    const field = (words) => {
      const name = headerField(rubric, words);
      return name ? text(doc.header[name]) : '';
    };
    const dateField = headerField(rubric, ['日期']);
    const assessors = Array.isArray(doc.assessors) ? doc.assessors.map(text).filter(Boolean) : [];
    const lost = gaps.ranked.map((c, i) => {
      const answer = doc.answers[c.id] || {};
      return {
        rank: i + 1,
        id: c.id,
        number: c.index + 1,
        where: [c.stage.title, c.group.title, c.row.title].filter(Boolean).join(' › '),
        text: c.text,
        indicators: c.row.indicators.slice(),
        status: c.status,
        statusLabel: S.STATUS_LABELS[c.status],
        score: pts(c.scoreHalves),
        points: pts(c.halves),
        lost: pts(c.lostHalves),
        justification: c.justification,
        notes: c.notes,
        photos: photoList(doc, answer.photos),
        by: text(answer.by),
      };
    });
    const vetoes = result.vetoed.map((v, i) => ({
      rank: i + 1,
      id: v.id,
      text: v.text,
      description: v.description,
      photos: photoList(doc, (doc.veto[v.id] || {}).photos),
    }));
    const kind = bandKind(result.band);
    const consequences = [];
    if (kind === 'excellent') consequences.push(NOTICE.excellent);
    if (kind === 'fail') consequences.push(NOTICE.fail);
    if (vetoes.length > 0) consequences.push(NOTICE.serious, NOTICE.crime);

    const warnings = [];
    if (!field(['机构名称'])) warnings.push('被督导机构名称未填写。');
    if (dateField && !field(['日期'])) warnings.push('督导日期未填写。');
    const unanswered = result.count - result.answered;
    if (unanswered > 0) warnings.push(`尚有 ${unanswered} 项未评分或未填完，得分和等级为暂定。`);
    for (const v of vetoes) if (!v.description) warnings.push(`不合格项第 ${v.rank} 项未填写行为描述。`);

    const f = {
      ok: true,
      id: typeof doc.id === 'string' ? doc.id : '',
      rubric: { id: rubric.id, title: rubric.title, label: rubric.label || '', content_hash: rubric.content_hash || '' },
      header: rubric.header_fields.map((name) => [name, text(doc.header[name])]),
      institution: field(['机构名称']),
      date: field(['日期']),
      team: field(['督导', '员']) || assessors.join('、'),
      assessors: assessors,
      total: pts(result.totalHalves),
      max: pts(result.maxHalves),
      // `ours`: a band name the notice does not use (合格), printed with
      // S.OURS_MARK and explained by `note` (src/report/model.rs BandResult).
      band: { id: result.band.id, label: result.band.label, kind: kind, ours: S.isOurBand(rubric, result.band.id), note: S.bandNote(rubric) },
      // The notice's own words on a 不合格项, quoted when the rubric is official.
      veto: {
        title: rubric.veto ? rubric.veto.title : '',
        quote: rubric.veto && rubric.kind === 'official' && typeof rubric.veto.intro === 'string' ? rubric.veto.intro.replace(/：+$/, '') : '',
      },
      vetoed: vetoes.length > 0,
      answered: result.answered,
      count: result.count,
      unanswered: unanswered,
      lostTotal: pts(gaps.lostHalves),
      lost: lost,
      vetoes: vetoes,
      consequences: consequences,
      warnings: warnings,
    };
    f.items = rectificationItems(f, doc.rectification);
    for (const item of f.items) {
      const message = deadlineProblem(item.deadline, f.date);
      if (message) warnings.push(`整改项 ${item.id}：${message}`);
    }
    return f;
  }

  // ---- 整改项 ---------------------------------------------------------------

  /** Item ids are made from their source, so tracking merges by id across copies. */
  const itemId = (kind, id) => (kind === 'veto' ? 'v-' : 'c-') + id;

  function fresh(source, problem, requirement) {
    return {
      id: itemId(source.kind, source.id),
      source: source,
      problem: problem,
      requirement: requirement,
      deadline: null,
      owner: '',
      status: 'open',
      note: '',
      photos: [],
      updated_at: null,
      by: '',
    };
  }

  /**
   * One 整改项 per ticked veto item (first: the gravest) and per criterion that
   * lost points (in ranking order). Items already in `stored` keep their
   * tracking and the wording they were issued with; stored items whose
   * criterion no longer lost points are kept too (never dropped), at the end.
   */
  function rectificationItems(f, stored) {
    const made = [];
    for (const v of f.vetoes) {
      made.push(fresh({ kind: 'veto', id: v.id }, `存在不合格项：${v.description || '行为描述未填写'}`, v.text));
    }
    for (const c of f.lost) {
      const parts = [`评为“${c.statusLabel}”，得 ${c.score} / ${c.points} 分`];
      if (c.justification) parts.push(`理由：${c.justification}`);
      if (c.notes) parts.push(`备注：${c.notes}`);
      const requirement = `${c.where}：${c.text}（对应指标 ${c.indicators.join('、')}）`;
      made.push(fresh({ kind: 'criterion', id: c.id }, parts.join('；'), requirement));
    }
    const old = isObject(stored) && Array.isArray(stored.items) ? stored.items : [];
    const byId = new Map(old.map((item) => [item.id, item]));
    const out = made.map((item) => (byId.has(item.id) ? Object.assign({}, item, byId.get(item.id)) : item));
    const seen = new Set(out.map((item) => item.id));
    for (const item of old) if (!seen.has(item.id)) out.push(Object.assign(fresh(item.source || { kind: 'criterion', id: '' }, '', ''), item));
    return out;
  }

  /** The `rectification` block to store: issued now unless it was issued before. */
  function rectification(doc, now) {
    const f = findings(doc);
    if (!f.ok) return null;
    const issued = isObject(doc.rectification) && typeof doc.rectification.issued_at === 'string' ? doc.rectification.issued_at : now;
    return { issued_at: issued, items: f.items };
  }

  /** A real calendar date written YYYY-MM-DD (2025-02-30 is not). */
  function isDate(value) {
    if (typeof value !== 'string' || !DATE.test(value)) return false;
    const [y, m, d] = value.split('-').map(Number);
    const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    return m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1];
  }

  /** Why a deadline cannot stand, or null. Dates are YYYY-MM-DD strings. */
  function deadlineProblem(deadline, supervisionDate) {
    if (deadline === null || deadline === undefined || deadline === '') return null;
    if (!isDate(deadline)) return `整改期限“${String(deadline)}”不是有效日期（应为 年-月-日）。`;
    if (DATE.test(supervisionDate || '') && deadline < supervisionDate) {
      return `整改期限 ${deadline} 早于督导日期 ${supervisionDate}，请改为督导日期之后的日期。`;
    }
    return null;
  }

  /** Past its deadline and not yet done: what the tracking table highlights. */
  function isOverdue(item, today) {
    return Boolean(item.deadline) && item.deadline < today && item.status !== 'done' && item.status !== 'verified';
  }

  /** 已核验 / all, as counts and a whole percentage. */
  function completion(items) {
    const verified = items.filter((i) => i.status === 'verified').length;
    return { verified: verified, all: items.length, percent: items.length === 0 ? 100 : Math.round((verified * 100) / items.length) };
  }

  // ---- the institution sends the tracking back ----------------------------

  class TrackingError extends Error {}
  const refuse = (message) => {
    throw new TrackingError(message);
  };
  const ITEM_KEYS = ['id', 'source', 'problem', 'requirement', 'deadline', 'owner', 'status', 'note', 'photos', 'updated_at', 'by'];

  function checkString(value, where, optional) {
    if (optional && (value === null || value === undefined)) return value === undefined ? null : value;
    if (typeof value !== 'string') refuse(`${where}应为文字。`);
    if (value.length > MAX_TEXT) refuse(`${where}过长（超过 ${MAX_TEXT} 字）。`);
    return value;
  }

  /** A `rectification` block from a file, checked key by key (no __proto__, no unknown field). */
  function readRectification(value) {
    try {
      if (value === null || value === undefined) return { ok: true, rectification: null };
      if (!isObject(value)) refuse('整改跟踪（rectification）格式错误。');
      for (const key of Object.keys(value)) if (!['issued_at', 'items'].includes(key)) refuse(`整改跟踪含有无法识别的字段“${key}”。`);
      checkString(value.issued_at, '整改通知下发时间', true);
      if (!Array.isArray(value.items)) refuse('整改跟踪缺少整改项列表（items）。');
      const seen = new Set();
      const items = value.items.map((raw, i) => {
        const where = `第 ${i + 1} 个整改项`;
        if (!isObject(raw)) refuse(`${where}格式错误。`);
        for (const key of Object.keys(raw)) if (!ITEM_KEYS.includes(key)) refuse(`${where}含有无法识别的字段“${key}”。`);
        const id = checkString(raw.id, `${where}的编号`);
        if (!/^[cv]-[0-9a-z-]{1,80}$/.test(id)) refuse(`${where}的编号“${id}”无效。`);
        if (seen.has(id)) refuse(`整改项编号“${id}”重复。`);
        seen.add(id);
        if (!isObject(raw.source) || !['criterion', 'veto'].includes(raw.source.kind) || typeof raw.source.id !== 'string' ||
            Object.keys(raw.source).some((k) => k !== 'kind' && k !== 'id')) refuse(`${where}的来源（source）格式错误。`);
        if (!STATUSES.includes(raw.status)) refuse(`${where}的状态“${String(raw.status)}”无效，应为 open、in_progress、done 或 verified。`);
        const deadline = checkString(raw.deadline, `${where}的整改期限`, true);
        if (deadline !== null && !isDate(deadline)) refuse(`${where}的整改期限“${deadline}”不是 年-月-日 格式。`);
        if (raw.photos !== undefined && (!Array.isArray(raw.photos) || raw.photos.some((p) => typeof p !== 'string'))) refuse(`${where}的照片列表格式错误。`);
        return {
          id: id,
          source: { kind: raw.source.kind, id: raw.source.id },
          problem: checkString(raw.problem, `${where}的问题`),
          requirement: checkString(raw.requirement, `${where}的整改要求`),
          deadline: deadline,
          owner: checkString(raw.owner === undefined ? '' : raw.owner, `${where}的责任人`),
          status: raw.status,
          note: checkString(raw.note === undefined ? '' : raw.note, `${where}的说明`),
          photos: (raw.photos || []).slice(),
          updated_at: checkString(raw.updated_at, `${where}的更新时间`, true),
          by: checkString(raw.by === undefined ? '' : raw.by, `${where}的填写人`),
        };
      });
      return { ok: true, rectification: { issued_at: value.issued_at || null, items: items } };
    } catch (error) {
      if (error instanceof TrackingError) return { ok: false, message: error.message };
      throw error;
    }
  }

  const TRACKED = ['deadline', 'owner', 'status', 'note'];
  const blank = (field, value) => value === null || value === undefined || value === '' || (field === 'status' && value === 'open');

  /**
   * Merges the tracking an institution sent back (`incoming`) into ours
   * (`local`) by item id. Nothing is dropped: items only one side has are
   * kept, photos are united, a field set on one side only is taken, and a
   * field both sides set differently is a conflict that `resolve(conflict)`
   * decides ('local' or 'incoming'; the page asks the user).
   */
  function mergeTracking(local, incoming, resolve) {
    const mine = (local && local.items) || [];
    const theirs = new Map(((incoming && incoming.items) || []).map((item) => [item.id, item]));
    const conflicts = [];
    const changed = [];
    const items = mine.map((item) => {
      const other = theirs.get(item.id);
      if (!other) return item;
      theirs.delete(item.id);
      const out = Object.assign({}, item);
      let touched = false;
      for (const field of TRACKED) {
        const a = item[field];
        const b = other[field];
        if (a === b || blank(field, b)) continue;
        let take = blank(field, a);
        if (!take) {
          const conflict = { id: item.id, field: field, local: a, incoming: b, item: item };
          conflicts.push(conflict);
          take = resolve(conflict) === 'incoming';
        }
        if (take) {
          out[field] = b;
          touched = true;
        }
      }
      const photos = Array.from(new Set((item.photos || []).concat(other.photos || [])));
      if (photos.length !== (item.photos || []).length) touched = true;
      out.photos = photos;
      if (touched) {
        out.updated_at = [item.updated_at, other.updated_at].filter(Boolean).sort().pop() || null;
        out.by = other.by || item.by;
        changed.push(item.id);
      }
      return out;
    });
    const added = Array.from(theirs.values());
    return {
      rectification: { issued_at: (local && local.issued_at) || (incoming && incoming.issued_at) || null, items: items.concat(added) },
      conflicts: conflicts,
      changed: changed,
      added: added.map((item) => item.id),
    };
  }

  // ---- 复查 ----------------------------------------------------------------

  /**
   * A new, empty assessment of the same rubric that records what it follows
   * up: the earlier id, result and the ids of its 整改项 (to check first).
   */
  function startFollowUp(earlier, options) {
    const f = findings(earlier);
    if (!f.ok) return { ok: false, message: f.message };
    const header = {};
    for (const [name, value] of f.header) header[name] = name.includes('日期') || name === '时间' ? '' : value;
    const items = rectificationItems(f, earlier.rectification);
    return {
      ok: true,
      doc: {
        format: 'dudao-assessment',
        version: 2,
        id: options.id,
        name: `${f.institution || '评估'} 复查`,
        created_at: options.now,
        updated_at: options.now,
        rubric: earlier.rubric,
        assessors: Array.isArray(options.assessors) ? options.assessors.slice() : [],
        header: header,
        answers: {},
        veto: {},
        photos: {},
        merged_from: [],
        rectification: null,
        follow_up_of: {
          id: earlier.id,
          exported_at: earlier.exported_at || earlier.updated_at || null,
          total: Number(f.total),
          band: f.band.id,
          vetoed: f.vetoed,
          items: items.map((item) => item.id),
        },
      },
    };
  }

  /**
   * The 复查 result: per earlier 整改项, whether it is now closed (criterion
   * scored in full, or veto item no longer ticked), still open, or not yet
   * checked; the change in total and band; the completion rate.
   * `earlier` (optional) supplies the items' wording.
   */
  function followUpResult(doc, earlier) {
    const f = findings(doc);
    if (!f.ok) return { ok: false, message: f.message };
    const of = doc.follow_up_of;
    if (!isObject(of) || !Array.isArray(of.items)) return { ok: false, message: '这不是复查评估（缺少 follow_up_of）。' };
    const earlierItems = new Map();
    if (earlier) {
      const ef = findings(earlier);
      if (ef.ok) for (const item of ef.items) earlierItems.set(item.id, item);
    }
    const evaluated = S.evaluate(doc.rubric, doc);
    const criteria = new Map(evaluated.criteria.map((c) => [c.id, c]));
    const rows = of.items.map((id) => {
      const kind = id.startsWith('v-') ? 'veto' : 'criterion';
      const sourceId = id.slice(2);
      const before = earlierItems.get(id) || null;
      let state;
      let now;
      if (kind === 'veto') {
        // Not ticked counts as gone only once the 复查 has started scoring.
        const ticked = has(doc.veto, sourceId) && doc.veto[sourceId].ticked === true;
        const looked = has(doc.veto, sourceId) || evaluated.answered > 0;
        state = ticked ? 'open' : looked ? 'closed' : 'unchecked';
        now = ticked ? '仍存在' : looked ? '本次未发现' : '未检查';
      } else {
        const c = criteria.get(sourceId);
        if (!c || c.status === 'unanswered') {
          state = 'unchecked';
          now = '未评分';
        } else {
          state = c.status === 'full' ? 'closed' : 'open';
          now = `${S.STATUS_LABELS[c.status]}（${pts(c.scoreHalves)} / ${pts(c.halves)} 分）`;
        }
      }
      return { id: id, kind: kind, source: sourceId, state: state, now: now, item: before };
    });
    const closed = rows.filter((r) => r.state === 'closed').length;
    const earlierTotal = typeof of.total === 'number' ? of.total : null;
    return {
      ok: true,
      rows: rows,
      closed: closed,
      all: rows.length,
      percent: rows.length === 0 ? 100 : Math.round((closed * 100) / rows.length),
      total: { before: earlierTotal, after: Number(f.total), delta: earlierTotal === null ? null : Number(f.total) - earlierTotal },
      band: { before: of.band, after: f.band.id, afterLabel: f.band.label, beforeLabel: labelOf(doc.rubric, of.band) },
      complete: f.unanswered === 0,
    };
  }

  function labelOf(rubric, bandId) {
    const band = rubric.bands.find((b) => b.id === bandId);
    return band ? band.label : String(bandId || '');
  }

  /** The earlier assessment's items after a 复查: every closed one becomes 已核验. */
  function verifyClosed(earlierRect, result, now, by) {
    const closed = new Set(result.rows.filter((r) => r.state === 'closed').map((r) => r.id));
    return {
      issued_at: earlierRect ? earlierRect.issued_at : null,
      items: ((earlierRect && earlierRect.items) || []).map((item) => (closed.has(item.id) && item.status !== 'verified'
        ? Object.assign({}, item, { status: 'verified', updated_at: now, by: by || item.by })
        : item)),
    };
  }

  return {
    CITATION,
    OURS_MARK: S.OURS_MARK,
    NOTICE,
    STATUSES,
    STATUS_LABELS,
    unusable,
    findings,
    rectificationItems,
    rectification,
    deadlineProblem,
    isDate,
    isOverdue,
    completion,
    readRectification,
    mergeTracking,
    startFollowUp,
    followUpResult,
    verifyClosed,
  };
});
