/*
 * assessments/: the workspace page (评估工作台). Lists every assessment in
 * the browser (DudaoWorkspace) and runs its actions: open (on the rubric's
 * own assess page when this site has that rubric, else on
 * assessments/form/), duplicate, rename, delete (asks first), export; opens
 * a file from someone else; merges a team's files (DudaoMerge) with one
 * decision per conflict. Hooks (docs/assessment.md): [data-assessment-list],
 * [data-assessment-id], input[data-open-assessment], input[data-merge],
 * [data-conflict].
 *
 * Classic script; needs scoring.js, exchange.js, workspace.js, merge.js,
 * dom.js (and rubric-rules.js, tailor-model.js for reading files).
 */
(function () {
  'use strict';
  const W = globalThis.DudaoWorkspace;
  const Merge = globalThis.DudaoMerge;
  const { h, fill, download } = globalThis.DudaoDom;

  const app = document.getElementById('workspace-app');
  if (!app) return;
  const root = app.getAttribute('data-root') || '';
  const siteRubrics = JSON.parse(document.getElementById('site-rubrics').textContent);
  const $ = (selector, scope) => (scope || document).querySelector(selector);
  const BANDS = { excellent: '优良', pass: '合格', fail: '不合格' };

  function say(content, kind) {
    const el = $('#workspace-message');
    el.setAttribute('data-kind', kind || 'info');
    el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    fill(el, content);
    el.hidden = false;
  }

  /** Where an assessment opens: its rubric's own page when this site has that exact rubric. */
  function openUrl(summary) {
    const own = siteRubrics.find((r) => r.id === summary.rubric.id && r.content_hash === summary.rubric.content_hash);
    return own
      ? `${root}rubrics/${own.id}/assess/index.html#assessment=${summary.id}`
      : `${root}assessments/form/index.html#assessment=${summary.id}`;
  }

  function rubricNote(summary) {
    if (siteRubrics.some((r) => r.id === summary.rubric.id && r.content_hash === summary.rubric.content_hash)) return '';
    if (siteRubrics.some((r) => r.id === summary.rubric.id)) return '（本评分表的其他版本）';
    return '（本站没有的评分表，评分表随评估保存）';
  }

  function formatTime(iso) {
    const d = new Date(iso);
    if (!iso || Number.isNaN(d.getTime())) return '—';
    const two = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
  }

  function headerValue(summary, test) {
    const key = Object.keys(summary.header || {}).find(test);
    return key ? summary.header[key] : '';
  }

  function title(summary) {
    return W.displayName({ name: summary.name, rubric: { title: summary.rubric.title, header_fields: Object.keys(summary.header || {}) }, header: summary.header || {} });
  }

  function mb(bytes) {
    return bytes === null || bytes === undefined ? '—' : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  }

  // ---- the list --------------------------------------------------------------

  async function render() {
    const list = await W.list();
    const box = $('[data-assessment-list]');
    if (list.length === 0) {
      fill(box, h('p', { class: 'hint', 'data-assessment-empty': '' }, '本机还没有保存的评估。在任一评分表的“在线评分”页面开始评分，或在上面打开评估文件。'));
    } else {
      fill(box, h('ul', { class: 'assessment-list' }, list.map((s) => {
        const t = s.totals || {};
        const org = headerValue(s, (k) => k.includes('机构') && k.includes('名称')) || headerValue(s, (k) => k.includes('机构'));
        const date = headerValue(s, (k) => k.includes('日期'));
        return h('li', { class: 'assessment-card', 'data-assessment-id': s.id },
          h('h3', {}, h('a', { href: openUrl(s), 'data-open': s.id }, title(s))),
          h('p', { class: 'meta' }, h('span', {}, `评分表：${s.rubric.title}${s.rubric.label ? `（${s.rubric.label}）` : ''}`), h('span', { class: 'note' }, rubricNote(s))),
          h('dl', { class: 'facts' },
            fact('机构', org || '未填'),
            fact('督导日期', date || '未填'),
            fact('评分人', s.assessors && s.assessors.length ? s.assessors.join('、') : '未署名'),
            fact('总分', `${t.total ?? 0} / ${t.max ?? 100}`, { 'data-assessment-total': '' }),
            fact('结论', [t.vetoed ? '不合格（存在不合格项）' : BANDS[t.band] || '—',
              // 合格 is dudao's name, not the notice's: marked as on every page.
              !t.vetoed && t.band === 'pass' ? globalThis.DudaoEditorial.bandMark() : null,
              s.complete ? '' : '（暂定）'], { 'data-assessment-band': t.band || '' }),
            fact('进度', `已评 ${t.answered ?? 0} / ${t.criteria ?? 0} 项`),
            fact('照片', `${s.photos} 张`),
            s.rectification_summary ? fact('整改', `已核验 ${s.rectification_summary.verified} / ${s.rectification_summary.items} 项`, { 'data-assessment-rectification': '' }) : null,
            fact('修改时间', formatTime(s.updated_at))),
          s.merged_from && s.merged_from.length ? h('p', { class: 'hint' }, `由 ${s.merged_from.length} 份评估合并而成。`) : null,
          s.migrated_from ? h('p', { class: 'hint' }, '从旧版本地存储自动迁移（原数据仍保留在浏览器中）。') : null,
          h('p', { class: 'actions' },
            h('a', { class: 'button button-primary', href: openUrl(s) }, '打开'),
            h('a', { class: 'button', href: `${root}assessments/outcome/index.html#assessment=${s.id}`, 'data-outcome': s.id }, '意见书与整改'),
            h('button', { type: 'button', class: 'button', 'data-ws-action': 'export', 'data-id': s.id }, '导出'),
            h('button', { type: 'button', class: 'button', 'data-ws-action': 'duplicate', 'data-id': s.id }, '复制'),
            h('button', { type: 'button', class: 'button', 'data-ws-action': 'rename', 'data-id': s.id }, '重命名'),
            h('button', { type: 'button', class: 'button button-danger', 'data-ws-action': 'delete', 'data-id': s.id }, '删除')));
      })));
    }
    await renderUsage();
  }

  function fact(label, value, attrs) {
    return h('div', {}, h('dt', {}, label), h('dd', attrs || {}, value));
  }

  async function renderUsage() {
    const u = await W.usage();
    const room = u.quota !== null && u.usage !== null ? `；浏览器为本站提供的空间约 ${mb(u.quota)}，已用 ${mb(u.usage)}，尚余约 ${mb(u.quota - u.usage)}` : '';
    $('[data-usage]').textContent = `本机保存了 ${u.assessments} 份评估、${u.photos} 张照片，约 ${mb(u.bytes)}${room}。`;
  }

  async function onAction(event) {
    const button = event.target.closest('[data-ws-action]');
    if (!button) return;
    const id = button.getAttribute('data-id');
    const action = button.getAttribute('data-ws-action');
    const doc = await W.get(id);
    if (!doc) return say('该评估已不存在。', 'error');
    const name = W.displayName(doc);
    if (action === 'delete') {
      if (!window.confirm(`确定要删除评估“${name}”吗？删除后无法恢复。如需保留，请先导出。`)) return;
      await W.remove(id);
      say(`已删除评估“${name}”。`);
    } else if (action === 'duplicate') {
      const copy = await W.duplicate(id);
      say(`已复制为“${name} 副本”。`);
      await render();
      const card = $(`[data-assessment-id="${copy}"] a`);
      if (card) card.focus();
      return;
    } else if (action === 'rename') {
      const next = window.prompt('新的名称：', doc.name || name);
      if (next === null) return;
      doc.name = next.trim().slice(0, 200);
      await W.put(doc, { keepTime: false });
      say(`已重命名为“${W.displayName(doc)}”。`);
    } else if (action === 'export') {
      const out = await W.toFile(id);
      if (!out.ok) {
        return say(h('span', {}, `无法导出“${name}”：有 ${out.problems.length} 项“基本符合”的得分或理由需要先补全。`, h('a', { href: openUrl({ id, rubric: doc.rubric }) }, '打开评估补全')), 'error');
      }
      download(out.name, 'application/json', JSON.stringify(out.data, null, 2) + '\n');
      say(`已导出“${name}”。`);
      return;
    }
    await render();
  }

  // ---- open a file -------------------------------------------------------------

  async function openFile(event) {
    const input = event.target;
    const file = input.files && input.files[0];
    input.value = '';
    if (!file) return;
    const read = await W.fromFile(file, { rubrics: siteRubrics });
    if (!read.ok) return say(`无法打开“${file.name}”：${read.message}本机保存的评估未作任何更改。`, 'error');
    await render();
    const summary = { id: read.id, rubric: read.doc.rubric };
    say(h('span', { 'data-opened': read.id },
      `已打开“${file.name}”（评分表“${read.doc.rubric.title}”）并保存到本机${read.renamed ? '；本机已有同一编号的评估，这份另存为新的一份' : ''}。`,
      h('a', { href: openUrl(summary) }, '打开评分')));
  }

  // ---- team merge ----------------------------------------------------------------

  let pendingMerge = null;

  async function mergeFiles(event) {
    const input = event.target;
    const files = Array.from(input.files || []);
    input.value = '';
    const body = $('[data-merge-body]');
    fill(body);
    pendingMerge = null;
    if (files.length < 2) return say('请至少选择两份评估文件进行合并（按住 Ctrl 或 Shift 多选）。', 'error');
    const sources = [];
    for (const file of files) {
      const read = await W.readFile(file, { rubrics: siteRubrics });
      if (!read.ok) return say(`无法合并：“${file.name}”${read.message}本机保存的评估未作任何更改。`, 'error');
      sources.push({ file: file.name, doc: read.doc });
    }
    const result = Merge.merge(sources);
    if (!result.ok) return say(`无法合并：${result.message}`, 'error');
    pendingMerge = result;
    const header = h('p', {}, `已读取 ${files.length} 份文件（评分表“${result.rubric.title}”，评分人：${result.merged.assessors.join('、') || '未署名'}）。`,
      result.conflicts.length
        ? `有 ${result.conflicts.length} 处评得不同，请逐项选定后保存。`
        : '没有评得不同的项目，可以直接保存。');
    const conflicts = result.conflicts.map((c, n) => h('fieldset', { class: 'conflict', 'data-conflict': c.kind === 'answer' ? c.id : `${c.kind}:${c.id}` },
      h('legend', {}, `${n + 1}. ${c.title}`),
      c.candidates.map((candidate, i) => h('p', { class: 'check' },
        h('input', { type: 'radio', name: `conflict-${n}`, id: `conflict-${n}-${i}`, value: String(i), 'data-conflict-key': Merge.conflictKey(c) }),
        h('label', { for: `conflict-${n}-${i}` }, candidate.label)))));
    fill(body, header, conflicts,
      h('p', {}, h('button', { type: 'button', class: 'button button-primary', 'data-merge-save': '' }, '保存合并结果')));
    say(`已读取 ${files.length} 份待合并的文件。`);
  }

  async function saveMerge() {
    if (!pendingMerge) return;
    const picks = {};
    for (const radio of document.querySelectorAll('[data-merge-body] input[type=radio]:checked')) {
      picks[radio.getAttribute('data-conflict-key')] = Number(radio.value);
    }
    const done = Merge.resolve(pendingMerge, picks);
    if (!done.ok) {
      const first = done.missing[0];
      say(`还有 ${done.missing.length} 处未选定，例如“${first.title.slice(0, 60)}”。请为每一处选定一个结果。`, 'error');
      const el = document.querySelector(`[data-merge-body] input[data-conflict-key="${CSS.escape(Merge.conflictKey(first))}"]`);
      if (el) el.focus();
      return;
    }
    await W.put(done.doc);
    pendingMerge = null;
    fill($('[data-merge-body]'));
    await render();
    say(h('span', { 'data-merged': done.doc.id }, `已合并并保存为“${done.doc.name}”：总分 ${done.doc.totals.total} 分。`,
      h('a', { href: openUrl({ id: done.doc.id, rubric: done.doc.rubric }) }, '打开查看')));
  }

  // ---- start ----------------------------------------------------------------------

  async function start() {
    if (!(await W.available())) {
      fill($('[data-assessment-list]'), h('p', { class: 'workspace-message', 'data-kind': 'error', 'data-storage-unavailable': '' },
        '此浏览器不允许本站使用本机存储（IndexedDB），例如处于隐私浏览模式。评估工作台无法保存评估；请在各评分表的“在线评分”页面评分，并用“导出 JSON”保存文件。'));
      for (const input of document.querySelectorAll('[data-open-assessment], [data-merge]')) input.disabled = true;
      app.setAttribute('data-ready', '');
      return;
    }
    let migrated = { migrated: 0, left: 0 };
    try {
      migrated = await W.migrate(siteRubrics);
    } catch (_) { /* the old keys stay in localStorage */ }
    await render();
    if (migrated.migrated > 0) say(`已把本机旧版保存的 ${migrated.migrated} 份评估迁移到评估工作台（原数据仍保留）。`);
    if (migrated.left > 0) say(`本机另有 ${migrated.left} 份旧版保存的评估，其评分表不在本站，无法显示；数据仍完整保留在浏览器中。`);
    app.addEventListener('click', (event) => {
      if (event.target.closest('[data-merge-save]')) saveMerge();
      else onAction(event);
    });
    $('[data-open-assessment]').addEventListener('change', openFile);
    $('[data-merge]').addEventListener('change', mergeFiles);
    app.setAttribute('data-ready', '');
  }

  start().catch((error) => {
    say(`评估工作台出错：${error && error.message ? error.message : error}`, 'error');
    app.setAttribute('data-ready', '');
  });
})();
