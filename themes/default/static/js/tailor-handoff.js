/*
 * tailor/assess/: hands a rubric made in the builder (tailor/) to the
 * self-assessment form. Runs before assess.js: reads the hand-off the
 * builder left in localStorage (key dudao.tailor.handoff: {version: 1, raw:
 * the rubric as its YAML holds it, header: {label: value}}), validates it
 * with the rules of `dudao check`, builds the model (tailor-model.js) and
 * writes it into #rubric-data, where assess.js reads every rubric. Without a
 * valid hand-off the form is not started and the page says why. After
 * assess.js has built the form, empty header inputs get the builder's values.
 * Classic script; needs rubric-rules.js, tailor-model.js and dom.js first.
 */
(function () {
  'use strict';
  const KEY = 'dudao.tailor.handoff';
  const app = document.getElementById('assess-app');
  const data = document.getElementById('rubric-data');
  if (!app || !data) return;

  function refuse(text) {
    globalThis.DudaoDom.refuseForm(app, text, { href: '../index.html', text: '返回评分表定制' }, { 'data-handoff': 'missing' });
  }

  let handoff = null;
  try {
    handoff = JSON.parse(localStorage.getItem(KEY) || 'null');
  } catch (err) {
    handoff = null;
  }
  if (!handoff || handoff.version !== 1 || typeof handoff.raw !== 'object' || handoff.raw === null) {
    refuse('没有待评分的自定义评分表：请先在“评分表定制”页面点击“在线评分”。');
    return;
  }
  const problems = globalThis.DudaoRubricRules.validate(handoff.raw, { fileStem: handoff.raw.id });
  if (problems.length) {
    refuse('交来的自定义评分表未通过检查（' + problems[0].message + '）。');
    return;
  }
  globalThis.DudaoDom.setFormRubric(app, data, globalThis.DudaoTailorModel.toModel(handoff.raw), '自定义评分表');

  const header = handoff.header && typeof handoff.header === 'object' ? handoff.header : {};
  document.addEventListener('DOMContentLoaded', () => {
    for (const input of document.querySelectorAll('[data-header]')) {
      const value = header[input.getAttribute('data-header')];
      if (typeof value === 'string' && value !== '' && input.value === '') {
        input.value = value;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        input.dispatchEvent(new Event('change', { bubbles: true }));
      }
    }
  });
})();
