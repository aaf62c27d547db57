/*
 * tailor/: the rubric builder. Starts from any rubric embedded in the page
 * (#tailor-data), lets the user switch rows and criteria on and off, edit
 * titles, wording and points, add rows for any of the 33 indicators, rescale
 * to 100, and fill the header; validates live with rubric-rules.js (the
 * rules of `dudao check`); prints the checklist (the markup of
 * templates/checklist.html, styled by checklist.css), hands the rubric to
 * the self-assessment form (tailor/assess/, via localStorage) and downloads
 * it as YAML for rubrics/. Opens a rubric from a YAML, JSON or assessment
 * file (tailor-open.js). Never drops edits without asking: whatever work is
 * replaced (switching, reloading, opening a file, #from=) is kept as a
 * draft the user can restore (localStorage dudao.tailor.drafts).
 *
 * Classic script; needs dom.js, rubric-rules.js, tailor-model.js, js-yaml,
 * tailor-open.js and tailor-sheet.js first.
 * Test hooks: data-action, data-row / data-criterion, data-toggle-*,
 * data-total, data-status, data-problems.
 */
(function () {
  'use strict';
  const app = document.getElementById('tailor-app');
  if (!app) return;
  const { h, fill } = globalThis.DudaoDom;
  const Rules = globalThis.DudaoRubricRules;
  const M = globalThis.DudaoTailorModel;

  const data = JSON.parse(document.getElementById('tailor-data').textContent);
  const root = app.getAttribute('data-root') || '';
  const rubrics = new Map(data.rubrics.map((r) => [r.id, r]));
  const indicators = new Map(data.indicators.map((i) => [i.number, i]));
  const catalogueGroups = new Map(data.groups.map((g) => [g.number, g]));
  const SAVE_KEY = 'dudao.tailor.work';
  const HANDOFF_KEY = 'dudao.tailor.handoff';
  const DRAFTS_KEY = 'dudao.tailor.drafts';
  const Open = globalThis.DudaoTailorOpen;

  const $ = (selector) => app.querySelector(selector);
  const $$ = (selector) => Array.from(app.querySelectorAll(selector));
  const fmt = (points) => (Number.isFinite(points) ? String(points) : '—');

  /** Everything the user is editing; autosaved. */
  let state = null;
  let raw = null;
  let problems = [];

  // ---- start, save, restore ----------------------------------------------------

  function fresh(baseId) {
    const base = rubrics.get(baseId) || data.rubrics[0];
    return started({
      version: 1,
      base: base.id,
      work: M.fromModel(base),
      meta: { id: `${base.id}-custom`, title: `${base.title}（定制）`, rationale: '', rationaleEdited: false },
      header: { institution: '', date: '', supervisors: '' },
      counter: 0,
    });
  }

  /** The builder's state for a rubric opened from a file (raw: its YAML document). */
  function fromRaw(raw, fileName) {
    const bundled = rubrics.has(raw.based_on) ? raw.based_on : null;
    // An official rubric's own file: tailor a copy, as if started from it.
    const copy = raw.id === raw.based_on;
    return started({
      version: 1,
      base: bundled,
      file: fileName,
      work: M.fromModel(M.toModel(raw)),
      meta: {
        id: copy ? `${raw.id}-custom` : raw.id,
        title: copy ? `${raw.title}（定制）` : raw.title,
        rationale: copy ? '' : raw.rationale || '',
        rationaleEdited: !copy && typeof raw.rationale === 'string' && raw.rationale !== '',
      },
      header: { institution: '', date: '', supervisors: '' },
      counter: 0,
    });
  }

  /** What the user can change, hashed: a state is edited when this moves. */
  function fingerprint(s) {
    return M.sha256Hex(new TextEncoder().encode(JSON.stringify([s.work, s.meta, s.header])));
  }

  function started(s) {
    s.start = fingerprint(s);
    return s;
  }

  function edited(s) {
    return fingerprint(s) !== (s.start || fingerprint(fresh(s.base)));
  }

  /** A saved state is used only if it still makes a rubric the rules can read. */
  function restore() {
    try {
      const saved = JSON.parse(localStorage.getItem(SAVE_KEY) || 'null');
      if (!saved || saved.version !== 1 || !(saved.base === null || rubrics.has(saved.base)) || !saved.work || !saved.meta || !saved.header) return null;
      const probe = M.toRaw(saved.work, saved.meta);
      if (Rules.validate(probe, { fileStem: probe.id }).some((d) => d.code === 'schema')) return null;
      return saved;
    } catch (err) {
      return null;
    }
  }

  function save() {
    try {
      localStorage.setItem(SAVE_KEY, JSON.stringify(state));
    } catch (err) {
      // Storage full or disabled: the builder still works, it just forgets.
    }
  }

  function start(baseId) {
    const base = rubrics.get(baseId);
    if (!replaceState(fresh(baseId), `从《${base ? base.title : baseId}》重新开始`)) $('#tailor-base').value = state.base || '';
  }

  // ---- drafts: nothing the user made is dropped -----------------------------

  function drafts() {
    try {
      const list = JSON.parse(localStorage.getItem(DRAFTS_KEY) || '[]');
      return Array.isArray(list) ? list.filter((d) => d && typeof d === 'object' && d.state && typeof d.saved_at === 'string') : [];
    } catch (err) {
      return [];
    }
  }

  function keepDraft(s) {
    const list = drafts();
    list.unshift({ saved_at: new Date().toISOString(), state: s });
    localStorage.setItem(DRAFTS_KEY, JSON.stringify(list));
  }

  function renderDrafts() {
    const list = drafts();
    $('[data-drafts-box]').hidden = list.length === 0;
    fill($('[data-drafts]'), list.map((d, i) => h('li', { 'data-draft': i },
      `《${d.state.meta && d.state.meta.title ? d.state.meta.title : '未命名'}》（编号 ${d.state.meta ? d.state.meta.id : '—'}，保存于 ${formatTime(d.saved_at)}） `,
      h('button', { type: 'button', class: 'link-button', 'data-restore-draft': i }, '恢复'), ' ',
      h('button', { type: 'button', class: 'link-button', 'data-delete-draft': i }, '删除'))));
  }

  function formatTime(iso) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return '时间未知';
    const two = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
  }

  /**
   * Puts `next` in place of the current work. Edited work is replaced only
   * after the user agrees, and is then kept as a draft. Returns whether it
   * was replaced.
   */
  function replaceState(next, what) {
    if (state && edited(state)) {
      const name = state.meta.title || state.meta.id || '未命名';
      if (!window.confirm(`当前定制《${name}》已有修改（包括改编理由）。${what}将替换它；当前的修改会保存为“已保存的草稿”，可随时恢复。继续吗？`)) return false;
      try {
        keepDraft(state);
      } catch (err) {
        message('浏览器不允许本地存储，无法保存草稿：当前修改未被替换。请先下载 YAML。', 'error');
        return false;
      }
    }
    state = next;
    renderAll();
    renderDrafts();
    return true;
  }

  function restoreDraft(i) {
    const list = drafts();
    const draft = list[i];
    if (!draft) return;
    const probe = draft.state;
    if (!probe.work || !probe.meta || !probe.header || !(probe.base === null || rubrics.has(probe.base))) {
      message('这份草稿已无法读取（所依据的评分表已不在本站）。', 'error');
      return;
    }
    const before = state;
    if (!replaceState(probe, `恢复草稿《${probe.meta.title}》`)) return;
    // The restored draft is the current work now; only it leaves the list.
    const now = drafts().filter((d) => !(d.saved_at === draft.saved_at && JSON.stringify(d.state) === JSON.stringify(draft.state)));
    localStorage.setItem(DRAFTS_KEY, JSON.stringify(now));
    renderDrafts();
    message(`已恢复草稿《${probe.meta.title}》。${before !== state && edited(before) ? '替换下来的修改已另存为草稿。' : ''}`);
  }

  function deleteDraft(i) {
    const list = drafts();
    const draft = list[i];
    if (!draft || !window.confirm(`删除草稿《${draft.state.meta.title}》？删除后无法恢复。`)) return;
    list.splice(i, 1);
    localStorage.setItem(DRAFTS_KEY, JSON.stringify(list));
    renderDrafts();
  }

  // ---- opening a file -------------------------------------------------------

  async function openFile(event) {
    const input = event.target;
    const file = input.files && input.files[0];
    input.value = '';
    if (!file) return;
    const read = Open.read(await file.text(), file.name, { rubricIds: data.rubrics.map((r) => r.id) });
    if (!read.ok) {
      message(`无法打开“${file.name}”：${read.message}当前定制未作更改。`, 'error');
      return;
    }
    const next = fromRaw(read.raw, file.name);
    if (!replaceState(next, `打开“${file.name}”`)) {
      message(`已取消打开“${file.name}”，当前定制未作更改。`);
      return;
    }
    const what = { assessment: '评估文件内嵌的评分表', 'json-model': 'JSON 评分表', 'json-raw': 'JSON 评分表', yaml: 'YAML 评分表' }[read.source];
    const fixed = read.problems.filter((p) => p.code !== 'duplicate-rubric-id');
    if (fixed.length) {
      message(`已打开“${file.name}”（${what}），文件中有 ${fixed.length} 个问题：${fixed.slice(0, 3).map((p) => p.text).join('；')}。各级小计和合计已按评分标准的分值重新计算；其余问题见“检查结果”。`, 'error');
    } else {
      message(`已打开“${file.name}”（${what}《${read.raw.title}》）。`);
    }
  }

  // ---- derived values ----------------------------------------------------------

  function summary() {
    const base = rubrics.get(state.base);
    if (!base) return '依据通知附件1备注4、备注5定制。';
    const baseCriteria = new Map();
    for (const s of base.stages) for (const g of s.groups) for (const r of g.rows) for (const c of r.criteria) baseCriteria.set(c.id, c);
    let rowsOff = 0;
    let criteriaOff = 0;
    let rowsAdded = 0;
    let changed = 0;
    for (const s of state.work.stages) for (const g of s.groups) for (const r of g.rows) {
      if (r.added) rowsAdded++;
      else if (!r.on) rowsOff++;
      for (const c of r.criteria) {
        if (!r.on) continue;
        if (!c.on) { criteriaOff++; continue; }
        const was = baseCriteria.get(c.id);
        if (was && (was.text !== c.text || Number(was.points) !== Number(c.points))) changed++;
      }
    }
    const parts = [];
    if (rowsOff) parts.push(`停用 ${rowsOff} 行`);
    if (criteriaOff) parts.push(`停用 ${criteriaOff} 条评分标准`);
    if (rowsAdded) parts.push(`新增 ${rowsAdded} 行`);
    if (changed) parts.push(`修改 ${changed} 条评分标准的文字或分值`);
    return `依据通知附件1备注4、备注5，以《${base.title}》为基础定制${parts.length ? '：' + parts.join('，') : '，内容未改动'}。`;
  }

  function meta() {
    return {
      id: state.meta.id.trim(),
      title: state.meta.title,
      based_on: state.base || (state.meta.id.trim() === state.work.based_on ? undefined : state.work.based_on),
      rationale: state.meta.rationaleEdited ? state.meta.rationale : summary(),
    };
  }

  function check() {
    raw = M.toRaw(state.work, meta());
    problems = Rules.validate(raw, { fileStem: raw.id, rubricIds: data.rubrics.map((r) => r.id) });
    // dudao check would also refuse two rubric files with one id.
    if (rubrics.has(raw.id)) {
      problems.push({ severity: 'error', code: 'duplicate-rubric-id', path: 'id', message: `编号“${raw.id}”已被现有评分表使用，放入 rubrics/ 后会与之冲突，请换一个编号` });
    }
  }

  // ---- rendering ---------------------------------------------------------------

  function renderAll() {
    $('#tailor-base').value = state.base || '';
    for (const input of $$('[data-meta]')) {
      const key = input.getAttribute('data-meta');
      input.value = key === 'rationale' ? meta().rationale : state.meta[key];
    }
    for (const input of $$('[data-header]')) input.value = state.header[input.getAttribute('data-header')] || '';
    renderRows();
    renderAddForm();
    refresh();
  }

  function renderRows() {
    const blocks = state.work.stages.map((stage) => {
      const groups = stage.groups.map((group) => h('section', { class: 't-group', 'data-group': group.id },
        h('h4', {}, group.title, ' ', h('span', { class: 't-subtotal' }, '小计 ', h('output', { 'data-group-total': group.id }), ' 分')),
        group.rows.map(renderRow)));
      if (!state.work.has_stages) return groups;
      return h('section', { class: 't-stage', 'data-stage': stage.id },
        h('h3', {}, stage.title, ' ', h('span', { class: 't-subtotal' }, '小计 ', h('output', { 'data-stage-total': stage.id }), ' 分')),
        groups);
    });
    fill($('#tailor-rows'), blocks);
  }

  function renderRow(row) {
    const id = row.id;
    return h('div', { class: 't-row', 'data-row': id, 'data-on': String(row.on) },
      h('div', { class: 't-row-head' },
        h('label', { class: 't-switch' },
          h('input', { type: 'checkbox', 'data-toggle-row': id, checked: row.on }),
          h('span', { class: 'visually-hidden' }, `启用“${row.title}”`)),
        h('label', { class: 'visually-hidden', for: `row-title-${id}` }, '二级指标名称'),
        h('input', { class: 't-row-title', id: `row-title-${id}`, 'data-row-title': id, value: row.title }),
        h('span', { class: 't-row-meta' }, '对应指标 ', row.indicators.join('、'), ' · ', h('output', { 'data-row-total': id }), ' 分'),
        row.added ? h('button', { type: 'button', class: 'link-button', 'data-remove-row': id }, '删除此行') : null),
      h('details', { class: 't-explanation', open: row.added || null },
        h('summary', {}, '指标说明'),
        row.indicators.map((n) => {
          const i = indicators.get(n);
          return i ? h('p', {}, h('strong', {}, `${n}. ${i.title}`), '：', i.explanation) : null;
        })),
      h('ol', { class: 't-criteria' }, row.criteria.map((c) => renderCriterion(row, c))),
      h('p', {}, h('button', { type: 'button', class: 'link-button', 'data-add-criterion': id }, '添加评分标准')));
  }

  function renderCriterion(row, c) {
    const id = c.id;
    return h('li', { class: 't-criterion', 'data-criterion': id, 'data-on': String(c.on) },
      h('label', { class: 't-switch' },
        h('input', { type: 'checkbox', 'data-toggle-criterion': id, checked: c.on }),
        h('span', { class: 'visually-hidden' }, '启用此条评分标准')),
      h('label', { class: 'visually-hidden', for: `text-${id}` }, '评分标准'),
      h('textarea', { id: `text-${id}`, 'data-criterion-text': id, rows: 2, placeholder: '写出可逐条判定的评分标准' }, c.text),
      h('label', { class: 't-points' },
        h('input', { type: 'number', step: '0.5', min: '0.5', inputmode: 'decimal', 'data-criterion-points': id, value: fmt(Number(c.points)) }),
        ' 分'),
      c.added ? h('button', { type: 'button', class: 'link-button', 'data-remove-criterion': id }, '删除') : null);
  }

  function renderAddForm() {
    fill($('#tailor-add-indicator'), data.indicators.map((i) => {
      const g = catalogueGroups.get(i.group);
      return h('option', { value: i.number }, `${i.number}. ${i.title}（${g ? g.numeral + '、' + g.title : ''}）`);
    }));
    const options = [];
    for (const s of state.work.stages) {
      for (const g of s.groups) options.push(h('option', { value: g.id }, (s.title ? s.title + ' · ' : '') + g.title));
    }
    options.push(h('option', { value: '' }, '新建一级指标（用该指标所属的一级指标名称）'));
    fill($('#tailor-add-group'), options);
    showExplanation();
  }

  function showExplanation() {
    const i = indicators.get(Number($('#tailor-add-indicator').value));
    if (!i) return;
    const g = catalogueGroups.get(i.group);
    fill($('#tailor-add-explanation'),
      h('p', { class: 't-explanation-title' }, `指标 ${i.number}：${i.title}`, g ? `（一级指标${g.numeral}、${g.title}）` : ''),
      h('p', {}, i.explanation));
  }

  /** Totals, subtotals, problems and buttons: everything that follows from the data. */
  function refresh() {
    check();
    const halvesOf = (criteria) => criteria.reduce((sum, c) => sum + (c.on ? Math.round(Number(c.points) * 2) || 0 : 0), 0);
    for (const s of state.work.stages) {
      let stageHalves = 0;
      for (const g of s.groups) {
        let groupHalves = 0;
        for (const r of g.rows) {
          const rowHalves = halvesOf(r.criteria);
          setOutput(`[data-row-total="${r.id}"]`, rowHalves);
          if (r.on) groupHalves += rowHalves;
          const el = app.querySelector(`[data-row="${r.id}"]`);
          if (el) el.setAttribute('data-on', String(r.on));
          for (const c of r.criteria) {
            const ce = app.querySelector(`[data-criterion="${c.id}"]`);
            if (!ce) continue;
            ce.setAttribute('data-on', String(c.on && r.on));
            const input = ce.querySelector('[data-criterion-points]');
            input.setAttribute('aria-invalid', String(c.on && r.on && Rules.positiveHalves(Number(c.points)) === null));
          }
        }
        setOutput(`[data-group-total="${g.id}"]`, groupHalves);
        stageHalves += groupHalves;
      }
      setOutput(`[data-stage-total="${s.id}"]`, stageHalves);
    }
    const total = M.totalHalves(state.work) / 2;
    $('#tailor-total').textContent = fmt(total);
    const ok = problems.length === 0;
    const status = $('#tailor-status');
    status.textContent = ok ? '检查通过，可打印、在线评分或下载' : `发现 ${problems.length} 个问题`;
    app.setAttribute('data-valid', String(ok));
    fill($('#tailor-problems'), ok
      ? h('li', { class: 'ok' }, '未发现问题。')
      : problems.map((p) => h('li', { 'data-code': p.code }, p.message)));
    if (!state.meta.rationaleEdited) $('#tailor-rationale').value = meta().rationale;
    save();
  }

  function setOutput(selector, halves) {
    const out = app.querySelector(selector);
    if (out) out.textContent = fmt(halves / 2);
  }

  /** In the sticky bar; a refusal is announced and takes the focus. */
  function message(text, kind) {
    const el = $('#tailor-message');
    const error = kind === 'error';
    el.hidden = false;
    el.setAttribute('data-kind', kind || 'info');
    el.setAttribute('role', error ? 'alert' : 'status');
    el.textContent = text;
    if (error) {
      el.scrollIntoView({ block: 'nearest' });
      el.focus({ preventScroll: true });
    }
  }

  /** Why an action is refused: how many problems, and the first. */
  function refusal(action) {
    return `无法${action}：请先解决“检查结果”中的 ${problems.length} 个问题，例如“${problems[0].message}”。`;
  }

  // ---- finding things ----------------------------------------------------------

  function allRows() {
    return state.work.stages.flatMap((s) => s.groups.flatMap((g) => g.rows.map((r) => ({ s, g, r }))));
  }

  function findRow(id) {
    return allRows().find((x) => x.r.id === id);
  }

  function findCriterion(id) {
    for (const { r } of allRows()) {
      const c = r.criteria.find((x) => x.id === id);
      if (c) return { r, c };
    }
    return null;
  }

  /** An id no stage, group, row, criterion, veto item or band uses yet. */
  function uniqueId(prefix) {
    const used = new Set(['excellent', 'pass', 'fail']);
    for (const s of state.work.stages) {
      used.add(s.id);
      for (const g of s.groups) {
        used.add(g.id);
        for (const r of g.rows) {
          used.add(r.id);
          for (const c of r.criteria) used.add(c.id);
        }
      }
    }
    if (state.work.veto) for (const i of state.work.veto.items) used.add(i.id);
    let id;
    do { state.counter++; id = `${prefix}-${state.counter}`; } while (used.has(id));
    return id;
  }

  // ---- actions -----------------------------------------------------------------

  function addRow() {
    const number = Number($('#tailor-add-indicator').value);
    const indicator = indicators.get(number);
    if (!indicator) return;
    const row = {
      on: true, added: true, id: uniqueId('added-row'), title: indicator.title, indicators: [number],
      criteria: [{ on: true, added: true, id: uniqueId('added'), text: '', points: 1 }],
    };
    const groupId = $('#tailor-add-group').value;
    let target = null;
    for (const s of state.work.stages) for (const g of s.groups) if (g.id === groupId) target = g;
    if (!target) {
      const cg = catalogueGroups.get(indicator.group);
      target = { id: uniqueId('added-group'), title: cg ? cg.title : indicator.title, rows: [] };
      state.work.stages[state.work.stages.length - 1].groups.push(target);
    }
    target.rows.push(row);
    renderRows();
    renderAddForm();
    $('#tailor-add-group').value = target.id;
    refresh();
    const text = app.querySelector(`[data-criterion="${row.criteria[0].id}"] textarea`);
    if (text) text.focus();
    message(`已添加“${indicator.title}”一行（1分）：请写出评分标准，再按需要调整分值。`);
  }

  function download() {
    if (problems.length) return message(refusal('下载'), 'error');
    const base = rubrics.get(state.base);
    const yaml = M.toYaml(raw, [
      base ? `dudao 派生评分表，非官方文本；以《${base.title}》（${base.id}）为基础，在“评分表定制”页面生成。` : 'dudao 派生评分表，非官方文本；在“评分表定制”页面生成。',
      '放入项目的 rubrics/ 目录后运行 dudao check 和 dudao build。',
    ]);
    const url = URL.createObjectURL(new Blob([yaml], { type: 'application/yaml;charset=utf-8' }));
    const a = h('a', { href: url, download: `${raw.id}.yaml` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    message(`已下载 ${raw.id}.yaml。`);
  }

  /** Header labels of the rubric → what the user typed for them. */
  function headerValues(fields) {
    const values = {};
    for (const field of fields) {
      if (field.includes('机构名称')) values[field] = state.header.institution;
      else if (field.includes('日期')) values[field] = state.header.date;
      else if (field.includes('督导') && field.includes('员')) values[field] = state.header.supervisors;
    }
    return values;
  }

  function assess() {
    if (problems.length) return message(refusal('转到在线评分'), 'error');
    try {
      localStorage.setItem(HANDOFF_KEY, JSON.stringify({ version: 1, raw: raw, header: headerValues(raw.header_fields) }));
    } catch (err) {
      return message('浏览器不允许本地存储，无法转到在线评分；请下载 YAML 后用 dudao build 生成评分页面。', 'error');
    }
    window.location.href = `${root}tailor/assess/index.html`;
  }

  function print() {
    if (problems.length) return message(refusal('打印'), 'error');
    const rubric = M.toModel(raw);
    const base = rubrics.get(rubric.based_on);
    globalThis.DudaoTailorSheet.render(document.getElementById('tailor-sheet'), rubric, headerValues(rubric.header_fields), base ? base.title : null);
    window.print();
  }

  // ---- wiring ------------------------------------------------------------------

  app.addEventListener('click', (event) => {
    const target = event.target.closest('button');
    if (!target) return;
    const action = target.getAttribute('data-action');
    if (action === 'load') start($('#tailor-base').value);
    else if (target.hasAttribute('data-restore-draft')) restoreDraft(Number(target.getAttribute('data-restore-draft')));
    else if (target.hasAttribute('data-delete-draft')) deleteDraft(Number(target.getAttribute('data-delete-draft')));
    else if (action === 'rescale') {
      if (M.rescale(state.work, 100)) {
        renderRows();
        refresh();
        message('已按原有比例调整为100分（每项为0.5分的整数倍，合计恰为100分）。');
      } else {
        message('无法调整：没有启用的评分标准，或评分标准多于200条。', 'error');
      }
    } else if (action === 'add-row') addRow();
    else if (action === 'download') download();
    else if (action === 'assess') assess();
    else if (action === 'print') print();
    else if (target.hasAttribute('data-add-criterion')) {
      const found = findRow(target.getAttribute('data-add-criterion'));
      found.r.criteria.push({ on: true, added: true, id: uniqueId('added'), text: '', points: 1 });
      renderRows();
      refresh();
    } else if (target.hasAttribute('data-remove-row')) {
      const found = findRow(target.getAttribute('data-remove-row'));
      found.g.rows.splice(found.g.rows.indexOf(found.r), 1);
      state.work.stages.forEach((s) => { s.groups = s.groups.filter((g) => g.rows.length > 0 || !g.id.startsWith('added-group')); });
      renderRows();
      renderAddForm();
      refresh();
    } else if (target.hasAttribute('data-remove-criterion')) {
      const found = findCriterion(target.getAttribute('data-remove-criterion'));
      found.r.criteria.splice(found.r.criteria.indexOf(found.c), 1);
      renderRows();
      refresh();
    }
  });

  app.addEventListener('change', (event) => {
    const t = event.target;
    if (t.id === 'tailor-base') return start(t.value);
    if (t.hasAttribute('data-open-rubric')) return openFile(event);
    if (t.id === 'tailor-add-indicator') return showExplanation();
    if (t.hasAttribute('data-toggle-row')) findRow(t.getAttribute('data-toggle-row')).r.on = t.checked;
    else if (t.hasAttribute('data-toggle-criterion')) findCriterion(t.getAttribute('data-toggle-criterion')).c.on = t.checked;
    else return;
    refresh();
  });

  app.addEventListener('input', (event) => {
    const t = event.target;
    if (t.hasAttribute('data-meta')) {
      const key = t.getAttribute('data-meta');
      state.meta[key] = t.value;
      if (key === 'rationale') state.meta.rationaleEdited = true;
    } else if (t.hasAttribute('data-header')) {
      state.header[t.getAttribute('data-header')] = t.value;
    } else if (t.hasAttribute('data-row-title')) {
      findRow(t.getAttribute('data-row-title')).r.title = t.value;
    } else if (t.hasAttribute('data-criterion-text')) {
      findCriterion(t.getAttribute('data-criterion-text')).c.text = t.value;
    } else if (t.hasAttribute('data-criterion-points')) {
      findCriterion(t.getAttribute('data-criterion-points')).c.points = t.value === '' ? 0 : Number(t.value);
    } else {
      return;
    }
    refresh();
  });

  // #from=ID (choose/ → 以此定制): start from that rubric, but edited work
  // is replaced only if the user agrees, and then kept as a draft.
  const from = /(?:^#|&)from=([a-z0-9-]+)/.exec(window.location.hash);
  state = restore();
  app.hidden = false;
  renderDrafts();
  if (from && rubrics.has(from[1])) {
    if (!state) {
      state = fresh(from[1]);
      renderAll();
    } else {
      renderAll();
      if (!replaceState(fresh(from[1]), `从《${rubrics.get(from[1]).title}》开始定制`)) {
        message(`已保留当前定制《${state.meta.title}》的修改，未从《${rubrics.get(from[1]).title}》重新开始。需要时可在“1. 起始评分表”中切换。`);
      }
    }
    // Answered once: a reload must not ask again.
    history.replaceState(null, '', window.location.pathname + window.location.search);
  } else {
    state = state || fresh('annex-1');
    renderAll();
  }
})();
