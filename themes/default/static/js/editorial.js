/*
 * dudao's own readings, marked as ours on pages drawn in the browser, the
 * way templates/macros.html marks them on built pages (band_label,
 * band_note, veto_reading): the same words, classes and anchors, so a
 * supervisor sees one convention everywhere (tailor.test.mjs compares the
 * builder's sheet with the built checklist, markup included).
 *
 * The notice names two results only: 优良 (≥ 85) and 不合格 (< 60). Any band
 * between the first and the last of a rubric (合格 in the bundled rubrics)
 * is our name for the scores in between.
 *
 * Classic script: globalThis.DudaoEditorial; needs dom.js first.
 */
(function (root) {
  'use strict';
  const { h } = root.DudaoDom;

  /** The small "[编者注]" link to the note that explains our reading. */
  function oursMark(href, title) {
    return h('a', { class: 'ours-mark', href, title }, '[编者注]');
  }

  /** Whether `band` (or a band id) of `bands` is a name of dudao's, not the notice's. */
  function isOurBand(bands, band) {
    const id = typeof band === 'string' ? band : band.id;
    const i = bands.findIndex((b) => b.id === id);
    return i > 0 && i < bands.length - 1;
  }

  function bandMark(noteId) {
    return oursMark(`#${noteId || 'band-note'}`, 'dudao 的称呼，通知未规定');
  }

  /** A band's label, with the mark when the name is ours (macros.html band_label). */
  function bandLabel(bands, band, noteId) {
    return isOurBand(bands, band) ? [band.label, bandMark(noteId)] : band.label;
  }

  function aside(cls, id, text) {
    return h('aside', { class: cls, id, 'aria-label': '编者注' },
      h('span', { class: 'editorial-badge', title: 'dudao 编写的指引，非官方文本' }, '编者注 · dudao'), ` ${text}`);
  }

  /**
   * The note the band marks point to (macros.html band_note); null when
   * every band is the notice's. `noteId` null: no id (the page's container has it).
   */
  function bandNote(bands, noteId) {
    if (bands.length <= 2) return null;
    const middle = bands.slice(1, -1).map((band, i) => `“${band.label}”（${band.min} 分至 ${bands[i].min} 分，不含 ${bands[i].min} 分）`).join('');
    return aside('editorial', noteId === undefined ? 'band-note' : noteId, `通知只规定两档结果：“≥ 85 分为优良”“<60 分为不合格”。${middle}是 dudao 对两者之间得分的称呼，便于填写和统计；通知对这一段没有规定名称或处理。`);
  }

  /**
   * Our reading of the 不合格项 (macros.html veto_reading); `noteId` for a
   * copy (the printed report's), null: no id (the page's container has it).
   */
  function vetoReading(rubric, noteId) {
    const last = rubric.bands[rubric.bands.length - 1];
    const quote = rubric.veto.intro && rubric.kind === 'official' ? `（通知原文：“${rubric.veto.intro.replace(/^：+|：+$/g, '')}”）` : '';
    return aside('editorial veto-rule', noteId === undefined ? 'veto-note' : noteId, `出现“${rubric.veto.title}”所列任一情形的，dudao 的表单和导出文件把结果记为${last.label}，不论得分${quote}。`);
  }

  root.DudaoEditorial = { oursMark, isOurBand, bandMark, bandLabel, bandNote, vetoReading };
})(globalThis);
