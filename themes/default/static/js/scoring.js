/*
 * dudao scoring rules: how an assessment of a rubric adds up.
 *
 * No DOM, no dependencies. A classic script rather than an ES module because
 * Chromium refuses module scripts loaded from file://, and the site must work
 * from a folder on an office PC. It attaches itself to globalThis.DudaoScoring
 * in the browser and to module.exports under Node (for the unit tests).
 *
 * Every sum is done in integer half points: rubric points are multiples of
 * 0.5, so subtotals are exact (no 0.1 + 0.2 drift) and 84.5 never rounds to 85.
 *
 * An assessment state is plain data (see docs/assessment.md):
 *   { header: {label: text},
 *     answers: {criterionId: {status: 'full'|'partial'|'none', score, justification, notes}},
 *     veto: {vetoItemId: {ticked: bool, description}} }
 * A criterion without a status is unanswered and scores 0 so far.
 */
(function (root, factory) {
  'use strict';
  const api = factory();
  root.DudaoScoring = api;
  if (typeof module === 'object' && module && module.exports) module.exports = api;
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  const STATUSES = ['full', 'partial', 'none'];
  const STATUS_LABELS = { full: '符合', partial: '基本符合', none: '不符合', unanswered: '未评分' };
  const PLAIN_NUMBER = /^\d+(\.\d+)?$/;

  /** Integer half points of a number, or null unless it is a multiple of 0.5 ≥ 0. */
  function toHalves(value) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return null;
    const halves = value * 2;
    return Number.isInteger(halves) ? halves : null;
  }

  function fromHalves(halves) {
    return halves / 2;
  }

  /** "84.5", "85", "0": how points are printed everywhere. */
  function formatPoints(halves) {
    return String(halves / 2);
  }

  /** Every criterion of a rubric in table order, with where it sits. */
  function flatten(rubric) {
    const criteria = [];
    for (const stage of rubric.stages) {
      for (const group of stage.groups) {
        for (const row of group.rows) {
          for (const criterion of row.criteria) {
            criteria.push({
              id: criterion.id,
              text: criterion.text,
              halves: toHalves(criterion.points),
              stage: stage,
              group: group,
              row: row,
              index: criteria.length,
            });
          }
        }
      }
    }
    return criteria;
  }

  /**
   * A 基本符合 score: strictly between 0 and the criterion's points, in steps
   * of 0.5. `input` is what the assessor typed (string) or a number.
   */
  function parsePartial(input, maxHalves) {
    const max = formatPoints(maxHalves);
    let value;
    if (typeof input === 'number') {
      value = input;
    } else {
      const text = String(input == null ? '' : input).trim();
      if (text === '') return { ok: false, message: '请填写“基本符合”的得分' };
      if (!PLAIN_NUMBER.test(text)) return { ok: false, message: '得分须为数字，例如 2.5' };
      value = Number(text);
    }
    const halves = toHalves(value);
    if (halves === null) {
      return Number.isFinite(value) && value > 0
        ? { ok: false, message: '得分须以 0.5 分为单位' }
        : { ok: false, message: `“基本符合”的得分须大于 0、小于 ${max} 分` };
    }
    if (halves <= 0 || halves >= maxHalves) {
      return { ok: false, message: `“基本符合”的得分须大于 0、小于 ${max} 分` };
    }
    return { ok: true, halves: halves };
  }

  function hasText(value) {
    return typeof value === 'string' && value.trim() !== '';
  }

  /**
   * How one answer scores. `complete` is false while the criterion is
   * unanswered or a 基本符合 lacks a valid score or its justification;
   * `problem` then says what is missing (null for plain unanswered).
   */
  function scoreAnswer(answer, criterion) {
    const status = answer && STATUSES.includes(answer.status) ? answer.status : 'unanswered';
    switch (status) {
      case 'full':
        return { status, halves: criterion.halves, complete: true, problem: null };
      case 'none':
        return { status, halves: 0, complete: true, problem: null };
      case 'partial': {
        const parsed = parsePartial(answer.score, criterion.halves);
        if (!parsed.ok) return { status, halves: 0, complete: false, problem: parsed.message };
        if (!hasText(answer.justification)) {
          return { status, halves: parsed.halves, complete: false, problem: '请简要说明“基本符合”的理由' };
        }
        return { status, halves: parsed.halves, complete: true, problem: null };
      }
      default:
        return { status, halves: 0, complete: false, problem: null };
    }
  }

  /** Bands from the highest threshold down; the last one starts at 0. */
  function sortedBands(rubric) {
    return rubric.bands.slice().sort((a, b) => b.min - a.min);
  }

  /** The band a total falls in; any ticked veto item forces the lowest band. */
  function bandFor(rubric, totalHalves, vetoed) {
    const bands = sortedBands(rubric);
    if (vetoed) return bands[bands.length - 1];
    return bands.find((band) => totalHalves >= toHalves(band.min)) || bands[bands.length - 1];
  }

  /**
   * The notice names two results only, 优良 (≥ 85) and 不合格 (< 60): a band
   * between a rubric's first and last (合格 in the bundled rubrics) is
   * dudao's name. Files and documents mark it with OURS_MARK and carry
   * bandNote, the words of src/export/mod.rs band_names_note (the Word and
   * Excel forms); pages use editorial.js's [编者注] link instead.
   */
  const OURS_MARK = '※';
  function isOurBand(rubric, bandId) {
    const i = rubric.bands.findIndex((b) => b.id === bandId);
    return i > 0 && i < rubric.bands.length - 1;
  }
  /** A band's label, with OURS_MARK when the name is dudao's. */
  function markedBandLabel(rubric, band) {
    return band.label + (isOurBand(rubric, band.id) ? OURS_MARK : '');
  }
  /** The note for OURS_MARK, or '' when every band is one the notice names. */
  function bandNote(rubric) {
    const bands = rubric.bands;
    const ours = bands.slice(1, -1).map((band, i) => `“${band.label}”（${formatPoints(toHalves(band.min))} 分至 ${formatPoints(toHalves(bands[i].min))} 分，不含 ${formatPoints(toHalves(bands[i].min))} 分）`);
    if (ours.length === 0) return '';
    return `${OURS_MARK} 编者注（dudao）：通知只规定两档结果：“≥ 85 分为优良”“<60 分为不合格”。${ours.join('')}是 dudao 对两者之间得分的称呼，便于填写和统计；通知对这一段没有规定名称或处理。`;
  }

  /** Half points still needed to reach each band above the lowest, by band id (0 when reached). */
  function pointsNeeded(rubric, totalHalves) {
    const needed = {};
    const bands = sortedBands(rubric);
    for (const band of bands.slice(0, -1)) {
      needed[band.id] = Math.max(0, toHalves(band.min) - totalHalves);
    }
    return needed;
  }

  /** The whole computed picture of an assessment: totals, subtotals, band, progress. */
  function evaluate(rubric, state) {
    const answers = (state && state.answers) || {};
    const vetoState = (state && state.veto) || {};
    const stages = new Map();
    const groups = new Map();
    const rows = new Map();
    const criteria = [];
    const problems = [];
    let total = 0;
    let max = 0;
    let answered = 0;

    const tally = (map, node, extra, score, maxHalves) => {
      let entry = map.get(node.id);
      if (!entry) {
        entry = Object.assign({ id: node.id, title: node.title, halves: 0, maxHalves: 0 }, extra);
        map.set(node.id, entry);
      }
      entry.halves += score;
      entry.maxHalves += maxHalves;
    };

    for (const criterion of flatten(rubric)) {
      const answer = answers[criterion.id] || {};
      const scored = scoreAnswer(answer, criterion);
      total += scored.halves;
      max += criterion.halves;
      if (scored.complete) answered += 1;
      if (scored.problem) problems.push({ criterion: criterion.id, message: scored.problem });
      tally(stages, criterion.stage, {}, scored.halves, criterion.halves);
      tally(groups, criterion.group, { stage: criterion.stage.id }, scored.halves, criterion.halves);
      tally(rows, criterion.row, { group: criterion.group.id }, scored.halves, criterion.halves);
      criteria.push(Object.assign({}, criterion, {
        status: scored.status,
        scoreHalves: scored.halves,
        lostHalves: scored.status === 'unanswered' ? 0 : criterion.halves - scored.halves,
        complete: scored.complete,
        problem: scored.problem,
        justification: hasText(answer.justification) ? answer.justification.trim() : '',
        notes: hasText(answer.notes) ? answer.notes.trim() : '',
      }));
    }

    const vetoItems = (rubric.veto && rubric.veto.items) || [];
    const vetoed = vetoItems
      .filter((item) => vetoState[item.id] && vetoState[item.id].ticked === true)
      .map((item) => Object.assign({}, item, {
        description: hasText(vetoState[item.id].description) ? vetoState[item.id].description.trim() : '',
      }));

    return {
      totalHalves: total,
      maxHalves: max,
      answered: answered,
      count: criteria.length,
      complete: answered === criteria.length && problems.length === 0,
      problems: problems,
      stages: Array.from(stages.values()),
      groups: Array.from(groups.values()),
      rows: Array.from(rows.values()),
      criteria: criteria,
      vetoed: vetoed,
      band: bandFor(rubric, total, vetoed.length > 0),
      bandReason: vetoed.length > 0 ? 'veto' : 'score',
      needed: pointsNeeded(rubric, total),
    };
  }

  /**
   * Criteria that lost points (answered 基本符合 or 不符合), ranked by points
   * lost, then table order; also grouped by their first (primary) indicator,
   * heaviest group first. Unanswered criteria are listed apart: they have not
   * lost anything yet, they are simply not scored.
   */
  function gaps(result) {
    const byRank = (a, b) => b.lostHalves - a.lostHalves || a.index - b.index;
    const ranked = result.criteria.filter((c) => c.lostHalves > 0).sort(byRank);
    const indicators = new Map();
    for (const item of ranked) {
      const number = item.row.indicators[0];
      let entry = indicators.get(number);
      if (!entry) {
        entry = { indicator: number, lostHalves: 0, items: [] };
        indicators.set(number, entry);
      }
      entry.lostHalves += item.lostHalves;
      entry.items.push(item);
    }
    const byIndicator = Array.from(indicators.values()).sort(
      (a, b) => b.lostHalves - a.lostHalves || a.indicator - b.indicator,
    );
    return {
      ranked: ranked,
      lostHalves: ranked.reduce((sum, c) => sum + c.lostHalves, 0),
      byIndicator: byIndicator,
      unanswered: result.criteria.filter((c) => c.status === 'unanswered'),
    };
  }

  /** Per-criterion differences between two assessments of the same rubric (b minus a). */
  function compare(rubric, stateA, stateB) {
    const a = evaluate(rubric, stateA);
    const b = evaluate(rubric, stateB);
    const rows = a.criteria.map((ca, i) => {
      const cb = b.criteria[i];
      return {
        criterion: ca,
        a: { status: ca.status, halves: ca.scoreHalves },
        b: { status: cb.status, halves: cb.scoreHalves },
        deltaHalves: cb.scoreHalves - ca.scoreHalves,
        changed: ca.status !== cb.status || ca.scoreHalves !== cb.scoreHalves,
      };
    });
    return {
      a: a,
      b: b,
      rows: rows,
      changed: rows.filter((row) => row.changed),
      deltaHalves: b.totalHalves - a.totalHalves,
    };
  }

  return {
    STATUSES,
    STATUS_LABELS,
    toHalves,
    fromHalves,
    formatPoints,
    flatten,
    parsePartial,
    scoreAnswer,
    bandFor,
    OURS_MARK,
    isOurBand,
    markedBandLabel,
    bandNote,
    pointsNeeded,
    evaluate,
    gaps,
    compare,
  };
});
