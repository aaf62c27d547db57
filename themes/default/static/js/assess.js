/*
 * The self-assessment form at rubrics/ID/assess/: builds the form from the
 * rubric embedded in the page (<script type="application/json"
 * id="rubric-data">), keeps the assessment state, autosaves it to
 * localStorage, and drives export/import/CSV, the gap report and compare.
 *
 * Classic script (file:// refuses module scripts); needs scoring.js,
 * exchange.js, dom.js, editorial.js and report.js loaded first. The automation hooks
 * (data-criterion, data-partial, data-veto, data-total, data-band, …) are a
 * documented interface: docs/assessment.md.
 */
(function () {
  'use strict';
  const S = globalThis.DudaoScoring;
  const X = globalThis.DudaoExchange;
  const R = globalThis.DudaoReport;
  const { h, fill, download } = globalThis.DudaoDom;
  const E = globalThis.DudaoEditorial;
  const pts = S.formatPoints;

  const app = document.getElementById('assess-app');
  if (!app) return;
  const rubric = JSON.parse(document.getElementById('rubric-data').textContent);
  const indicators = new Map(JSON.parse(document.getElementById('indicator-data').textContent).map((i) => [i.number, i]));
  const root = app.getAttribute('data-root') || '';
  const criteria = S.flatten(rubric);

  let state = X.emptyState(rubric);
  let result = null;
  /** The criterion the user last worked on: where 下一未评项 searches from. */
  let lastRow = null;
  // The phone layout of assess.css (same breakpoint).
  const PHONE = window.matchMedia('(max-width: 40rem)');

  const $ = (selector, scope) => (scope || document).querySelector(selector);
  const $$ = (selector, scope) => Array.from((scope || document).querySelectorAll(selector));

  // ---- building the form -------------------------------------------------

  /** Folded on phones (item 1 must fit the first screen); the summary shows what is filled in. */
  function buildHeader() {
    return h('details', { class: 'header-details', open: !PHONE.matches },
      h('summary', {}, '基本信息', h('span', { class: 'header-summary', 'data-header-summary': '' })),
      h('fieldset', { class: 'header-fields' },
        h('legend', { class: 'visually-hidden' }, '基本信息'),
        h('div', { class: 'header-grid' }, rubric.header_fields.map((field, i) =>
          h('p', { class: 'field' },
            h('label', { for: `header-${i}` }, field),
            h('input', { type: field.includes('日期') ? 'date' : 'text', id: `header-${i}`, 'data-header': field, autocomplete: 'off' }))))));
  }

  function buildCriterion(c) {
    const id = c.id;
    const maxPartial = c.halves - 1;
    const partialPossible = maxPartial >= 1;
    const radio = (value, label) => h('label', { class: 'choice choice-' + value },
      h('input', { type: 'radio', name: `answer-${id}`, value: value, 'data-field': 'status', disabled: value === 'partial' && !partialPossible }),
      h('span', {}, label));
    return h('div', { class: 'criterion', 'data-criterion': id, 'data-status': 'unanswered', id: `criterion-${id}` },
      h('div', { class: 'criterion-head' },
        h('span', { class: 'criterion-no', 'aria-hidden': 'true' }, c.index + 1),
        h('p', { class: 'criterion-text', id: `text-${id}` }, h('span', { class: 'visually-hidden' }, `第 ${c.index + 1} 项：`), c.text),
        h('p', { class: 'criterion-points' }, h('output', { id: `score-${id}`, 'data-criterion-score': '' }, '—'), ` / ${pts(c.halves)} 分`)),
      h('div', { class: 'criterion-answer' },
        h('div', { class: 'choices', role: 'radiogroup', 'aria-labelledby': `text-${id}` },
          radio('full', `符合（${pts(c.halves)} 分）`),
          radio('partial', partialPossible ? '基本符合（酌情）' : '基本符合（本项不适用）'),
          radio('none', '不符合（0 分）'),
          h('button', { type: 'button', class: 'link-button', 'data-reset': '', 'aria-label': `清除第 ${c.index + 1} 项的评分` }, '清除')),
        h('div', { class: 'partial-fields' },
          h('p', { class: 'field field-score' },
            h('label', { for: `partial-${id}` }, `得分（0.5–${pts(maxPartial)}）`),
            h('input', {
              type: 'number', id: `partial-${id}`, 'data-partial': '', 'data-field': 'score', step: '0.5', min: '0.5',
              max: pts(Math.max(maxPartial, 1)), inputmode: 'decimal', disabled: true, 'aria-describedby': `problem-${id}`,
            })),
          h('p', { class: 'field field-why' },
            h('label', { for: `why-${id}` }, '理由（必填）'),
            h('input', { type: 'text', id: `why-${id}`, 'data-field': 'justification', 'data-justification': '', disabled: true, maxlength: 2000, 'aria-describedby': `problem-${id}` }))),
        h('p', { class: 'problem', id: `problem-${id}`, 'aria-live': 'polite' }),
        h('details', { class: 'notes' },
          h('summary', {}, '备注 / 证据'),
          h('label', { for: `notes-${id}`, class: 'visually-hidden' }, `第 ${c.index + 1} 项的备注或证据`),
          h('textarea', { id: `notes-${id}`, 'data-field': 'notes', 'data-notes': '', rows: 2, maxlength: 10000 }))));
  }

  function indicatorLinks(numbers) {
    return h('span', { class: 'a-row-indicators' }, '对应指标 ', numbers.map((n, i) => [i > 0 && '、',
      h('a', { href: `${root}indicators/${n}/index.html`, title: (indicators.get(n) || {}).title }, n)]));
  }

  function subtotal(kind, id, maxPoints) {
    return h('span', { class: 'subtotal' }, '小计 ', h('output', { [`data-${kind}-total`]: id }, '0'), ` / ${pts(S.toHalves(maxPoints))} 分`);
  }

  function buildCriteria() {
    return rubric.stages.map((stage) => {
      const groups = stage.groups.map((group) => h('section', { class: 'a-group', 'data-group': group.id, 'aria-labelledby': `group-${group.id}` },
        h('h3', { id: `group-${group.id}` }, h('span', {}, group.title), subtotal('group', group.id, group.points)),
        group.rows.map((row) => h('div', { class: 'a-row', 'data-row': row.id },
          h('h4', {}, h('span', {}, row.title), h('span', { class: 'row-meta' }, indicatorLinks(row.indicators), ` · ${pts(S.toHalves(row.points))} 分`)),
          row.criteria.map((c) => buildCriterion(criteria.find((x) => x.id === c.id)))))));
      if (!rubric.has_stages) return groups;
      return h('section', { class: 'a-stage', 'data-stage': stage.id, 'aria-labelledby': `stage-${stage.id}` },
        h('h2', { id: `stage-${stage.id}` }, h('span', {}, stage.title), subtotal('stage', stage.id, stage.points)),
        groups);
    });
  }

  function buildVeto() {
    if (!rubric.veto) return null;
    return h('fieldset', { class: 'a-veto' },
      h('legend', {}, rubric.veto.title),
      h('p', { class: 'hint' }, rubric.veto.intro || '勾选任一项，本次督导即记为不合格，与得分无关。请描述具体行为。'),
      rubric.veto.items.map((item, i) => h('div', { class: 'veto-item', 'data-veto-item': item.id },
        h('p', { class: 'veto-check' },
          h('input', { type: 'checkbox', id: `veto-${item.id}`, 'data-veto': item.id }),
          h('label', { for: `veto-${item.id}` }, `${i + 1}. ${item.text}`)),
        h('p', { class: 'field' },
          h('label', { for: `veto-why-${item.id}` }, '行为描述'),
          h('textarea', { id: `veto-why-${item.id}`, 'data-veto-description': item.id, rows: 2, maxlength: 10000 })))));
  }

  // ---- state ⇄ form -------------------------------------------------------

  function answer(id) {
    if (!state.answers[id]) state.answers[id] = {};
    return state.answers[id];
  }

  function vetoEntry(id) {
    if (!state.veto[id]) state.veto[id] = { ticked: false, description: '' };
    return state.veto[id];
  }

  /** Writes the whole state into the form (after load, import or 新建). */
  function fillForm() {
    renderFollowUpList();
    for (const input of $$('[data-header]')) input.value = state.header[input.getAttribute('data-header')] || '';
    for (const c of criteria) {
      const a = state.answers[c.id] || {};
      const row = $(`[data-criterion="${c.id}"]`);
      for (const radio of $$('input[type="radio"]', row)) radio.checked = radio.value === a.status;
      $('[data-partial]', row).value = a.score || '';
      $('[data-justification]', row).value = a.justification || '';
      $('[data-notes]', row).value = a.notes || '';
      $('details.notes', row).open = Boolean(a.notes);
    }
    for (const box of $$('[data-veto]')) {
      const v = state.veto[box.getAttribute('data-veto')] || {};
      box.checked = v.ticked === true;
      $(`[data-veto-description="${box.getAttribute('data-veto')}"]`).value = v.description || '';
    }
    update();
  }

  function onInput(event) {
    const target = event.target;
    if (target.hasAttribute('data-header')) {
      state.header[target.getAttribute('data-header')] = target.value;
    } else if (target.hasAttribute('data-veto')) {
      vetoEntry(target.getAttribute('data-veto')).ticked = target.checked;
    } else if (target.hasAttribute('data-veto-description')) {
      vetoEntry(target.getAttribute('data-veto-description')).description = target.value;
    } else if (target.hasAttribute('data-photo-caption')) {
      if (!setCaption(target)) return;
    } else if (target.hasAttribute('data-field')) {
      const row = target.closest('[data-criterion]');
      const field = target.getAttribute('data-field');
      if (field === 'status' && !target.checked) return;
      answer(row.getAttribute('data-criterion'))[field] = target.value;
      if (field === 'status' && target.value === 'partial') prefillOnlyPartial(row);
    } else {
      return;
    }
    changed();
  }

  function onClick(event) {
    const reset = event.target.closest('[data-reset]');
    if (!reset) return;
    const row = reset.closest('[data-criterion]');
    const a = answer(row.getAttribute('data-criterion'));
    delete a.status;
    for (const radio of $$('input[type="radio"]', row)) radio.checked = false;
    changed();
    $('input[type="radio"]', row).focus();
  }

  /** A 1-point criterion's 基本符合 can only score 0.5: fill it in. */
  function prefillOnlyPartial(row) {
    const id = row.getAttribute('data-criterion');
    const c = criteria.find((x) => x.id === id);
    const a = answer(id);
    if (c.halves !== 2 || (a.score !== undefined && a.score !== '')) return;
    a.score = '0.5';
    $('[data-partial]', row).value = '0.5';
  }

  /** Scrolls to the next criterion not yet complete after the last one worked on, and focuses it. */
  function nextUnanswered() {
    const open = result.criteria.filter((c) => !c.complete);
    if (open.length === 0) {
      say('全部评分项均已评完。');
      return;
    }
    const order = criteria.map((c) => c.id);
    const from = lastRow === null ? -1 : order.indexOf(lastRow);
    const target = open.find((c) => order.indexOf(c.id) > from) || open[0];
    const row = $(`[data-criterion="${target.id}"]`);
    const field = target.status === 'unanswered'
      ? $('input[type="radio"]:not(:disabled)', row)
      : $('[aria-invalid="true"]', row) || $('[data-justification]', row);
    row.scrollIntoView({ block: 'center' });
    field.focus({ preventScroll: true });
    lastRow = target.id;
  }

  function changed() {
    save();
    update();
  }

  // ---- derived display ----------------------------------------------------

  function update() {
    result = S.evaluate(rubric, state);
    const problems = new Map(result.problems.map((p) => [p.criterion, p.message]));
    for (const c of result.criteria) {
      const row = $(`[data-criterion="${c.id}"]`);
      row.setAttribute('data-status', c.status);
      const partial = c.status === 'partial';
      const score = $('[data-partial]', row);
      const why = $('[data-justification]', row);
      score.disabled = !partial;
      why.disabled = !partial;
      score.required = partial;
      why.required = partial;
      const problem = partial ? problems.get(c.id) || '' : '';
      $('.problem', row).textContent = problem;
      const scoreInvalid = partial && !S.parsePartial(score.value, c.halves).ok;
      score.setAttribute('aria-invalid', String(scoreInvalid));
      why.setAttribute('aria-invalid', String(partial && !scoreInvalid && problem !== ''));
      $('[data-criterion-score]', row).textContent = c.status === 'unanswered' || (partial && scoreInvalid) ? '—' : pts(c.scoreHalves);
    }
    for (const s of result.stages) setText(`[data-stage-total="${s.id}"]`, pts(s.halves));
    for (const g of result.groups) setText(`[data-group-total="${g.id}"]`, pts(g.halves));
    for (const item of $$('[data-veto-item]')) {
      item.classList.toggle('ticked', $('[data-veto]', item).checked);
    }

    setText('[data-total]', pts(result.totalHalves));
    const bandEl = $('[data-band]');
    // Nothing chosen yet: no verdict. data-band="unstarted" until the first answer or veto tick.
    const started = result.criteria.some((c) => c.status !== 'unanswered') || result.vetoed.length > 0;
    if (!started) {
      bandEl.setAttribute('data-band', 'unstarted');
      setText('[data-band-label]', '未开始');
      $('[data-band-mark]').hidden = true;
      $('[data-veto-mark]').hidden = true;
      setText('[data-band-reason]', '尚未评分：选择第一项后，这里显示暂定的等级。');
      setText('[data-band-consequence]', '');
    } else {
      bandEl.setAttribute('data-band', result.band.id);
      setText('[data-band-label]', result.band.label);
      $('[data-band-mark]').hidden = !E.isOurBand(rubric.bands, result.band);
      const reason = result.bandReason === 'veto'
        ? `存在不合格项：${result.vetoed.map((v) => `“${truncate(v.text, 40)}”`).join('；')}。本次督导记为不合格，与得分无关。`
        : bandRule(result.band);
      setText('[data-band-reason]', reason);
      // 记为不合格 is our reading of the 不合格项 (editorial.js vetoReading).
      $('[data-veto-mark]').hidden = result.bandReason !== 'veto';
      setText('[data-band-consequence]', result.band.consequence ? `处理：${result.band.consequence}` : '');
    }
    const filled = rubric.header_fields.map((f) => (state.header[f] || '').trim()).filter(Boolean);
    setText('[data-header-summary]', filled.length ? `：${filled.join(' · ')}` : '：未填写');
    const progress = $('[data-progress]');
    progress.max = result.count;
    progress.value = result.answered;
    setText('[data-answered]', `已评 ${result.answered} / ${result.count} 项`);
    setText('[data-provisional]', result.complete ? '评分已完成。' : `尚有 ${result.count - result.answered} 项未完成，结果为暂定。`);

    R.renderReport($('#report-body'), {
      rubric, state, result, indicators, root, photos: photoUrls, photoMeta: current.photos,
      rectification: current.rectification, outcomeUrl: `${root}assessments/outcome/index.html#assessment=${current.id}`,
    });
  }

  function bandRule(band) {
    const bands = rubric.bands.slice().sort((a, b) => b.min - a.min);
    const i = bands.indexOf(band);
    if (i === 0) return `得分 ≥ ${band.min} 分。`;
    if (i === bands.length - 1) return `得分 < ${bands[i - 1].min} 分。`;
    return `得分 ≥ ${band.min} 分且 < ${bands[i - 1].min} 分。`;
  }

  function truncate(text, length) {
    return text.length > length ? text.slice(0, length) + '…' : text;
  }

  function setText(selector, text) {
    const el = $(selector);
    if (el) el.textContent = text;
  }

  // ---- messages -----------------------------------------------------------

  /**
   * Shows a message in the bar fixed to the bottom of the screen (on screen
   * whatever the view and scroll). An error is announced (role=alert) and
   * takes the focus, unless the caller then moves it to the field at fault;
   * other messages fade after a while. A click or Escape dismisses it.
   */
  let sayTimer = 0;
  function say(text, kind) {
    const el = $('#assess-message');
    const error = kind === 'error';
    el.setAttribute('data-kind', kind || 'info');
    el.setAttribute('role', error ? 'alert' : 'status');
    fill(el, text);
    el.hidden = false;
    clearTimeout(sayTimer);
    if (error) el.focus({ preventScroll: true });
    else sayTimer = setTimeout(() => { el.hidden = true; }, 8000);
  }

  function dismissMessage() {
    clearTimeout(sayTimer);
    $('#assess-message').hidden = true;
  }

  // ---- persistence (the workspace, workspace.js) --------------------------
  //
  // The open assessment is one record of the workspace (IndexedDB): its id,
  // name, assessors, photos and team/整改 fields live in `current`, the form
  // state in `state`. Every change is written back; nothing is replaced:
  // 新建评估 and 导入 JSON start another record and keep this one.

  const W = globalThis.DudaoWorkspace;
  const P = globalThis.DudaoPhotos;
  const ASSESSOR_KEY = 'dudao.assessor';
  const CURRENT_KEY = 'dudao.current.' + rubric.content_hash;
  const workspaceUrl = root + 'assessments/index.html';

  let storageOk = false;
  let current = freshRecord();
  /** pid → Blob of the open assessment's photos; pending: not yet written. */
  const blobs = new Map();
  const pending = new Set();
  /** pid → data: URL for thumbnails and the printed report. */
  const photoUrls = new Map();

  function freshRecord() {
    const now = new Date().toISOString();
    return { id: X.newId(now), name: '', created_at: now, assessors: [], photos: {}, merged_from: [], rectification: null, follow_up_of: null };
  }

  function recordNow() {
    const photos = {};
    for (const [pid, meta] of Object.entries(current.photos)) {
      photos[pid] = pending.has(pid) ? Object.assign({}, meta, { blob: blobs.get(pid) }) : meta;
    }
    return Object.assign({}, current, { rubric: rubric, header: state.header, answers: state.answers, veto: state.veto, photos: photos });
  }

  let saving = null;
  let saveAgain = false;

  /** Writes the open assessment; writes never overlap, the last state always lands. */
  function save() {
    if (!storageOk) return;
    if (saving) {
      saveAgain = true;
      return;
    }
    app.setAttribute('data-saving', '');
    const written = Array.from(pending);
    saving = W.put(recordNow())
      .then(() => {
        for (const pid of written) pending.delete(pid);
        rememberCurrent();
        setText('[data-saved]', '已自动保存在本机浏览器（评估工作台）');
      })
      .catch(() => setText('[data-saved]', '本机保存失败（存储空间可能已满），请及时导出 JSON 文件'))
      .finally(() => {
        saving = null;
        if (saveAgain) {
          saveAgain = false;
          save();
        } else {
          app.removeAttribute('data-saving');
        }
      });
  }

  function rememberCurrent() {
    try {
      sessionStorage.setItem(CURRENT_KEY, current.id);
    } catch (_) { /* only a convenience */ }
  }

  function idFromHash() {
    const match = /(?:^#|&)assessment=([0-9a-z-]+)/.exec(location.hash);
    return match ? match[1] : null;
  }

  /**
   * Opens `#assessment=<id>`, else the assessment last open in this tab,
   * else the most recently changed one for this rubric; else starts empty.
   * Assessments of other versions of this rubric are never touched; the page
   * says where they are.
   */
  async function load() {
    storageOk = Boolean(W) && await W.available();
    if (!storageOk) {
      setText('[data-saved]', '此浏览器不允许在本机保存评估（IndexedDB 不可用），关闭页面前请导出 JSON 文件');
      return;
    }
    try {
      await W.migrate([rubric]);
    } catch (_) { /* the old keys stay in localStorage */ }
    const wanted = idFromHash();
    let remembered = null;
    try {
      remembered = sessionStorage.getItem(CURRENT_KEY);
    } catch (_) { /* private mode */ }
    let doc = null;
    for (const id of [wanted, remembered]) {
      if (!id || doc) continue;
      const found = await W.get(id);
      if (found && found.rubric.content_hash === rubric.content_hash) doc = found;
      else if (id === wanted) {
        say(h('span', {}, found ? `评估“${W.displayName(found)}”使用的是另一份评分表（${found.rubric.title}），请在` : `本机没有编号为 ${id} 的评估。请在`,
          h('a', { href: workspaceUrl }, '评估工作台'), '中打开。'), 'error');
      }
    }
    const all = await W.list();
    if (!doc) {
      const mine = all.find((s) => s.rubric.content_hash === rubric.content_hash);
      if (mine) doc = await W.get(mine.id);
    }
    const older = all.filter((s) => s.rubric.id === rubric.id && s.rubric.content_hash !== rubric.content_hash).length;
    if (older > 0 && !wanted) {
      say(h('span', {}, `本机另有 ${older} 份基于本评分表其他版本的评估，已完整保留，可在`, h('a', { href: workspaceUrl }, '评估工作台'), '中查看和打开。'));
    }
    if (doc) {
      await apply(doc);
      setText('[data-saved]', `已载入本机保存的评估（${formatTime(doc.updated_at)}）`);
    }
  }

  /** A 复查 (issue 13) lists the earlier assessment's 整改项 first, each linking to its row. */
  function renderFollowUpList() {
    let box = $('[data-followup-list]');
    if (!box) {
      const host = $('#view-form');
      if (!host) return;
      box = h('div', { class: 'followup-list', 'data-followup-list': '' });
      host.prepend(box);
    }
    const of = current.follow_up_of;
    const ids = (of && Array.isArray(of.items)) ? of.items : [];
    box.hidden = ids.length === 0;
    if (ids.length === 0) return fill(box);
    const vetoItems = (rubric.veto && rubric.veto.items) || [];
    fill(box,
      h('p', {}, h('strong', {}, '本评估是复查。'), `请先检查原评估的 ${ids.length} 项整改项：`),
      h('ol', {}, ids.map((id) => {
        const c = id.startsWith('c-') ? criteria.find((x) => x.id === id.slice(2)) : null;
        const v = id.startsWith('v-') ? vetoItems.find((x) => x.id === id.slice(2)) : null;
        if (c) return h('li', { 'data-followup-check': id }, h('a', { href: `#criterion-${c.id}` }, `第 ${c.index + 1} 项：`), c.text);
        if (v) return h('li', { 'data-followup-check': id }, '不合格项：', v.text);
        return h('li', { 'data-followup-check': id }, id);
      })),
      h('p', {}, h('a', { href: `${root}assessments/outcome/index.html#assessment=${current.id}` }, '查看复查结果（逐项对照、完成率）→')));
  }

  /** Makes a stored document the open assessment. */
  async function apply(doc) {
    current = {
      id: doc.id, name: doc.name || '', created_at: doc.created_at, assessors: (doc.assessors || []).slice(),
      photos: {}, merged_from: doc.merged_from || [], rectification: doc.rectification || null, follow_up_of: doc.follow_up_of || null,
    };
    blobs.clear();
    pending.clear();
    photoUrls.clear();
    for (const [pid, p] of Object.entries(doc.photos || {})) {
      const blob = p.blob || (typeof p.data === 'string' ? W.base64ToBlob(p.data, p.type) : null);
      if (!blob) continue;
      current.photos[pid] = { type: p.type, width: p.width, height: p.height, bytes: p.bytes, caption: p.caption || '', added_at: p.added_at || '', by: p.by || '' };
      blobs.set(pid, blob);
      if (!p.blob) pending.add(pid);
    }
    await Promise.all(Array.from(blobs, async ([pid, blob]) => photoUrls.set(pid, await P.dataUrl(blob))));
    const fresh = X.emptyState(rubric);
    state = {
      header: Object.assign(fresh.header, pick(doc.header, rubric.header_fields)),
      answers: Object.assign(fresh.answers, pick(doc.answers, criteria.map((c) => c.id))),
      veto: Object.assign(fresh.veto, pick(doc.veto, ((rubric.veto && rubric.veto.items) || []).map((v) => v.id))),
    };
    rememberCurrent();
  }

  /** Own keys only, into a map without prototype: a header field named `__proto__` stays text. */
  function pick(object, keys) {
    const out = Object.create(null);
    if (object && typeof object === 'object') {
      for (const key of keys) if (Object.prototype.hasOwnProperty.call(object, key)) out[key] = object[key];
    }
    return out;
  }

  function formatTime(iso) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return '时间未知';
    const two = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
  }

  function isEmpty() {
    return Object.values(state.header).every((v) => !v) &&
      Object.values(state.answers).every((a) => !a.status && !a.notes && !a.score && !a.justification && !(a.photos && a.photos.length)) &&
      Object.values(state.veto).every((v) => !v.ticked && !v.description && !(v.photos && v.photos.length));
  }

  // ---- who scores (the assessor on this device) ---------------------------

  function assessorName() {
    const input = $('[data-assessor]');
    return input ? input.value.trim() : '';
  }

  /** Stamps by/at on the answer or veto item the event changed (runs before onInput). */
  function stampAnswer(event) {
    const target = event.target;
    let entry = null;
    if (target.hasAttribute('data-veto') || target.hasAttribute('data-veto-description')) {
      entry = vetoEntry(target.getAttribute('data-veto') || target.getAttribute('data-veto-description'));
    } else if (target.hasAttribute('data-field')) {
      entry = answer(target.closest('[data-criterion]').getAttribute('data-criterion'));
    } else if (target.hasAttribute('data-photo')) {
      return;
    }
    if (entry) stamp(entry);
  }

  function stamp(entry) {
    const name = assessorName();
    entry.at = new Date().toISOString();
    if (name) {
      entry.by = name;
      if (!current.assessors.includes(name)) current.assessors.push(name);
    } else {
      delete entry.by;
    }
  }

  function setupAssessor() {
    const input = $('[data-assessor]');
    if (!input) return;
    try {
      input.value = localStorage.getItem(ASSESSOR_KEY) || '';
    } catch (_) { /* not remembered */ }
    input.addEventListener('input', () => {
      try {
        localStorage.setItem(ASSESSOR_KEY, input.value.trim());
      } catch (_) { /* not remembered */ }
    });
  }

  // ---- photos -------------------------------------------------------------

  /** A photo's caption as kept: at most CAPTION_MAX characters. */
  const CAPTION_MAX = 200;

  /** One photo block per criterion row and veto item; kept out of the row builders. */
  function addPhotoControls() {
    const block = (key, label) => h('div', { class: 'photos', 'data-photos': key },
      h('span', { class: 'file-button photo-add' },
        h('input', { type: 'file', id: `photo-${key}`, accept: 'image/*', capture: 'environment', multiple: true, 'data-photo': '', 'aria-label': label }),
        h('label', { class: 'button button-small', for: `photo-${key}` }, '添加照片')),
      h('div', { class: 'photo-thumbs' }));
    for (const c of criteria) {
      const row = $(`[data-criterion="${c.id}"] .criterion-answer`) || $(`[data-criterion="${c.id}"]`);
      row.append(block('c-' + c.id, `为第 ${c.index + 1} 项添加照片`));
    }
    for (const [i, item] of (((rubric.veto && rubric.veto.items) || []).entries())) {
      const el = $(`[data-veto-item="${item.id}"]`);
      if (el) el.append(block('v-' + item.id, `为第 ${i + 1} 个不合格项添加照片`));
    }
  }

  function photoOwner(el) {
    const row = el.closest('[data-criterion]');
    if (row) return answer(row.getAttribute('data-criterion'));
    const veto = el.closest('[data-veto-item]');
    return veto ? vetoEntry(veto.getAttribute('data-veto-item')) : null;
  }

  async function addPhotos(event) {
    const input = event.target;
    const files = Array.from(input.files || []);
    input.value = '';
    const owner = photoOwner(input);
    if (!owner || files.length === 0) return;
    let added = 0;
    for (const file of files) {
      let photo;
      try {
        photo = await P.prepare(file);
      } catch (error) {
        if (!(error instanceof P.PhotoError)) throw error;
        say(error.message, 'error');
        continue;
      }
      const pid = P.newId();
      current.photos[pid] = { type: photo.type, width: photo.width, height: photo.height, bytes: photo.bytes, caption: file.name.replace(/\.[^.]*$/, '').slice(0, CAPTION_MAX), added_at: new Date().toISOString(), by: assessorName() };
      blobs.set(pid, photo.blob);
      pending.add(pid);
      photoUrls.set(pid, await P.dataUrl(photo.blob));
      owner.photos = (owner.photos || []).concat(pid);
      added++;
    }
    if (added === 0) return;
    stamp(owner);
    renderPhotos();
    changed();
    say(`已添加 ${added} 张照片（已压缩为长边不超过 ${P.MAX_SIDE} 像素的 JPEG）。`);
  }

  function removePhoto(button) {
    const pid = button.getAttribute('data-photo-remove');
    if (!window.confirm('确定要删除这张照片吗？删除后无法恢复（已导出的文件中仍有）。')) return;
    const owner = photoOwner(button);
    if (owner && owner.photos) owner.photos = owner.photos.filter((id) => id !== pid);
    delete current.photos[pid];
    blobs.delete(pid);
    pending.delete(pid);
    photoUrls.delete(pid);
    renderPhotos();
    changed();
    say('已删除照片。');
  }

  const photoAlt = (where, n, caption) => `${where}照片 ${n}${caption ? '：' + caption : ''}`;

  /**
   * A caption edited under its thumbnail: kept in the photo's record (saved
   * with the assessment, exported, printed in the documents), and in the
   * thumbnail's alt text.
   */
  function setCaption(input) {
    const pid = input.getAttribute('data-photo-caption');
    const meta = current.photos[pid];
    if (!meta) return false;
    meta.caption = input.value.slice(0, CAPTION_MAX);
    const img = input.closest('.photo-thumb').querySelector('img[data-photo-thumb]');
    img.alt = photoAlt(input.getAttribute('data-where'), input.getAttribute('data-n'), meta.caption.trim());
    return true;
  }

  /** Thumbnails of every row from the state, each with its caption to edit. */
  function renderPhotos() {
    const thumbs = (list, where) => (list || []).filter((pid) => photoUrls.has(pid)).map((pid, i) => {
      const meta = current.photos[pid] || {};
      const caption = (meta.caption || '').trim();
      return h('figure', { class: 'photo-thumb' },
        h('img', { src: photoUrls.get(pid), loading: 'lazy', decoding: 'async', alt: photoAlt(where, i + 1, caption), 'data-photo-thumb': pid, width: 96, height: Math.max(1, Math.round(96 * (meta.height || 1) / (meta.width || 1))) }),
        h('input', { type: 'text', class: 'photo-caption', value: meta.caption || '', maxlength: CAPTION_MAX, placeholder: '照片说明', 'aria-label': `${where}照片 ${i + 1}的说明`, 'data-photo-caption': pid, 'data-where': where, 'data-n': i + 1 }),
        h('figcaption', {}, meta.by ? `${meta.by} 拍摄` : '',
          h('button', { type: 'button', class: 'link-button', 'data-photo-remove': pid, 'aria-label': `删除${where}照片 ${i + 1}` }, '删除')));
    });
    for (const c of criteria) {
      const box = $(`[data-photos="c-${c.id}"] .photo-thumbs`);
      if (box) fill(box, thumbs((state.answers[c.id] || {}).photos, `第 ${c.index + 1} 项`));
    }
    for (const item of (rubric.veto && rubric.veto.items) || []) {
      const box = $(`[data-photos="v-${item.id}"] .photo-thumbs`);
      if (box) fill(box, thumbs((state.veto[item.id] || {}).photos, '不合格项'));
    }
  }

  /** Lazy report photos outside the view would print blank: load them all when printing starts. */
  function loadReportPhotos() {
    for (const img of $$('img[data-report-photo]')) img.loading = 'eager';
  }

  function onPhotoClick(event) {
    const remove = event.target.closest('[data-photo-remove]');
    if (remove) removePhoto(remove);
  }

  // ---- toolbar actions ----------------------------------------------------

  /** Starts another assessment; the open one stays in the workspace. */
  async function newAssessment() {
    if (!storageOk && !isEmpty() && !window.confirm('此浏览器不能在本机保存评估：新建将清空当前评估且无法恢复。如需保留，请先导出 JSON 文件。确定新建吗？')) return;
    if (saving) await saving;
    const kept = !isEmpty() && storageOk;
    current = freshRecord();
    blobs.clear();
    pending.clear();
    photoUrls.clear();
    state = X.emptyState(rubric);
    fillForm();
    renderPhotos();
    rememberCurrent();
    setText('[data-saved]', storageOk ? '新的评估：有改动时自动保存在本机' : '');
    say(kept ? h('span', {}, '已新建评估。之前的评估已保存，可在', h('a', { href: workspaceUrl }, '评估工作台'), '中打开。') : '已新建评估。');
    $('[data-header]') && $('[data-header]').focus();
  }

  function fileStem() {
    const date = new Date().toISOString().slice(0, 10);
    const org = (state.header[rubric.header_fields[0]] || '').replace(/[\\/:*?"<>|\s]+/g, '').slice(0, 30);
    return ['评估', rubric.id, org, date].filter(Boolean).join('-');
  }

  async function exportJson() {
    const photos = {};
    for (const [pid, meta] of Object.entries(current.photos)) {
      if (blobs.has(pid)) photos[pid] = Object.assign({}, meta, { data: await W.blobToBase64(blobs.get(pid)) });
    }
    const now = new Date().toISOString();
    const out = X.toExport(rubric, state, now, Object.assign({}, current, { updated_at: now, photos: photos }));
    if (!out.ok) {
      const first = out.problems[0];
      say(h('span', {}, `无法导出：有 ${out.problems.length} 项“基本符合”的得分或理由需要先补全，例如第 ${criteria.find((c) => c.id === first.criterion).index + 1} 项：${first.message}。`), 'error');
      const row = $(`[data-criterion="${first.criterion}"]`);
      showView('form');
      ($('[aria-invalid="true"]', row) || $('[data-partial]', row)).focus();
      return;
    }
    download(fileStem() + '.json', 'application/json', JSON.stringify(out.data, null, 2) + '\n');
    say('已导出 JSON 文件（含评分表和照片，可在任何电脑的评估工作台打开）。');
  }

  function exportCsv() {
    download(fileStem() + '.csv', 'text/csv;charset=utf-8', X.toCsv(rubric, state));
    say('已导出 CSV 文件（可用 Excel 打开）。');
  }

  /** Opens a file as another assessment of the workspace; the open one is kept. */
  async function importJson(event) {
    const input = event.target;
    const file = input.files && input.files[0];
    input.value = '';
    if (!file) return;
    if (!storageOk) {
      const parsed = X.parseImport(file.size > X.MAX_FILE_BYTES ? '' : await file.text(), rubric, file.size);
      if (!parsed.ok) {
        say(`导入失败：${parsed.message}当前评估未作任何更改。`, 'error');
        return;
      }
      if (!isEmpty() && !window.confirm(`导入“${file.name}”将替换当前评估的全部内容（此浏览器不能在本机另存），确定吗？`)) {
        say('已取消导入，当前评估未作任何更改。');
        return;
      }
      await apply(Object.assign(W.documentFrom(parsed.doc, parsed.doc.id || X.newId()), { photos: parsed.doc.photos }));
      fillForm();
      renderPhotos();
      say(`已导入“${file.name}”。`);
      return;
    }
    if (saving) await saving;
    const read = await W.fromFile(file, { rubric: rubric, rubrics: [rubric] });
    if (!read.ok) {
      say(`导入失败：${read.message}当前评估未作任何更改。`, 'error');
      return;
    }
    const kept = !isEmpty();
    await apply(await W.get(read.id));
    fillForm();
    renderPhotos();
    say(h('span', {}, `已导入“${file.name}”，作为一份评估保存${read.renamed ? '（本机已有同一编号的评估，已另存为新的一份）' : ''}。`,
      kept ? ['原来的评估仍在', h('a', { href: workspaceUrl }, '评估工作台'), '中。'] : ''));
  }

  // ---- compare ------------------------------------------------------------

  const compareSides = { a: null, b: null };

  async function loadCompare(event) {
    const input = event.target;
    const which = input.getAttribute('data-compare');
    const file = input.files && input.files[0];
    if (!file) return;
    const parsed = X.parseImport(await file.text(), rubric);
    const status = $(`[data-compare-status="${which}"]`);
    if (!parsed.ok) {
      compareSides[which] = null;
      status.setAttribute('data-kind', 'error');
      status.textContent = `无法读取：${parsed.message}`;
    } else {
      const date = parsed.state.header[rubric.header_fields.find((f) => f.includes('日期'))] || '';
      compareSides[which] = { state: parsed.state, file: file.name, date: date };
      status.setAttribute('data-kind', 'ok');
      status.textContent = `已读取“${file.name}”${date ? `（督导日期 ${date}）` : ''}。`;
    }
    renderCompare();
  }

  function useCurrentFor(which) {
    compareSides[which] = { state: JSON.parse(JSON.stringify(state)), file: '当前评估' };
    const status = $(`[data-compare-status="${which}"]`);
    status.setAttribute('data-kind', 'ok');
    status.textContent = '已使用本页当前评估。';
    renderCompare();
  }

  function renderCompare() {
    const out = $('#compare-body');
    if (!compareSides.a || !compareSides.b) {
      fill(out, h('p', { class: 'a-empty' }, '请选择两份同一评分表的评估文件（JSON）。'));
      return;
    }
    R.renderCompare(out, {
      rubric,
      a: { state: compareSides.a.state, name: '评估 A' },
      b: { state: compareSides.b.state, name: '评估 B' },
      showAll: $('#compare-all').checked,
    });
  }

  // ---- views --------------------------------------------------------------

  const VIEWS = ['form', 'report', 'compare'];

  function showView(view) {
    if (!VIEWS.includes(view)) view = 'form';
    for (const v of VIEWS) {
      $(`#view-${v}`).hidden = v !== view;
      const tab = $(`[data-view-link="${v}"]`);
      if (v === view) tab.setAttribute('aria-current', 'page');
      else tab.removeAttribute('aria-current');
    }
    app.setAttribute('data-view', view);
  }

  /** #report, #compare, #form; #criterion-ID (the gap report's links) opens the form at that row. */
  function viewFromHash() {
    const hash = location.hash.replace(/^#/, '');
    const row = /^criterion-/.test(hash) ? document.getElementById(hash) : null;
    showView(row ? 'form' : hash || 'form');
    if (row) {
      row.scrollIntoView({ block: 'center' });
      const input = row.querySelector('input[type=radio]:checked') || row.querySelector('input[type=radio]');
      if (input) input.focus({ preventScroll: true });
    }
  }

  // ---- start --------------------------------------------------------------

  fill($('#assess-form'), buildHeader(), h('div', { class: 'criteria' }, buildCriteria()), buildVeto());
  fill($('[data-band-note]'), E.bandNote(rubric.bands, null));
  fill($('[data-veto-note]'), rubric.veto ? E.vetoReading(rubric, null) : null);
  addPhotoControls();
  // Stamps who/when first, then onInput stores the value and saves.
  $('#assess-form').addEventListener('input', stampAnswer);
  $('#assess-form').addEventListener('change', stampAnswer);
  $('#assess-form').addEventListener('input', onInput);
  $('#assess-form').addEventListener('change', onInput);
  $('#assess-form').addEventListener('change', (event) => {
    if (event.target.hasAttribute('data-photo')) addPhotos(event);
  });
  $('#assess-form').addEventListener('click', onPhotoClick);
  window.addEventListener('beforeprint', loadReportPhotos);
  setupAssessor();
  $('#assess-form').addEventListener('click', onClick);
  $('#assess-form').addEventListener('submit', (event) => event.preventDefault());
  $('#assess-form').addEventListener('focusin', (event) => {
    const row = event.target.closest('[data-criterion]');
    if (row) lastRow = row.getAttribute('data-criterion');
  });
  $('[data-next-unanswered]').addEventListener('click', nextUnanswered);
  $('#assess-message').addEventListener('click', dismissMessage);
  $('#assess-message').addEventListener('keydown', (event) => { if (event.key === 'Escape') dismissMessage(); });
  if (PHONE.matches && $('[data-intro]')) $('[data-intro]').open = false;
  $('[data-action="new"]').addEventListener('click', newAssessment);
  $('[data-action="export-json"]').addEventListener('click', exportJson);
  $('[data-action="export-csv"]').addEventListener('click', exportCsv);
  $('[data-action="import-json"]').addEventListener('change', importJson);
  $('[data-action="print"]').addEventListener('click', () => {
    location.hash = '#report';
    window.print();
  });
  for (const input of $$('[data-compare]')) input.addEventListener('change', loadCompare);
  for (const button of $$('[data-compare-current]')) button.addEventListener('click', () => useCurrentFor(button.getAttribute('data-compare-current')));
  $('#compare-all').addEventListener('change', renderCompare);
  window.addEventListener('hashchange', viewFromHash);

  load().catch(() => setText('[data-saved]', '读取本机保存的评估失败，请及时导出 JSON 文件')).then(() => {
    fillForm();
    renderPhotos();
    renderCompare();
    viewFromHash();
    app.setAttribute('data-ready', '');
  });
})();
