/*
 * assessments/outcome/: the page around DudaoOutcome and DudaoOutcomeDoc.
 * Opens an assessment from the workspace (#assessment=<id>) or from a file,
 * shows and prints the 督导意见书 and 整改通知书, downloads them as .docx and
 * .html, keeps the 整改 tracking (saved to the workspace, carried in the
 * exported file, merged back from the institution's file) and shows the 复查.
 *
 * Classic script; hooks are listed in docs/outcomes.md.
 */
(function () {
  'use strict';
  const O = globalThis.DudaoOutcome;
  const D = globalThis.DudaoOutcomeDoc;
  const E = globalThis.DudaoEditorial;
  const X = globalThis.DudaoExchange;
  const W = globalThis.DudaoWorkspace;
  const P = globalThis.DudaoPhotos;
  const { h, fill, download } = globalThis.DudaoDom;

  const app = document.getElementById('outcome-app');
  if (!app) return;
  const root = app.getAttribute('data-root') || '';
  const css = JSON.parse(document.getElementById('doc-css').textContent);
  const $ = (selector, scope) => (scope || document).querySelector(selector);
  const $$ = (selector, scope) => Array.from((scope || document).querySelectorAll(selector));
  const FIELD_LABELS = { deadline: '整改期限', owner: '责任人', status: '状态', note: '整改说明' };

  let doc = null; // the open assessment, photos with base64 `data`
  let stored = false; // true when it lives in the workspace (edits are saved there)
  let earlier = null; // for a 复查: the assessment it follows up
  let earlierStored = false;
  let storageOk = false;
  let findings = null;

  const now = () => new Date().toISOString();
  const today = () => {
    const d = new Date();
    const two = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
  };

  function say(text, kind) {
    const el = $('#outcome-message');
    el.setAttribute('data-kind', kind || 'info');
    el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    fill(el, text);
    el.hidden = false;
  }

  // ---- opening ------------------------------------------------------------

  /** Photos carried as base64 so documents and exports can embed them. */
  async function withPhotoData(d) {
    const photos = Object.create(null);
    for (const [pid, p] of Object.entries(d.photos || {})) {
      photos[pid] = Object.assign({}, p);
      if (p.blob && typeof p.data !== 'string') photos[pid].data = await W.blobToBase64(p.blob);
    }
    return Object.assign({}, d, { format: 'dudao-assessment', version: 2, photos: photos });
  }

  /** A readDocument() result as a document of the workspace's shape. */
  function fromRead(read) {
    return Object.assign(W.documentFrom(read, read.id), { exported_at: read.exported_at, format: 'dudao-assessment', version: 2 });
  }

  async function openFromWorkspace(id) {
    const found = await W.get(id);
    if (!found) {
      say(h('span', {}, `本机没有编号为 ${id} 的评估。请在`, h('a', { href: `${root}assessments/index.html` }, '评估工作台'), '中选择，或打开导出的评估文件。'), 'error');
      return;
    }
    doc = await withPhotoData(found);
    stored = true;
    await findEarlier();
    render();
    fill($('[data-outcome-source]'), `已从评估工作台打开：${W.displayName(doc)}。整改跟踪的修改自动保存在本机。`);
  }

  /**
   * The assessment file chosen in a file input, read and checked (the input
   * is cleared, so that the same file can be chosen again): {file, doc}, or
   * null once `refused(file, message)` has been said as an error.
   */
  async function readChosen(event, refused) {
    const input = event.target;
    const file = input.files && input.files[0];
    input.value = '';
    if (!file) return null;
    const read = await W.readFile(file, {});
    if (!read.ok) {
      say(refused(file, read.message), 'error');
      return null;
    }
    return { file: file, doc: read.doc };
  }

  async function openFile(event) {
    const read = await readChosen(event, (file, message) => `无法打开“${file.name}”：${message}`);
    if (!read) return;
    const file = read.file;
    doc = fromRead(read.doc);
    stored = false;
    if (storageOk && doc.id) {
      const same = await W.get(doc.id);
      if (same) {
        say(`本机评估工作台中已有这份评估（编号 ${doc.id}）。如是被督导机构回传的文件，请在工作台中打开原评估后用“导入回传文件”合并；现按文件内容显示，修改不会自动保存。`);
      }
    }
    await findEarlier();
    render();
    fill($('[data-outcome-source]'), `已打开文件“${file.name}”。本页的修改不会自动保存，请用“导出评估文件”保存。`);
  }

  async function findEarlier() {
    earlier = null;
    earlierStored = false;
    const of = doc.follow_up_of;
    if (!of || !storageOk) return;
    const found = await W.get(of.id);
    if (found) {
      earlier = await withPhotoData(found);
      earlierStored = true;
    }
  }

  async function openEarlierFile(event) {
    const read = await readChosen(event, (file, message) => `无法打开“${file.name}”：${message}`);
    if (!read) return;
    const file = read.file;
    if (read.doc.id !== doc.follow_up_of.id) {
      say(`“${file.name}”不是本次复查对应的原评估（应为编号 ${doc.follow_up_of.id}，文件为 ${read.doc.id}）。`, 'error');
      return;
    }
    earlier = fromRead(read.doc);
    earlierStored = false;
    render();
  }

  // ---- rendering ----------------------------------------------------------

  function render() {
    findings = O.findings(doc);
    if (!findings.ok) {
      $('#outcome-body').hidden = true;
      say(`无法生成文书：${findings.message}`, 'error');
      return;
    }
    if (!doc.rectification) doc.rectification = O.rectification(doc, now());
    findings = O.findings(doc);
    $('#outcome-body').hidden = false;
    const f = findings;
    fill($('[data-outcome-summary]'),
      h('strong', {}, f.institution || '（被督导机构名称未填写）'), `　${f.rubric.title}　督导日期 ${f.date || '未填写'}　`,
      h('span', { class: 'outcome-total', 'data-outcome-total': f.total }, `${f.total} / ${f.max} 分`), '　',
      h('span', { class: 'band', 'data-outcome-band': f.band.id }, E.bandLabel(doc.rubric.bands, f.band), f.vetoed ? '（存在不合格项）' : ''));
    fill($('[data-band-note]'), E.bandNote(doc.rubric.bands, null));
    const warnings = $('[data-warnings]');
    fill(warnings, f.warnings.map((w) => h('li', {}, w)));
    $('#outcome-warnings').hidden = f.warnings.length === 0;
    for (const kind of ['opinion', 'notice']) showDocument(kind);
    renderTracking();
    renderFollowUp();
  }

  /** The document's <article>, parsed from the same HTML the download holds. */
  function showDocument(kind) {
    const parsed = new DOMParser().parseFromString(D.articleHtml(kind, findings), 'text/html');
    const article = document.importNode(parsed.body.firstElementChild, true);
    article.setAttribute('aria-label', D.TITLES[kind]);
    fill($(`[data-doc-preview="${kind}"]`), article);
  }

  function statusSelect(item) {
    return h('select', { id: `item-status-${item.id}`, 'data-item-status': item.id },
      O.STATUSES.map((s) => {
        const option = h('option', { value: s }, O.STATUS_LABELS[s]);
        option.selected = s === item.status;
        return option;
      }));
  }

  function renderTracking() {
    const items = doc.rectification.items;
    const done = O.completion(items);
    const overdue = items.filter((i) => O.isOverdue(i, today())).length;
    fill($('[data-completion]'), `已核验 ${done.verified} / ${done.all} 项（${done.percent}%）`,
      overdue > 0 ? h('span', { class: 'overdue-badge', 'data-overdue-count': overdue }, `${overdue} 项已逾期`) : null);
    if (items.length === 0) {
      fill($('[data-tracking]'), h('p', { class: 'a-empty' }, '本次督导没有需要整改的项目。'));
      return;
    }
    fill($('[data-tracking]'), h('table', { class: 'tracking-table' },
      h('caption', { class: 'visually-hidden' }, '整改项'),
      h('thead', {}, h('tr', {}, [['序号', 'col-no'], ['问题与整改要求', 'col-problem'], ['整改期限', 'col-deadline'], ['责任人', 'col-owner'], ['状态', 'col-status'], ['整改说明与证据', 'col-note']]
        .map(([t, cls]) => h('th', { scope: 'col', class: cls }, t)))),
      h('tbody', {}, items.map((item, i) => {
        const late = O.isOverdue(item, today());
        return h('tr', { 'data-item': item.id, 'data-item-state': item.status, class: late ? 'overdue' : null },
          h('td', { class: 'num' }, i + 1, late ? h('span', { class: 'overdue-badge' }, '已逾期') : null),
          h('td', {}, h('p', {}, h('strong', {}, '问题：'), item.problem), h('p', { class: 'requirement' }, h('strong', {}, '要求：'), item.requirement),
            item.source.kind === 'criterion' && h('p', {}, h('a', { href: `${root}rubrics/${doc.rubric.id}/assess/index.html#criterion-${item.source.id}` }, '在评分表中查看'))),
          h('td', {},
            h('label', { for: `item-deadline-${item.id}`, class: 'visually-hidden' }, `第 ${i + 1} 项整改期限`),
            h('input', { type: 'date', id: `item-deadline-${item.id}`, 'data-item-deadline': item.id, value: item.deadline || '', 'aria-describedby': `item-problem-${item.id}` }),
            h('p', { class: 'item-problem', id: `item-problem-${item.id}`, 'data-item-problem': item.id, 'aria-live': 'polite' })),
          h('td', {},
            h('label', { for: `item-owner-${item.id}`, class: 'visually-hidden' }, `第 ${i + 1} 项责任人`),
            h('input', { type: 'text', id: `item-owner-${item.id}`, 'data-item-owner': item.id, value: item.owner || '', maxlength: 200, autocomplete: 'off' })),
          h('td', {},
            h('label', { for: `item-status-${item.id}`, class: 'visually-hidden' }, `第 ${i + 1} 项状态`),
            statusSelect(item)),
          h('td', {},
            h('label', { for: `item-note-${item.id}`, class: 'visually-hidden' }, `第 ${i + 1} 项整改说明`),
            h('textarea', { id: `item-note-${item.id}`, 'data-item-note': item.id, rows: 2, maxlength: 10000 }, item.note || ''),
            photoList(item),
            h('label', { class: 'photo-add' }, '添加照片', h('input', { type: 'file', accept: 'image/*', multiple: true, 'data-item-photo': item.id }))));
      }))));
  }

  function photoList(item) {
    const list = (item.photos || []).filter((pid) => doc.photos[pid] && doc.photos[pid].data);
    if (list.length === 0) return null;
    return h('div', { class: 'photo-row' }, list.map((pid, k) => h('img', {
      src: `data:${doc.photos[pid].type};base64,${doc.photos[pid].data}`, alt: `整改证据照片 ${k + 1}`, 'data-item-photo-img': pid,
    })));
  }

  function renderFollowUp() {
    const box = $('[data-followup]');
    const of = doc.follow_up_of;
    if (!of) {
      fill(box,
        h('p', {}, '整改期满后，可从本评估开始一次复查：新建同一评分表的评估，先检查本评估的整改项，再看总分和等级的变化。'),
        h('button', { type: 'button', class: 'button', 'data-action': 'start-follow-up', disabled: !storageOk || !stored }, '开始复查'),
        !stored && h('p', { class: 'hint' }, '复查需要先把本评估存入评估工作台（在工作台中导入此文件）。'));
      return;
    }
    if (!earlier) {
      fill(box,
        h('p', {}, `本评估是对评估 ${of.id} 的复查（原得分 ${of.total === null ? '未知' : of.total} 分）。本机没有原评估，请打开原评估的导出文件以对照整改项：`),
        h('p', { class: 'file-field' }, h('label', { for: 'earlier-file' }, '打开原评估文件'),
          h('input', { type: 'file', id: 'earlier-file', accept: '.json,application/json', 'data-action': 'open-earlier' })));
      return;
    }
    const result = O.followUpResult(doc, earlier);
    if (!result.ok) {
      fill(box, h('p', { class: 'outcome-message', 'data-kind': 'error' }, result.message));
      return;
    }
    const label = { closed: '已整改到位', open: '未整改到位', unchecked: '尚未复查' };
    const delta = result.total.delta === null ? '' : `${result.total.delta > 0 ? '+' : result.total.delta < 0 ? '−' : ''}${Math.abs(result.total.delta)}`;
    fill(box,
      h('p', { class: 'followup-summary' },
        `原评估 ${result.total.before === null ? '—' : result.total.before} 分（`, E.bandLabel(doc.rubric.bands, { id: result.band.before, label: result.band.beforeLabel }),
        `）→ 复查 ${result.total.after} 分（`, E.bandLabel(doc.rubric.bands, { id: result.band.after, label: result.band.afterLabel }), '），',
        h('span', { 'data-followup-delta': '' }, `总分变化 ${delta || '0'} 分`), '。'),
      h('p', { class: 'completion', 'data-followup-rate': result.percent }, `整改完成率：${result.closed} / ${result.all} 项已整改到位（${result.percent}%）`, result.complete ? '' : '（复查尚未评完，为暂定）'),
      h('table', { class: 'tracking-table' },
        h('caption', {}, '先检查的整改项（原评估的整改项）'),
        h('thead', {}, h('tr', {}, ['序号', '整改项', '复查结果', '结论'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, result.rows.map((row, i) => h('tr', { 'data-follow-item': row.id, 'data-follow-state': row.state },
          h('td', { class: 'num' }, i + 1),
          h('td', {}, row.item ? row.item.problem : row.id, row.kind === 'criterion' && h('p', {}, h('a', { href: `${root}rubrics/${doc.rubric.id}/assess/index.html#criterion-${row.source}` }, '到评分表中检查'))),
          h('td', {}, row.now),
          h('td', {}, h('span', { class: 'follow-' + row.state }, label[row.state])))))),
      h('button', { type: 'button', class: 'button', 'data-action': 'verify', disabled: result.closed === 0 },
        earlierStored ? '将已整改到位的项在原评估中标记为“已核验”' : '将已整改到位的项标记为“已核验”并导出原评估文件'));
  }

  // ---- tracking edits -----------------------------------------------------

  let saving = Promise.resolve();
  function save(what) {
    if (!stored) {
      say(`${what}（本页打开的是文件，修改未自动保存：请用“导出评估文件”保存。）`);
      return saving;
    }
    saving = saving.then(() => W.put(doc)).then(() => say(`${what}，已保存在本机。`)).catch(() => say('保存失败（存储空间可能已满），请导出评估文件。', 'error'));
    return saving;
  }

  function itemById(id) {
    return doc.rectification.items.find((i) => i.id === id);
  }

  function touch(item) {
    item.updated_at = now();
    item.by = (doc.assessors && doc.assessors[0]) || item.by || '';
  }

  function onChange(event) {
    const t = event.target;
    const id = t.getAttribute('data-item-deadline') || t.getAttribute('data-item-owner') || t.getAttribute('data-item-status') || t.getAttribute('data-item-note');
    if (!id) return;
    const item = itemById(id);
    if (!item) return;
    if (t.hasAttribute('data-item-deadline')) {
      const problem = O.deadlineProblem(t.value, findings.date);
      const out = $(`[data-item-problem="${id}"]`);
      if (problem) {
        out.textContent = `${problem}此期限未采用。`;
        out.setAttribute('role', 'alert');
        t.setAttribute('aria-invalid', 'true');
        return;
      }
      out.textContent = '';
      out.removeAttribute('role');
      t.removeAttribute('aria-invalid');
      item.deadline = t.value || null;
    } else if (t.hasAttribute('data-item-owner')) {
      item.owner = t.value.trim();
    } else if (t.hasAttribute('data-item-status')) {
      item.status = t.value;
    } else {
      item.note = t.value;
    }
    touch(item);
    save('已更新整改项');
    findings = O.findings(doc);
    for (const kind of ['opinion', 'notice']) showDocument(kind);
    if (t.hasAttribute('data-item-status') || t.hasAttribute('data-item-deadline')) {
      const focus = t.id;
      renderTracking();
      const again = document.getElementById(focus);
      if (again) again.focus();
    }
  }

  async function addItemPhotos(event) {
    const input = event.target;
    const id = input.getAttribute('data-item-photo');
    const item = itemById(id);
    const files = Array.from(input.files || []);
    input.value = '';
    for (const file of files) {
      try {
        const p = await P.prepare(file);
        const pid = P.newId();
        doc.photos[pid] = { type: p.type, width: p.width, height: p.height, bytes: p.bytes, caption: `整改证据：${file.name}`.slice(0, 200), added_at: now(), by: '', blob: p.blob, data: await W.blobToBase64(p.blob) };
        item.photos = (item.photos || []).concat(pid);
      } catch (error) {
        say(error.message || String(error), 'error');
        return;
      }
    }
    touch(item);
    renderTracking();
    save(`已为整改项添加 ${files.length} 张照片`);
  }

  // ---- files --------------------------------------------------------------

  function exportName(d) {
    const fields = d.rubric.header_fields || [];
    const org = (fields.length ? d.header[fields[0]] || '' : '').replace(/[\\/:*?"<>|\s]+/g, '').slice(0, 30);
    return ['评估', d.rubric.id, org, today()].filter(Boolean).join('-') + '.json';
  }

  function exportDoc(d) {
    const out = X.toExport(d.rubric, { header: d.header, answers: d.answers, veto: d.veto }, now(), d);
    if (!out.ok) {
      say(`无法导出：评估中有 ${out.problems.length} 项“基本符合”缺少得分或理由，请先在评分表中补全。`, 'error');
      return false;
    }
    download(exportName(d), 'application/json', JSON.stringify(out.data, null, 2) + '\n');
    return true;
  }

  async function importTracking(event) {
    const read = await readChosen(event, (file, message) => `导入失败：${message}整改跟踪未作任何更改。`);
    if (!read) return;
    const file = read.file;
    if (read.doc.id !== doc.id) {
      say(`导入失败：“${file.name}”是另一份评估（编号 ${read.doc.id}），不是本评估（编号 ${doc.id}）的回传文件。整改跟踪未作任何更改。`, 'error');
      return;
    }
    if (!read.doc.rectification) {
      say(`“${file.name}”中没有整改跟踪记录，整改跟踪未作任何更改。`, 'error');
      return;
    }
    const merged = O.mergeTracking(doc.rectification, read.doc.rectification, (c) => (window.confirm(
      `整改项“${c.item.problem.slice(0, 40)}”的${FIELD_LABELS[c.field]}两边不同：\n本机：${show(c.field, c.local)}\n回传文件：${show(c.field, c.incoming)}\n\n采用回传文件的值吗？（取消则保留本机的值）`) ? 'incoming' : 'local'));
    for (const item of merged.rectification.items) {
      for (const pid of item.photos || []) {
        if (!doc.photos[pid] && read.doc.photos[pid]) doc.photos[pid] = Object.assign({}, read.doc.photos[pid]);
      }
    }
    doc.rectification = merged.rectification;
    render();
    await save(`已合并“${file.name}”的整改情况：更新 ${merged.changed.length} 项，新增 ${merged.added.length} 项，${merged.conflicts.length} 处不同已按您的选择处理`);
  }

  function show(field, value) {
    if (field === 'status') return O.STATUS_LABELS[value] || String(value);
    return value ? String(value) : '（空）';
  }

  async function startFollowUp() {
    const out = O.startFollowUp(doc, { id: X.newId(now()), now: now(), assessors: doc.assessors });
    if (!out.ok) {
      say(out.message, 'error');
      return;
    }
    await W.put(out.doc);
    location.href = `${root}rubrics/${doc.rubric.id}/assess/index.html#assessment=${out.doc.id}`;
  }

  async function verify() {
    const result = O.followUpResult(doc, earlier);
    if (!earlier.rectification) earlier.rectification = O.rectification(earlier, now());
    const before = O.completion(earlier.rectification.items);
    earlier.rectification = O.verifyClosed(earlier.rectification, result, now(), (doc.assessors && doc.assessors[0]) || '');
    const after = O.completion(earlier.rectification.items);
    if (earlierStored) {
      await W.put(earlier);
      say(`已在原评估中将 ${after.verified - before.verified} 项标记为“已核验”（已核验 ${after.verified} / ${after.all} 项，${after.percent}%）。`);
    } else if (exportDoc(earlier)) {
      say(`已将 ${after.verified - before.verified} 项标记为“已核验”并导出原评估文件（已核验 ${after.verified} / ${after.all} 项，${after.percent}%）。`);
    }
  }

  async function downloadDocument(kind, format) {
    if (format === 'html') {
      download(D.fileName(kind, findings, 'html'), 'text/html;charset=utf-8', D.standaloneHtml(kind, findings, css));
    } else {
      const bytes = await D.docx(kind, findings);
      download(D.fileName(kind, findings, 'docx'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes);
    }
    say(`已下载${D.TITLES[kind]}（${format === 'html' ? 'HTML' : 'Word'}）。`);
  }

  function printDocument(kind) {
    document.body.setAttribute('data-print-doc', kind);
    const box = $(`[data-doc-section="${kind}"] details`);
    if (box) box.open = true;
    window.print();
  }

  // ---- start --------------------------------------------------------------

  app.addEventListener('change', (event) => {
    const t = event.target;
    if (t.matches('[data-action="open-file"]')) openFile(event);
    else if (t.matches('[data-action="import-tracking"]')) importTracking(event);
    else if (t.matches('[data-action="open-earlier"]')) openEarlierFile(event);
    else if (t.matches('[data-item-photo]')) addItemPhotos(event);
    else onChange(event);
  });
  app.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    const action = button.getAttribute('data-action');
    const kind = button.getAttribute('data-kind');
    if (action === 'print') printDocument(kind);
    else if (action === 'docx' || action === 'html') downloadDocument(kind, action);
    else if (action === 'export') {
      if (exportDoc(doc)) say('已导出评估文件（含整改跟踪），可交被督导机构更新后回传。');
    } else if (action === 'start-follow-up') startFollowUp();
    else if (action === 'verify') verify().then(render);
  });
  window.addEventListener('afterprint', () => document.body.removeAttribute('data-print-doc'));

  (async () => {
    storageOk = Boolean(W) && await W.available();
    const match = /(?:^#|&)assessment=([0-9a-z-]+)/.exec(location.hash);
    if (match && storageOk) await openFromWorkspace(match[1]);
    else if (match) say('此浏览器不允许在本机保存评估（IndexedDB 不可用），请打开导出的评估文件。', 'error');
  })().catch((error) => say(`打开评估失败：${error.message || error}`, 'error')).finally(() => app.setAttribute('data-ready', ''));
})();
