/*
 * DudaoMerge: team merge of assessments of one rubric (督导组: each
 * supervisor scores part of the table on their own phone). No DOM; Node
 * unit tests require it.
 *
 *   merge([{file, doc}])   → {ok, rubric, merged, conflicts} or {ok: false, message}
 *   resolve(result, picks) → the merged document (for DudaoWorkspace.put)
 *
 * `doc` is what DudaoExchange.readDocument returns. Rules
 * (docs/assessment.md "Team merge"): all files must have the same rubric
 * content hash. A criterion answered in one file only is taken as it is; the
 * same answer (结论, 得分, 理由) in several files is taken once; different
 * answers are a conflict, decided by the user, never silently. Notes and
 * photos are united (one photo's differing captions joined with ；). Header fields and veto ticks merge the same way.
 * The result keeps who scored each criterion (`by`, `at` of the chosen
 * answer) and `merged_from`.
 *
 * Classic script: globalThis.DudaoMerge, module.exports under Node.
 */
(function (root, factory) {
  'use strict';
  const X = root.DudaoExchange || (typeof require === 'function' ? require('./exchange.js') : undefined);
  const S = root.DudaoScoring || (typeof require === 'function' ? require('./scoring.js') : undefined);
  const api = factory(X, S);
  root.DudaoMerge = api;
  if (typeof module === 'object' && module && module.exports) module.exports = api;
})(typeof globalThis !== 'undefined' ? globalThis : this, function (X, S) {
  'use strict';

  const dict = () => Object.create(null);
  const STATUS = { full: '符合', partial: '基本符合', none: '不符合' };

  /** The part of an answer that must agree: 结论, 得分 and 理由. */
  function answerKey(a) {
    if (!a || !a.status) return null;
    return JSON.stringify([a.status, a.status === 'partial' ? String(a.score) : '', a.status === 'partial' ? (a.justification || '').trim() : '']);
  }

  function describeAnswer(a) {
    if (a.status === 'partial') return `${STATUS.partial} ${a.score} 分，理由：${a.justification}`;
    return STATUS[a.status];
  }

  function uniteText(values) {
    const seen = [];
    for (const v of values) if (typeof v === 'string' && v.trim() !== '' && !seen.includes(v)) seen.push(v);
    return seen.join('\n');
  }

  function uniteCaptions(a, b) {
    const seen = [];
    for (const v of [a, b]) {
      for (const part of typeof v === 'string' ? v.split('；') : []) {
        const t = part.trim();
        if (t !== '' && !seen.includes(t)) seen.push(t);
      }
    }
    return seen.join('；');
  }

  function unite(lists) {
    const out = [];
    for (const list of lists) for (const id of list || []) if (!out.includes(id)) out.push(id);
    return out;
  }

  function sourceName(source, i) {
    const people = source.doc.assessors.length ? source.doc.assessors.join('、') : '未署名';
    return `${people}（${source.file || `文件 ${i + 1}`}）`;
  }

  /**
   * Merges two or more read documents. Photos whose ids collide between
   * files get a new id in the later file.
   */
  function merge(sources) {
    if (!Array.isArray(sources) || sources.length < 2) return { ok: false, message: '请至少选择两份评估文件进行合并。' };
    const first = sources[0];
    for (let i = 1; i < sources.length; i++) {
      const other = sources[i];
      if (other.doc.rubric.content_hash !== first.doc.rubric.content_hash) {
        const same = other.doc.rubric.title === first.doc.rubric.title;
        return {
          ok: false,
          message: `“${first.file}”使用评分表“${first.doc.rubric.title}”，“${other.file}”使用评分表“${other.doc.rubric.title}”${same ? '（同名但内容不同，版本不一致）' : ''}：不是同一份评分表，不能合并。`,
        };
      }
    }
    const rubric = first.doc.rubric;

    // Photos: one map, ids made unique per file; answers point at the new ids.
    const photos = dict();
    const renames = sources.map((source, i) => {
      const map = new Map();
      for (const pid of Object.keys(source.doc.photos)) {
        let id = pid;
        const photo = source.doc.photos[pid];
        if (photos[id] && photos[id].data !== photo.data) id = `${pid}-m${i + 1}`;
        map.set(pid, id);
        // The same picture captioned differently by two supervisors keeps
        // both captions, as notes do: neither is dropped silently.
        const caption = photos[id] ? uniteCaptions(photos[id].caption, photo.caption) : photo.caption;
        photos[id] = Object.assign({}, photos[id] || photo);
        if (caption) photos[id].caption = caption;
      }
      return map;
    });
    const renamed = (i, list) => (list || []).map((pid) => renames[i].get(pid) || pid);

    const conflicts = [];
    const header = dict();
    for (const field of rubric.header_fields) {
      const values = [];
      sources.forEach((s, i) => {
        const v = (s.doc.state.header[field] || '').trim();
        if (v !== '' && !values.some((c) => c.value === v)) values.push({ source: i, value: v, label: `${sourceName(s, i)}：${v}` });
      });
      if (values.length > 1) conflicts.push({ kind: 'header', id: field, title: `表头“${field}”`, candidates: values });
      header[field] = values.length === 1 ? values[0].value : '';
    }

    const answers = dict();
    for (const c of S.flatten(rubric)) {
      const given = [];
      sources.forEach((s, i) => {
        const a = s.doc.state.answers[c.id];
        if (a) given.push({ i, a });
      });
      if (given.length === 0) continue;
      const notes = uniteText(given.map((g) => g.a.notes));
      const photoIds = unite(given.map((g) => renamed(g.i, g.a.photos)));
      const distinct = [];
      for (const g of given) {
        const key = answerKey(g.a);
        if (key !== null && !distinct.some((d) => d.key === key)) distinct.push({ key, g });
      }
      const base = {};
      if (notes) base.notes = notes;
      if (photoIds.length) base.photos = photoIds;
      if (distinct.length > 1) {
        conflicts.push({
          kind: 'answer', id: c.id, title: `第 ${c.index + 1} 项：${c.text}`,
          candidates: distinct.map((d) => ({
            source: d.g.i, value: d.g.a, label: `${d.g.a.by || sourceName(sources[d.g.i], d.g.i)}：${describeAnswer(d.g.a)}`,
          })),
        });
      }
      const chosen = distinct.length === 1 ? distinct[0].g.a : distinct.length === 0 ? given[0].a : null;
      answers[c.id] = chosen ? Object.assign(base, pickAnswer(chosen)) : base;
    }

    const veto = dict();
    for (const item of (rubric.veto && rubric.veto.items) || []) {
      const given = [];
      sources.forEach((s, i) => {
        const v = s.doc.state.veto[item.id];
        if (v) given.push({ i, v });
      });
      if (given.length === 0) continue;
      const ticks = [];
      for (const g of given) if (!ticks.some((t) => t.v.ticked === g.v.ticked)) ticks.push(g);
      const entry = { ticked: ticks[0].v.ticked, description: uniteText(given.map((g) => g.v.description)) };
      const photoIds = unite(given.map((g) => renamed(g.i, g.v.photos)));
      if (photoIds.length) entry.photos = photoIds;
      if (ticks.length > 1) {
        conflicts.push({
          kind: 'veto', id: item.id, title: `不合格项：${item.text}`,
          candidates: ticks.map((t) => ({ source: t.i, value: t.v, label: `${t.v.by || sourceName(sources[t.i], t.i)}：${t.v.ticked ? '存在（勾选）' : '不存在（未勾选）'}` })),
        });
      } else {
        if (ticks[0].v.by) entry.by = ticks[0].v.by;
        if (ticks[0].v.at) entry.at = ticks[0].v.at;
      }
      veto[item.id] = entry;
    }

    const assessors = unite(sources.map((s) => s.doc.assessors));
    const merged = {
      rubric: rubric,
      assessors: assessors,
      header: header,
      answers: answers,
      veto: veto,
      photos: photos,
      merged_from: sources.map((s) => ({ id: s.doc.id || '', assessors: s.doc.assessors.slice(), exported_at: s.doc.exported_at || '', name: s.doc.name || s.file || '' })),
      rectification: (sources.find((s) => s.doc.rectification) || { doc: {} }).doc.rectification || null,
      follow_up_of: (sources.find((s) => s.doc.follow_up_of) || { doc: {} }).doc.follow_up_of || null,
    };
    return { ok: true, rubric: rubric, merged: merged, conflicts: conflicts };
  }

  function pickAnswer(a) {
    const out = { status: a.status };
    if (a.status === 'partial') {
      out.score = a.score;
      out.justification = a.justification;
    }
    if (a.by) out.by = a.by;
    if (a.at) out.at = a.at;
    return out;
  }

  const conflictKey = (c) => `${c.kind}:${c.id}`;

  /**
   * The merged document with every conflict decided: picks maps
   * `kind:id` (e.g. `answer:plan`, `header:督导日期`, `veto:serious-violation`)
   * to the index of the chosen candidate. {ok: false, missing: [conflicts]}
   * while any is undecided.
   */
  function resolve(result, picks, now) {
    const missing = result.conflicts.filter((c) => {
      const k = picks[conflictKey(c)];
      return !(Number.isInteger(k) && k >= 0 && k < c.candidates.length);
    });
    if (missing.length) return { ok: false, missing: missing };
    const m = result.merged;
    const doc = {
      rubric: m.rubric, assessors: m.assessors.slice(), header: Object.assign(dict(), m.header),
      answers: dict(), veto: dict(), photos: m.photos, merged_from: m.merged_from,
      rectification: m.rectification, follow_up_of: m.follow_up_of,
    };
    for (const id of Object.keys(m.answers)) doc.answers[id] = Object.assign({}, m.answers[id]);
    for (const id of Object.keys(m.veto)) doc.veto[id] = Object.assign({}, m.veto[id]);
    for (const c of result.conflicts) {
      const chosen = c.candidates[picks[conflictKey(c)]];
      if (c.kind === 'header') doc.header[c.id] = chosen.value;
      if (c.kind === 'answer') Object.assign(doc.answers[c.id], pickAnswer(chosen.value));
      if (c.kind === 'veto') {
        doc.veto[c.id].ticked = chosen.value.ticked;
        if (chosen.value.by) doc.veto[c.id].by = chosen.value.by;
        if (chosen.value.at) doc.veto[c.id].at = chosen.value.at;
      }
    }
    const when = now || new Date().toISOString();
    const fields = m.rubric.header_fields;
    const org = fields.length ? doc.header[fields[0]] : '';
    doc.id = X.newId(when);
    doc.name = `合并：${org || m.rubric.title}（${m.assessors.join('、') || `${m.merged_from.length} 份`}）`;
    doc.created_at = when;
    doc.updated_at = when;
    doc.totals = X.totals(m.rubric, S.evaluate(m.rubric, doc));
    return { ok: true, doc: doc };
  }

  return { merge, resolve, conflictKey };
});
