/*
 * The gap report and the comparison of two assessments, as DOM (classic
 * script; attaches to globalThis.DudaoReport). The numbers come from
 * DudaoScoring; this file only lays them out.
 */
(function (root) {
  'use strict';
  const S = root.DudaoScoring;
  const { h, fill } = root.DudaoDom;
  const E = root.DudaoEditorial;
  // The report is printed and signed: its band marks point to its own copy
  // of the note, not to the page's (which does not print).
  const NOTE = 'report-band-note';
  const VETO_NOTE = 'report-veto-note';
  const pts = S.formatPoints;

  function statusCell(status) {
    return h('span', { class: 'status status-' + status }, S.STATUS_LABELS[status]);
  }

  function indicatorLink(ctx, number) {
    const indicator = ctx.indicators.get(number);
    const title = indicator ? indicator.title : '';
    return h('a', { href: `${ctx.root}indicators/${number}/index.html` }, `指标 ${number}${title ? ' ' + title : ''}`);
  }

  function where(c) {
    return [c.stage.title, c.group.title, c.row.title].filter(Boolean).join(' › ');
  }

  function headerTable(rubric, state) {
    return h('table', { class: 'record-header' },
      h('tbody', {}, rubric.header_fields.map((field) =>
        h('tr', {}, h('th', { scope: 'row' }, field), h('td', {}, state.header[field] || '\u3000')))));
  }

  function bandText(result) {
    if (result.bandReason === 'veto') {
      return `存在不合格项（${result.vetoed.length} 项），本次督导记为不合格，与得分无关。`;
    }
    return null;
  }

  function neededText(rubric, result) {
    // The marked veto line above already gives the verdict; distances to a band would mislead.
    if (result.vetoed.length > 0) return [];
    const labels = Object.fromEntries(rubric.bands.map((b) => [b.id, b]));
    return Object.entries(result.needed).sort((a, b) => a[1] - b[1]).reverse().map(([id, halves]) => {
      const band = labels[id];
      return halves === 0
        ? ['已达到', E.bandLabel(rubric.bands, band, NOTE), `（≥ ${band.min} 分）。`]
        : ['距', E.bandLabel(rubric.bands, band, NOTE), `（≥ ${band.min} 分）还差 ${pts(halves)} 分。`];
    });
  }

  /** The gap report for the current assessment, printable as a signed record. */
  function renderReport(container, ctx) {
    const { rubric, state, result } = ctx;
    const gaps = S.gaps(result);
    const rank = new Map(gaps.ranked.map((c, i) => [c.id, i + 1]));
    const needed = neededText(rubric, result);

    const summary = h('section', { class: 'report-summary', 'aria-labelledby': 'report-summary-title' },
      h('h3', { id: 'report-summary-title' }, '评分结论'),
      h('div', { class: 'report-result' },
        h('p', { class: 'report-total' }, h('span', { 'data-report-total': '' }, pts(result.totalHalves)), h('span', { class: 'of' }, ` / ${pts(result.maxHalves)} 分`)),
        h('p', { class: 'band', 'data-report-band': result.band.id }, E.bandLabel(rubric.bands, result.band, NOTE)),
      ),
      h('ul', { class: 'report-facts' },
        bandText(result) && h('li', { class: 'veto-reason' }, bandText(result), E.oursMark(`#${VETO_NOTE}`, 'dudao 的读法')),
        result.band.consequence && h('li', {}, `处理建议：${result.band.consequence}`),
        h('li', {}, `已评 ${result.answered} / ${result.count} 项，共失 ${pts(gaps.lostHalves)} 分。`),
        needed.map((line) => h('li', { 'data-needed': '' }, line)),
      ),
      h('table', { class: 'report-subtotals' },
        h('caption', {}, '分项小计'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '部分'), h('th', { scope: 'col' }, '得分'), h('th', { scope: 'col' }, '分值'))),
        h('tbody', {}, result.groups.map((g) => {
          const stage = result.stages.find((s) => s.id === g.stage);
          return h('tr', {}, h('th', { scope: 'row' }, [stage && stage.title, g.title].filter(Boolean).join(' › ')), h('td', { class: 'num' }, pts(g.halves)), h('td', { class: 'num' }, pts(g.maxHalves)));
        })),
      ),
    );

    const veto = result.vetoed.length > 0 && h('section', { class: 'report-veto', 'aria-labelledby': 'report-veto-title' },
      h('h3', { id: 'report-veto-title' }, `已勾选的${(rubric.veto && rubric.veto.title) || '不合格项'}`),
      h('ol', {}, result.vetoed.map((v) => h('li', { 'data-report-veto': v.id },
        h('p', {}, v.text),
        h('p', { class: 'veto-description' }, h('strong', {}, '行为描述：'), v.description || '（未填写）')))),
    );

    // One to-do list: a single ranking 1…n by points lost, each row linking
    // back to its row in the form, with the 整改项's owner and deadline.
    const items = new Map((((ctx.rectification || {}).items) || []).map((item) => [item.id, item]));
    const today = new Date().toISOString().slice(0, 10);
    const lost = h('section', { class: 'report-gaps', 'aria-labelledby': 'report-gaps-title' },
      h('h3', { id: 'report-gaps-title' }, '整改清单（失分项，按失分从多到少排列）'),
      gaps.ranked.length === 0
        ? h('p', { class: 'a-empty' }, result.answered === 0 ? '尚未评分。' : '已评分的各项均未失分。')
        : h('table', { class: 'gap-table' },
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col', class: 'col-rank' }, '名次'), h('th', { scope: 'col' }, '评分标准'), h('th', { scope: 'col', class: 'col-status' }, '结论'),
            h('th', { scope: 'col', class: 'col-score' }, '得分'), h('th', { scope: 'col', class: 'col-lost' }, '失分'),
            h('th', { scope: 'col', class: 'col-owner' }, '责任人'), h('th', { scope: 'col', class: 'col-deadline' }, '整改期限'))),
          h('tbody', {}, gaps.ranked.map((c) => {
            const item = items.get('c-' + c.id);
            const overdue = item && item.deadline && item.deadline < today && item.status !== 'done' && item.status !== 'verified';
            return [
              h('tr', { 'data-gap': c.id, class: overdue ? 'overdue' : null },
                h('td', { class: 'num' }, rank.get(c.id)),
                h('td', {}, h('p', { class: 'where' }, where(c)),
                  h('p', {}, h('a', { href: `#criterion-${c.id}`, 'data-gap-link': c.id }, `第 ${c.index + 1} 项：`), c.text),
                  h('p', { class: 'also' }, '对应指标：', c.row.indicators.map((n, i) => [i > 0 && '、', indicatorLink(ctx, n)]))),
                h('td', {}, statusCell(c.status)),
                h('td', { class: 'num' }, `${pts(c.scoreHalves)} / ${pts(c.halves)}`),
                h('td', { class: 'num lost' }, pts(c.lostHalves)),
                h('td', { 'data-gap-owner': '' }, (item && item.owner) || '—'),
                h('td', { 'data-gap-deadline': '' }, (item && item.deadline) || '—', overdue ? h('span', { class: 'overdue-badge' }, '已逾期') : null)),
              (c.justification || c.notes || c.problem) && h('tr', { class: 'gap-detail' },
                h('td', {}),
                h('td', { colspan: 6 },
                  c.problem && h('p', { class: 'pending' }, h('strong', {}, '待补全：'), c.problem),
                  c.justification && h('p', {}, h('strong', {}, '理由：'), c.justification),
                  c.notes && h('p', {}, h('strong', {}, '备注/证据：'), c.notes))),
            ];
          }))),
      gaps.unanswered.length > 0 && h('p', { class: 'unanswered' }, `另有 ${gaps.unanswered.length} 项尚未评分（不计失分）：`,
        gaps.unanswered.map((c, i) => [i > 0 && '、', h('a', { href: `#criterion-${c.id}` }, `第 ${c.index + 1} 项`)])),
      ctx.outcomeUrl && h('p', { class: 'outcome-link' }, h('a', { href: ctx.outcomeUrl, 'data-outcome-link': '' }, '生成督导意见书、整改通知书，跟踪整改 →')),
    );

    // The same lost points summed per indicator: where the weak areas are.
    const byIndicator = gaps.byIndicator.length > 0 && h('section', { class: 'report-indicators', 'aria-labelledby': 'report-indicators-title' },
      h('h3', { id: 'report-indicators-title' }, '按指标汇总失分'),
      gaps.byIndicator.map((group) => h('section', { class: 'gap-indicator', 'data-gap-indicator': group.indicator },
        h('h4', {}, indicatorLink(ctx, group.indicator), h('span', { class: 'lost' }, ` 失 ${pts(group.lostHalves)} 分`)),
        h('p', {}, '整改清单第 ', group.items.map((c, i) => [i > 0 && '、', String(rank.get(c.id))]), ' 名'))));

    const record = h('section', { class: 'report-record', 'aria-labelledby': 'report-record-title' },
      h('h3', { id: 'report-record-title' }, '评分记录'),
      h('table', { class: 'record-table' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', class: 'col-rank' }, '序号'), h('th', { scope: 'col' }, '评分标准'), h('th', { scope: 'col', class: 'col-lost' }, '分值'),
          h('th', { scope: 'col', class: 'col-status' }, '结论'), h('th', { scope: 'col', class: 'col-lost' }, '得分'), h('th', { scope: 'col', class: 'col-notes' }, '理由、备注'))),
        h('tbody', {}, result.criteria.map((c) => h('tr', { 'data-record': c.id },
          h('td', { class: 'num' }, c.index + 1),
          h('td', {}, h('p', { class: 'where' }, where(c)), h('p', {}, c.text)),
          h('td', { class: 'num' }, pts(c.halves)),
          h('td', {}, statusCell(c.status)),
          h('td', { class: 'num' }, c.status === 'unanswered' ? '' : pts(c.scoreHalves)),
          h('td', {}, c.justification && h('p', {}, '理由：', c.justification), c.notes && h('p', {}, '备注：', c.notes))))),
        h('tfoot', {}, h('tr', {}, h('th', { scope: 'row', colspan: 2 }, '合计'), h('td', { class: 'num' }, pts(result.maxHalves)),
          h('td', {}, E.bandLabel(rubric.bands, result.band, NOTE)), h('td', { class: 'num' }, pts(result.totalHalves)), h('td', {}))),
      ),
    );

    const photos = photoSection(ctx);

    const signatures = h('section', { class: 'signatures', 'aria-label': '签字' },
      ['督导(组)员签字', '被督导机构负责人签字', '日期'].map((label) => h('p', {}, label + '：', h('span', { class: 'sign-line' }))));

    fill(container,
      h('header', { class: 'report-head' },
        h('h2', { id: 'report-title' }, '差距报告'),
        h('p', { class: 'report-rubric' }, rubric.title + (rubric.label ? `（${rubric.label}）` : '')),
        headerTable(rubric, state)),
      summary, veto, lost, byIndicator, record, photos, signatures,
      E.bandNote(rubric.bands, NOTE),
      result.bandReason === 'veto' ? E.vetoReading(rubric, VETO_NOTE) : null,
      h('p', { class: 'report-foot' }, `由 dudao 在本机生成，评分表内容校验值 ${rubric.content_hash.slice(0, 19)}…`));
  }

  /** 照片证据: every photo of the assessment under its criterion or veto item (ctx.photos: id → data: URL). */
  function photoSection(ctx) {
    const urls = ctx.photos;
    if (!urls || urls.size === 0) return null;
    const { rubric, state, result } = ctx;
    const groups = [];
    for (const c of result.criteria) {
      const list = ((state.answers[c.id] || {}).photos || []).filter((pid) => urls.has(pid));
      if (list.length) groups.push({ key: c.id, title: `第 ${c.index + 1} 项：${c.text}`, list: list });
    }
    ((rubric.veto && rubric.veto.items) || []).forEach((item, i) => {
      const list = ((state.veto[item.id] || {}).photos || []).filter((pid) => urls.has(pid));
      if (list.length) groups.push({ key: 'veto-' + item.id, title: `不合格项 ${i + 1}：${item.text}`, list: list });
    });
    if (groups.length === 0) return null;
    // The caption the supervisor wrote under the thumbnail (ctx.photoMeta: pid → record).
    const caption = (pid, i) => {
      const meta = ctx.photoMeta && Object.prototype.hasOwnProperty.call(ctx.photoMeta, pid) ? ctx.photoMeta[pid] : null;
      const text = meta && typeof meta.caption === 'string' ? meta.caption.trim() : '';
      return `照片 ${i + 1}${text ? '：' + text : ''}`;
    };
    return h('section', { class: 'report-photos', 'aria-labelledby': 'report-photos-title' },
      h('h3', { id: 'report-photos-title' }, '照片证据'),
      groups.map((g) => h('div', { class: 'photo-group', 'data-report-photos': g.key },
        h('p', { class: 'where' }, g.title),
        h('div', { class: 'photo-row' }, g.list.map((pid, i) => h('figure', {},
          photoImage(urls.get(pid), pid, `${g.title.slice(0, 40)} 照片 ${i + 1}`),
          h('figcaption', {}, caption(pid, i))))))));
  }

  /**
   * The report is redrawn on every change; its photos are not. Setting a
   * data: URL of a few hundred KB as src costs about a millisecond per
   * photo, so each image element is made once and moved into the new report.
   */
  const photoImages = new Map();
  function photoImage(url, pid, alt) {
    const key = `${pid}\n${alt}`;
    let img = photoImages.get(key);
    if (!img || img.getAttribute('src') !== url) {
      img = h('img', { src: url, loading: 'lazy', decoding: 'async', alt: alt, 'data-report-photo': pid });
      photoImages.set(key, img);
    }
    return img;
  }

  // On screen only: the mark points to the page's note (templates/assess.html).
  function side(rubric, name, result) {
    return h('div', { class: 'compare-side' },
      h('p', { class: 'compare-name' }, name),
      h('p', { class: 'report-total' }, pts(result.totalHalves), h('span', { class: 'of' }, ` / ${pts(result.maxHalves)} 分`)),
      h('p', { class: 'band', 'data-report-band': result.band.id, 'data-band-of': name }, E.bandLabel(rubric.bands, result.band), result.bandReason === 'veto' ? '（存在不合格项）' : ''));
  }

  function signed(halves) {
    return halves > 0 ? `+${pts(halves)}` : halves < 0 ? `−${pts(-halves)}` : '0';
  }

  function answerCell(status, halves) {
    return [statusCell(status), status === 'unanswered' ? '' : ` ${pts(halves)}`];
  }

  /** Two assessments of the same rubric side by side: per-row changes and the total change. */
  function renderCompare(container, ctx) {
    const { rubric, a, b, showAll } = ctx;
    const c = S.compare(rubric, a.state, b.state);
    const rows = showAll ? c.rows : c.changed;
    fill(container,
      h('div', { class: 'compare-summary' },
        side(rubric, a.name, c.a),
        h('p', { class: 'compare-delta', 'data-compare-delta': pts(Math.abs(c.deltaHalves)) }, '总分变化 ', h('strong', {}, signed(c.deltaHalves)), ' 分'),
        side(rubric, b.name, c.b)),
      h('table', { class: 'compare-stages' },
        h('caption', {}, '分项小计变化'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '部分'), h('th', { scope: 'col' }, a.name), h('th', { scope: 'col' }, b.name), h('th', { scope: 'col' }, '变化'))),
        h('tbody', {}, c.a.groups.map((g, i) => {
          const gb = c.b.groups[i];
          const stage = c.a.stages.find((st) => st.id === g.stage);
          return h('tr', {}, h('th', { scope: 'row' }, [stage && stage.title, g.title].filter(Boolean).join(' › ')), h('td', { class: 'num' }, pts(g.halves)), h('td', { class: 'num' }, pts(gb.halves)), h('td', { class: 'num' }, signed(gb.halves - g.halves)));
        }))),
      h('h3', {}, showAll ? `全部评分项（${c.rows.length} 项，其中 ${c.changed.length} 项有变化）` : `有变化的评分项（${c.changed.length} 项）`),
      rows.length === 0
        ? h('p', { class: 'a-empty' }, '两份评估的各项评分完全相同。')
        : h('table', { class: 'compare-table' },
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col', class: 'col-rank' }, '序号'), h('th', { scope: 'col' }, '评分标准'), h('th', { scope: 'col', class: 'col-lost' }, '分值'),
            h('th', { scope: 'col', class: 'col-score' }, a.name), h('th', { scope: 'col', class: 'col-score' }, b.name), h('th', { scope: 'col', class: 'col-lost' }, '变化'))),
          h('tbody', {}, rows.map((row) => h('tr', { 'data-compare-row': row.criterion.id, class: row.changed ? 'changed' : null },
            h('td', { class: 'num' }, row.criterion.index + 1),
            h('td', {}, h('p', { class: 'where' }, where(row.criterion)), h('p', {}, row.criterion.text)),
            h('td', { class: 'num' }, pts(row.criterion.halves)),
            h('td', {}, answerCell(row.a.status, row.a.halves)),
            h('td', {}, answerCell(row.b.status, row.b.halves)),
            h('td', { class: 'num delta ' + (row.deltaHalves > 0 ? 'up' : row.deltaHalves < 0 ? 'down' : '') }, signed(row.deltaHalves)))))),
    );
  }

  root.DudaoReport = { renderReport: renderReport, renderCompare: renderCompare, signed: signed };
})(globalThis);
