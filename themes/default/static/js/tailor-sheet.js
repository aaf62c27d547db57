/*
 * The builder's printable sheet (tailor/ → 打印核查表): a tailored rubric
 * drawn with the markup of templates/checklist.html, so checklist.css prints
 * it exactly like a built checklist (tailor.test.mjs compares the two).
 *
 * Classic script: globalThis.DudaoTailorSheet; needs dom.js and editorial.js first.
 */
(function () {
  'use strict';
  const { h, fill } = globalThis.DudaoDom;
  const E = globalThis.DudaoEditorial;

  /**
   * Draws `rubric` (a model) into `target` as templates/checklist.html would;
   * `values`: header label → text to print; `baseTitle`: the rubric it was
   * adapted from, if any.
   */
  function render(target, rubric, values, baseTitle) {
    const box = () => h('span', { class: 'box', 'aria-hidden': 'true' });
    const cells = () => [h('td', { class: 'tick' }, box()), h('td', { class: 'tick' }, box()), h('td', { class: 'tick' }, box())];
    let number = 0;
    const bodies = [];
    rubric.stages.forEach((stage, si) => {
      stage.groups.forEach((group, gi) => {
        group.rows.forEach((row, ri) => {
          const trs = [];
          if (ri === 0 && gi === 0 && stage.title) trs.push(h('tr', { class: 'stage-heading' }, h('th', { colspan: 9, scope: 'rowgroup' }, `${stage.title} (${stage.points}分)`)));
          if (ri === 0) trs.push(h('tr', { class: 'group-heading' }, h('th', { colspan: 9, scope: 'rowgroup' }, `${group.title} (${group.points}分)`)));
          row.criteria.forEach((c, ci) => {
            number++;
            trs.push(h('tr', { id: `c-${c.id}` },
              h('td', { class: 'no' }, number),
              ci === 0 ? h('th', { scope: 'row', class: 'row-title', rowspan: row.criteria.length }, row.title) : null,
              h('td', { class: 'text' }, c.text),
              h('td', { class: 'pts' }, c.points),
              cells(),
              h('td', { class: 'score' }), h('td', { class: 'remark' })));
          });
          if (ri === group.rows.length - 1) {
            trs.push(subtotalRow('subtotal group-subtotal', `${group.title} 小计`, group.points));
            if (gi === stage.groups.length - 1 && stage.title) trs.push(subtotalRow('subtotal stage-subtotal', `${stage.title} 小计`, stage.points));
          }
          bodies.push(h('tbody', { class: 'block', id: `row-${row.id}` }, trs));
        });
      });
      void si;
    });
    bodies.push(h('tbody', { class: 'block' }, subtotalRow('total', '总分', rubric.total)));

    const veto = rubric.veto ? h('section', { class: 'sheet-veto' },
      h('h2', {}, rubric.veto.title),
      rubric.veto.intro ? h('p', {}, rubric.veto.intro) : null,
      h('table', { class: 'veto-table' },
        h('thead', {}, h('tr', {}, ['序号', '情形', '有', '无'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rubric.veto.items.map((item, i) => h('tr', { id: `veto-${item.id}` },
          h('td', { class: 'no' }, i + 1), h('td', { class: 'text' }, item.text),
          h('td', { class: 'tick' }, box()), h('td', { class: 'tick' }, box()))))),
      h('div', { class: 'behaviour' }, h('p', { class: 'sheet-field-label' }, '行为描述：'),
        h('span', { class: 'fill-line' }), h('span', { class: 'fill-line' }), h('span', { class: 'fill-line' }))) : null;

    const bands = rubric.bands;
    const last = bands[bands.length - 1];
    const bandRule = bands.map((band, i) => {
      if (i === 0) return [E.bandLabel(bands, band), ` ≥ ${band.min} 分`];
      if (band.min === 0) return [E.bandLabel(bands, band), ` < ${bands[i - 1].min} 分`];
      return [E.bandLabel(bands, band), ` ${band.min} 分至 ${bands[i - 1].min} 分（不含）`];
    }).flatMap((part, i) => (i ? ['；', ...part] : part));
    if (rubric.veto) bandRule.push(`；出现“${rubric.veto.title}”所列情形之一的，记为${last.label}`, E.oursMark('#veto-note', 'dudao 的读法'));
    bandRule.push('。');
    // As templates/checklist.html: rubric.labels, or the defaults when absent.
    const labels = rubric.labels || { result: '督导结果', signatures: ['督导(组)员签字', '被督导机构负责人签字'] };

    fill(target, h('article', { class: 'sheet', id: `checklist-${rubric.id}` },
      h('header', { class: 'sheet-head' },
        h('h1', {}, rubric.title),
        h('p', { class: 'sheet-source' }, `dudao 派生评分表，非官方文本${baseTitle ? `；改编自《${baseTitle}》` : ''} · 满分 ${rubric.total} 分`),
        h('div', { class: 'sheet-fields' }, rubric.header_fields.map((field, i) => h('div', { class: 'sheet-field' + (i === 0 ? ' sheet-field-wide' : '') },
          h('span', { class: 'sheet-field-label' }, `${field}：`), h('span', { class: 'fill-line', 'data-header-value': field }, values[field] || '')))),
        h('p', { class: 'sheet-rule' }, h('strong', {}, '评分规则：'), h('span', {}, rubric.scoring_rule)),
        h('p', { class: 'sheet-instruction' }, '填表说明（dudao）：在对应方框内打“√”，并填写得分。')),
      h('table', { class: 'checklist' },
        h('colgroup', {}, ['col-no', 'col-row', 'col-text', 'col-pts', 'col-tick', 'col-tick', 'col-tick', 'col-score', 'col-remark'].map((c) => h('col', { class: c }))),
        h('thead', {}, h('tr', {}, ['序号', '二级指标', '评分标准', '分值', '符合', ['基本', h('br'), '符合'], ['不', h('br'), '符合'], '得分', '备注'].map((t) => h('th', { scope: 'col' }, t)))),
        bodies),
      veto,
      // Result and signatures stay one block (checklist.css: .sheet-close).
      h('div', { class: 'sheet-close' },
        h('section', { class: 'sheet-result' },
          h('h2', {}, labels.result),
          h('p', { class: 'result-line' }, '总得分：', h('span', { class: 'fill-short' }), ` 分　　${labels.result}：`,
            bands.map((b) => [box(), ' ', E.bandLabel(bands, b), '　'])),
          h('p', { class: 'band-rule' }, '判定规则（dudao 据通知整理）：', bandRule)),
        h('section', { class: 'sheet-signatures' },
          labels.signatures.map((who) => h('div', { class: 'signature' },
            h('span', {}, `${who}：`), h('span', { class: 'fill-line' }), h('span', {}, '日期：'), h('span', { class: 'fill-date' }, '年　　月　　日'))))),
      rubric.notes.length ? h('section', { class: 'sheet-notes' }, h('h2', {}, '备注'), h('ol', {}, rubric.notes.map((n) => h('li', {}, n)))) : null,
      h('section', { class: 'sheet-editorial' }, E.bandNote(bands), rubric.veto ? E.vetoReading(rubric) : null)));
  }

  function subtotalRow(cls, label, points) {
    return h('tr', { class: cls },
      h('th', { colspan: 3, scope: 'row' }, label), h('td', { class: 'pts' }, points),
      h('td', { colspan: 3 }), h('td', { class: 'score' }), h('td'));
  }

  globalThis.DudaoTailorSheet = { render };
})();
