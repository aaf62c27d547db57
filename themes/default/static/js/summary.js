/*
 * 督导汇总 page (summary/): opens many assessment files (file picker, folder
 * picker, drag-and-drop of files or whole folders), reads them with
 * DudaoSummaryModel one at a time, yielding to the browser between batches so
 * thousands of files keep the page responsive, then draws the table, the
 * band chart (SVG), the heat map and the ranking. Exports .xlsx (DudaoZip),
 * CSV and the aggregates as JSON. Nothing leaves the browser.
 *
 * Classic script; hooks for tests and tools: #summary-app[data-ready] once a
 * load has finished, [data-band-bar=KEY][data-count], [data-heat] cells
 * [data-institution] × [data-indicator] with data-lost, [data-rank],
 * [data-refused=KIND], [data-action=…] (docs/summary.md). With the workspace
 * (DudaoWorkspace) it also reads every stored assessment, and a drill-down
 * opens an institution's assessment there.
 */
(function () {
  'use strict';
  const M = globalThis.DudaoSummaryModel;
  const { h, fill } = globalThis.DudaoDom;
  const app = document.getElementById('summary-app');
  if (!app || !M) return;
  const data = JSON.parse(document.getElementById('summary-data').textContent);
  const indicatorTitles = new Map(data.indicators.map((i) => [i.number, i.title]));
  const root = (document.querySelector('link[rel=stylesheet][href$="static/css/summary.css"]').getAttribute('href') || '').replace(/static\/css\/summary\.css$/, '');
  const $ = (sel) => app.querySelector(sel);
  const message = document.getElementById('summary-message');
  const result = document.getElementById('summary-result');

  const state = {
    rubrics: new Map(),
    accepted: [],
    refused: [],
    /** Which accepted file names came from where (a File, for a later import). */
    sources: new Map(),
    summary: null,
    sort: { column: 5, descending: true },
    busy: false,
  };

  function say(text, kind) {
    message.textContent = text;
    if (kind) message.dataset.kind = kind;
    else delete message.dataset.kind;
  }

  // ---- reading -------------------------------------------------------------

  const yieldToBrowser = () => new Promise((resolve) => setTimeout(resolve, 0));

  /** items: [{name, file}] (File objects, not yet read). */
  async function load(items) {
    if (state.busy) {
      say('上一批文件还在读取，请稍候。', 'error');
      return;
    }
    state.busy = true;
    delete app.dataset.ready;
    const line = $('[data-progress-line]');
    const bar = $('[data-progress]');
    const label = $('[data-progress-text]');
    line.hidden = false;
    bar.max = Math.max(1, items.length);
    const started = performance.now();
    let lastYield = performance.now();
    try {
      // Reads are started a few at a time (the browser fetches file bytes
      // asynchronously), checked one by one; at most BATCH texts are alive.
      const BATCH = 16;
      const readOne = ({ name, file }) => {
        if (file.size > M.MAX_FILE_BYTES) return Promise.resolve({ name, refusal: M.tooLarge(file.size) });
        return file.text().then((text) => ({ name, file, text }), (error) => ({
          name,
          refusal: error instanceof Incomplete
            ? { kind: 'schema', message: '草稿：有“基本符合”尚未填写得分或理由，完成后才能汇总。' }
            : { kind: 'io', message: '无法读取该文件（可能已被移动或没有权限）。' },
        }));
      };
      for (let start = 0; start < items.length; start += BATCH) {
        const batch = await Promise.all(items.slice(start, start + BATCH).map(readOne));
        for (const got of batch) {
          if (got.refusal) {
            state.refused.push({ file: got.name, kind: got.refusal.kind, message: got.refusal.message });
            continue;
          }
          const read = M.readText(got.text, state.rubrics);
          if (read.ok) {
            state.accepted.push({ file: got.name, record: read.record });
            state.sources.set(got.name, got.file);
          } else {
            state.refused.push({ file: got.name, kind: read.kind, message: read.message });
          }
        }
        if (performance.now() - lastYield > 50) {
          const done = Math.min(items.length, start + BATCH);
          bar.value = done;
          label.textContent = `已读取 ${done} / ${items.length} 个文件`;
          await yieldToBrowser();
          lastYield = performance.now();
        }
      }
      app.dataset.readMs = String(Math.round(performance.now() - started));
      bar.value = items.length;
      label.textContent = `已读取 ${items.length} 个文件`;
      state.summary = M.summarize(state.accepted, state.refused, state.rubrics);
      const drawing = performance.now();
      render();
      app.dataset.renderMs = String(Math.round(performance.now() - drawing));
      const s = state.summary.files;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      say(`读取 ${items.length} 个文件（${seconds} 秒）：共采用 ${s.accepted} 份评估，未采用 ${s.refused.length + s.duplicates.length} 个（原因见文末）。`,
        s.accepted === 0 && s.refused.length > 0 ? 'error' : null);
    } catch (error) {
      say(`汇总时出错：${error && error.message ? error.message : error}。已读取的结果保留。`, 'error');
    } finally {
      state.busy = false;
      line.hidden = true;
      app.dataset.ready = String(Date.now());
      app.dataset.loadMs = String(Math.round(performance.now() - started));
    }
  }

  function fromInput(input, folder) {
    const items = Array.from(input.files, (file) => ({ name: (folder && file.webkitRelativePath) || file.name, file }));
    input.value = '';
    return folder ? items.filter((item) => /\.json$/i.test(item.name)) : items;
  }

  /** Every file under a dropped entry (folders recursively; only *.json inside folders). */
  async function walk(entry, out, inFolder) {
    if (entry.isFile) {
      if (inFolder && !/\.json$/i.test(entry.name)) return;
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
      out.push({ name: entry.fullPath.replace(/^\//, ''), file });
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, out, true);
      }
    }
  }

  const drop = document.getElementById('summary-drop');
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.dataset.over = '';
  });
  drop.addEventListener('dragleave', () => delete drop.dataset.over);
  drop.addEventListener('drop', async (event) => {
    event.preventDefault();
    delete drop.dataset.over;
    const entries = Array.from(event.dataTransfer.items || [])
      .map((item) => (item.webkitGetAsEntry ? item.webkitGetAsEntry() : null))
      .filter(Boolean);
    const items = [];
    try {
      if (entries.length > 0) {
        for (const entry of entries) await walk(entry, items, false);
      } else {
        for (const file of event.dataTransfer.files) items.push({ name: file.name, file });
      }
    } catch (_) {
      say('无法读取拖入的文件夹，请改用“选择文件夹”。', 'error');
      return;
    }
    load(items);
  });
  // ---- the workspace (评估工作台) ---------------------------------------------

  const W = globalThis.DudaoWorkspace;
  const workspaceButton = $('[data-action="open-workspace"]');
  if (W) {
    W.available().then((ok) => {
      workspaceButton.hidden = !ok;
    });
  }

  /** Every stored assessment, as the export file it would make (drafts with an unfinished 基本符合 are listed as such). */
  async function loadWorkspace() {
    const summaries = await W.list();
    if (summaries.length === 0) {
      say('评估工作台中还没有评估。');
      return;
    }
    const items = summaries.map((s) => ({
      name: `工作台：${s.name || s.rubric.title}（${s.id}）`,
      workspaceId: s.id,
      file: {
        size: 0,
        async text() {
          const out = await W.toFile(s.id);
          if (!out.ok) throw new Incomplete();
          return JSON.stringify(out.data);
        },
      },
    }));
    await load(items);
  }
  class Incomplete extends Error {}
  workspaceButton.addEventListener('click', () => loadWorkspace().catch(() => say('无法读取评估工作台。', 'error')));

  /**
   * Opens an institution's latest assessment: from the workspace when it is
   * there (by id), else imported from its file first (the workspace never
   * overwrites: an id it already holds is opened as stored).
   */
  async function openInWorkspace(button) {
    const { file, id, rubric: rubricId, hash } = button.dataset;
    const own = data.rubrics.some((x) => x.id === rubricId && x.content_hash === hash);
    const go = (stored) => {
      window.location.href = own
        ? `${root}rubrics/${rubricId}/assess/index.html#assessment=${stored}`
        : `${root}assessments/form/index.html#assessment=${stored}`;
    };
    if (await W.get(id)) {
      go(id);
      return;
    }
    const source = state.sources.get(file);
    if (!source || typeof source.arrayBuffer !== 'function') {
      say('找不到这份评估的文件，请重新打开它。', 'error');
      return;
    }
    const imported = await W.fromFile(source);
    if (!imported.ok) {
      say(`无法导入评估工作台：${imported.message}`, 'error');
      return;
    }
    go(imported.id);
  }

  // Set here, not in the HTML: `webkitdirectory` is not in the HTML standard
  // (the validator refuses it) but every current browser honours it.
  $('[data-action="open-folder"]').webkitdirectory = true;
  $('[data-action="open-files"]').addEventListener('change', (event) => load(fromInput(event.target, false)));
  $('[data-action="open-folder"]').addEventListener('change', (event) => load(fromInput(event.target, true)));
  $('[data-action="clear"]').addEventListener('click', () => {
    if (state.busy) return;
    state.rubrics = new Map();
    state.accepted = [];
    state.refused = [];
    state.sources = new Map();
    state.summary = null;
    result.hidden = true;
    say('已清空汇总（只清空本页，文件本身未受影响）。');
  });

  // ---- drawing -------------------------------------------------------------

  const BAND_TEXT = M.BAND_LABELS;
  const points = (n) => String(n);

  function render() {
    const s = state.summary;
    result.hidden = false;
    fill($('[data-counts]'),
      `共读取 ${s.files.read} 个文件：采用 ${s.files.accepted} 份评估，未采用 ${s.files.refused.length} 个，重复 ${s.files.duplicates.length} 个。`);
    const rubricSelect = $('[data-filter="rubric"]');
    fill(rubricSelect, h('option', { value: '' }, '全部'),
      s.rubrics.map((r) => h('option', { value: r.sheet }, `${r.title}（${r.sheet}）`)));
    const regions = Array.from(new Set(s.rubrics.flatMap((r) => r.institutions.map((i) => i.region)).filter(Boolean))).sort();
    $('[data-region-filter]').hidden = regions.length === 0;
    fill($('[data-filter="region"]'), h('option', { value: '' }, '全部'), regions.map((r) => h('option', { value: r }, r)));
    renderTable();
    fill($('[data-rubrics]'), s.rubrics.map(rubricSection));
    fill($('[data-problems]'), problems(s));
  }

  /** Each institution row of the table: [rubric, institution, cells]. */
  function tableEntries() {
    const rows = [];
    for (const r of state.summary.rubrics) {
      for (const inst of r.institutions) {
        rows.push({
          rubric: r, inst,
          cells: [r.id, inst.name, inst.filing_number, inst.region, inst.date, inst.total, inst.max, M.bandLabel(inst),
            M.vetoLabel(r, inst), `${inst.answered}/${inst.criteria}`,
            inst.rectification ? `${inst.rectification.done}/${inst.rectification.items}` : '',
            inst.change === null ? '' : inst.change, inst.timeline.length],
        });
      }
    }
    return rows;
  }

  function filters() {
    const value = (k) => $(`[data-filter="${k}"]`).value;
    return { band: value('band'), rubric: value('rubric'), from: value('from'), to: value('to'), region: value('region') };
  }

  function renderTable() {
    const f = filters();
    const bandKey = (inst) => (inst.vetoed.length > 0 ? 'fail-veto' : inst.band);
    let rows = tableEntries().filter(({ rubric, inst }) => (!f.band || bandKey(inst) === f.band)
      && (!f.rubric || rubric.sheet === f.rubric)
      && (!f.from || inst.date >= f.from) && (!f.to || inst.date <= f.to)
      && (!f.region || inst.region === f.region));
    const { column, descending } = state.sort;
    const compare = (a, b) => {
      const x = a.cells[column];
      const y = b.cells[column];
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'zh-CN');
      return descending ? -order : order;
    };
    rows = rows.slice().sort(compare);
    const table = $('[data-table]');
    fill(table.querySelector('thead'), h('tr', null, M.TABLE_COLUMNS.map((name, i) => h('th', {
      scope: 'col',
      'data-label': name,
      'aria-sort': i === column ? (descending ? 'descending' : 'ascending') : null,
    }, h('button', { type: 'button', 'data-sort': i }, name)))));
    fill(table.querySelector('tbody'), rows.map(({ rubric, inst, cells }) => h('tr', { 'data-institution': inst.key, 'data-band': bandKey(inst) },
      cells.map((value, i) => (i === 1
        ? h('th', { scope: 'row' }, h('a', { href: '#' + anchor(rubric, inst) }, value || '（未填机构名称）'))
        : h('td', null, i === 11 && typeof value === 'number' && value > 0 ? '+' + value : value))))));
    fill($('[data-shown]'), `显示 ${rows.length} 家`);
  }

  app.addEventListener('click', (event) => {
    const sort = event.target.closest('[data-sort]');
    if (sort) {
      const column = Number(sort.dataset.sort);
      state.sort = { column, descending: state.sort.column === column ? !state.sort.descending : column >= 5 };
      renderTable();
      app.querySelector(`[data-sort="${column}"]`).focus();
    }
    const link = event.target.closest('a[href^="#inst-"]');
    if (link) {
      const target = document.getElementById(link.getAttribute('href').slice(1));
      if (target) target.open = true;
    }
  });
  for (const el of app.querySelectorAll('[data-filter]')) el.addEventListener('change', () => state.summary && renderTable());

  function anchor(rubric, inst) {
    return `inst-${rubric.sheet}-${inst.key.replace(/[^0-9A-Za-z]/g, '-')}-${inst.id}`;
  }

  const SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, ...children) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return el;
  }

  /** The same chart as src/summary/html.rs band_chart: bars with patterns and their counts. */
  function bandChart(r, index) {
    const min = (id, fallback) => {
      const band = r.bands_defined.find((b) => b.id === id);
      return band ? band.min : fallback;
    };
    const excellent = min('excellent', 85);
    const pass = min('pass', 60);
    const rows = [
      ['excellent', `优良（≥${excellent} 分）`],
      ['pass', `合格※（${pass}–${excellent - 0.5} 分）`],
      ['fail', `不合格（<${pass} 分）`],
      ['fail-veto', '不合格（存在不合格项）'],
    ].map(([key, label]) => ({ key, label, count: r.bands[key] || 0 }));
    const total = rows.reduce((a, x) => a + x.count, 0);
    const most = Math.max(1, ...rows.map((x) => x.count));
    const p = `b${index}`;
    const height = 34 * rows.length + 8;
    const pattern = (id, ...shapes) => svg('pattern', { id: `${p}-${id}`, width: 8, height: 8, patternUnits: 'userSpaceOnUse', ...(id === 'pass' ? { patternTransform: 'rotate(45)' } : {}) },
      svg('rect', { width: 8, height: 8, fill: '#fff' }), ...shapes);
    const chart = svg('svg', { class: 'summary-chart', viewBox: `0 0 640 ${height}`, width: 640, height, role: 'img', 'aria-labelledby': `${p}-title` },
      svg('title', { id: `${p}-title` }, '分档分布：' + rows.map((x) => `${x.label} ${x.count} 家`).join('，')),
      svg('defs', null,
        pattern('pass', svg('rect', { width: 3, height: 8, fill: '#333' })),
        pattern('fail', svg('circle', { cx: 4, cy: 4, r: 2, fill: '#333' })),
        pattern('fail-veto', svg('path', { d: 'M0 0L8 8M8 0L0 8', stroke: '#000', 'stroke-width': 1.5 }))));
    rows.forEach((x, i) => {
      const y = 4 + 34 * i;
      const w = 300 * x.count / most;
      const share = total === 0 ? 0 : x.count * 100 / total;
      chart.append(svg('g', { 'data-band-bar': x.key, 'data-count': x.count },
        svg('text', { x: 192, y: y + 19, 'text-anchor': 'end' }, x.label),
        svg('rect', { x: 200, y, width: w.toFixed(1), height: 24, fill: x.key === 'excellent' ? '#333' : `url(#${p}-${x.key})`, stroke: '#000' }),
        svg('text', { x: (200 + w + 8).toFixed(1), y: y + 19 }, `${x.count} 家（${share.toFixed(1)}%）`)));
    });
    return chart;
  }

  function level(lost, max) {
    if (lost <= 0 || max <= 0) return 0;
    return Math.min(4, Math.max(1, Math.ceil(lost * 4 / max)));
  }

  function rubricSection(r, index) {
    const indicatorMax = r.indicators.map((ind) => r.criteria.filter((c) => c.indicator === ind.number).reduce((a, c) => a + c.points, 0));
    const criteria = new Map(r.criteria.map((c) => [c.id, c]));
    const onSite = data.rubrics.some((x) => x.id === r.id && x.content_hash === r.content_hash);
    return h('section', { class: 'summary-section summary-rubric', 'data-rubric': r.id, 'aria-labelledby': `r${index}-title` },
      h('h2', { id: `r${index}-title` }, `${r.title}（${r.id}）`),
      h('p', { class: 'summary-note' }, `${r.institutions.length} 家机构，${r.assessments} 份评估。内容校验值 `, h('code', null, r.content_hash), '。'),
      h('h3', null, '分档分布'),
      h('figure', { class: 'summary-figure' }, bandChart(r, index),
        h('figcaption', null, M.BAND_NOTE)),
      h('h3', null, '各指标失分（热力图）'),
      h('p', { class: 'summary-note' }, '每格为该机构在该二级指标（按评分项所在行的第一个指标归类）上失去的分数；底色越深失分占该指标分值越多，数字即失分，黑白打印同样可读。'),
      h('div', { class: 'summary-scroll', tabindex: 0, role: 'region', 'aria-label': `${r.id} 各指标失分热力图` }, h('table', { class: 'summary-heat', 'data-heat': r.id },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, '机构'),
          r.indicators.map((ind, j) => h('th', { scope: 'col', 'data-indicator': ind.number, title: indicatorTitles.get(ind.number) || null },
            `指标${ind.number}`, h('br'), h('small', null, `(${points(indicatorMax[j])}分)`))))),
        h('tbody', null, r.institutions.map((inst) => h('tr', { 'data-institution': inst.key },
          h('th', { scope: 'row' }, inst.name || '（未填机构名称）'),
          inst.lost_by_indicator.map((lost, j) => h('td', {
            class: 'h' + level(lost, indicatorMax[j]), 'data-indicator': r.indicators[j].number, 'data-lost': lost,
          }, lost === 0 ? '' : points(lost)))))),
        h('tfoot', null, h('tr', null, h('th', { scope: 'row' }, '合计失分'),
          r.indicators.map((ind) => h('td', { 'data-indicator': ind.number }, points(ind.lost_points))))))),
      h('h3', null, '失分最多的评分项'),
      h('ol', { class: 'summary-lost' }, r.most_lost.slice(0, 10).map((id, rank) => {
        const c = criteria.get(id);
        return h('li', { 'data-criterion': id, 'data-rank': rank + 1 }, h('strong', null, `${c.lost_count} 家失分`),
          `，共失 ${points(c.lost_points)} 分 · 指标${c.indicator} · ${c.row}：${c.text}（${points(c.points)} 分）`);
      })),
      h('h3', { class: 'summary-details-title' }, '机构明细'),
      r.institutions.map((inst) => detail(r, inst, onSite)));
  }

  function detail(r, inst, onSite) {
    const bandOf = (t) => (BAND_TEXT[t.band] || t.band) + (t.vetoed ? '（存在不合格项）' : '');
    return h('details', { class: 'summary-detail', id: anchor(r, inst) },
      h('summary', null, `${inst.name || '（未填机构名称）'}　${points(inst.total)} 分 · ${M.bandLabel(inst)}`),
      inst.change === null ? null : h('p', null, `较上次（${inst.timeline[inst.timeline.length - 2].date}）${inst.change >= 0 ? '提高' : '下降'} ${points(Math.abs(inst.change))} 分。`),
      inst.vetoed.length === 0 ? null : h('ul', { class: 'summary-veto' }, inst.vetoed.map((id) => {
        const n = r.veto_items.findIndex((v) => v.id === id);
        return h('li', null, `不合格项第${n + 1}项：${n >= 0 ? r.veto_items[n].text : id}`);
      })),
      changedIndicators(r, inst),
      h('table', { class: 'summary-timeline' },
        h('thead', null, h('tr', null, ['日期', '得分', '结论', '文件'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, inst.timeline.map((t) => h('tr', null, h('td', null, t.date), h('td', null, points(t.total)), h('td', null, bandOf(t)), h('td', null, t.file))))),
      W ? h('p', { class: 'summary-actions' }, h('button', {
        type: 'button', class: 'button', 'data-action': 'open-assessment', 'data-file': inst.file, 'data-id': inst.id,
        'data-rubric': r.id, 'data-hash': r.content_hash,
      }, onSite ? '在评估工作台中打开（评分页）' : '在评估工作台中打开（本站无此版本评分表，用通用表单）')) : null);
  }

  /** Indicators whose points lost changed since the previous assessment. */
  function changedIndicators(r, inst) {
    const before = inst.previous_lost_by_indicator;
    if (!before) return null;
    const rows = r.indicators
      .map((ind, j) => ({ number: ind.number, before: before[j], now: inst.lost_by_indicator[j] }))
      .filter((x) => x.before !== x.now);
    if (rows.length === 0) return h('p', null, '各指标失分与上次相同。');
    return h('table', { class: 'summary-timeline', 'data-changes': '' },
      h('caption', null, '与上次相比失分有变化的指标'),
      h('thead', null, h('tr', null, ['指标', '上次失分', '本次失分'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, rows.map((x) => h('tr', { 'data-indicator': x.number },
        h('th', { scope: 'row' }, `指标${x.number}`, indicatorTitles.has(x.number) ? ` ${indicatorTitles.get(x.number)}` : ''),
        h('td', null, points(x.before)), h('td', null, points(x.now))))));
  }

  function problems(s) {
    const rows = [
      ...s.files.refused.map((r) => ({ file: r.file, kind: r.kind, reason: r.reason })),
      ...s.files.duplicates.map((d) => ({ file: d.file, kind: 'duplicate', reason: d.reason })),
    ];
    if (rows.length === 0) return null;
    return h('section', { class: 'summary-section', 'aria-labelledby': 'summary-problems-title' },
      h('h2', { id: 'summary-problems-title' }, `未采用的文件（${rows.length} 个）`),
      h('div', { class: 'summary-scroll', tabindex: 0, role: 'region', 'aria-label': '未采用的文件' }, h('table', { class: 'summary-problems' },
        h('thead', null, h('tr', null, ['文件', '原因', '说明'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, rows.map((r) => h('tr', { 'data-refused': r.kind }, h('td', null, r.file), h('td', null, M.KIND_LABELS[r.kind] || r.kind), h('td', null, r.reason)))))));
  }

  // ---- exports -------------------------------------------------------------

  function save(name, blob) {
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }
  app.addEventListener('click', async (event) => {
    const button = event.target.closest('[data-action]');
    if (!button || !state.summary) return;
    const action = button.dataset.action;
    if (action === 'export-xlsx') {
      const bytes = await globalThis.DudaoZip.build(M.xlsxEntries(state.summary));
      save('督导汇总.xlsx', new Blob([bytes], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
    } else if (action === 'export-csv') {
      save('督导汇总.csv', new Blob([M.toCsv(state.summary)], { type: 'text/csv;charset=utf-8' }));
    } else if (action === 'export-json') {
      save('督导汇总.json', new Blob([JSON.stringify(state.summary, null, 2)], { type: 'application/json' }));
    } else if (action === 'print') {
      window.print();
    } else if (action === 'open-assessment') {
      openInWorkspace(button).catch(() => say('无法打开评估工作台。', 'error'));
    }
  });
})();
