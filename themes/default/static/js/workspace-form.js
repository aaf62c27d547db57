/*
 * assessments/form/: opens a stored assessment (#assessment=<id>) on the
 * assess page frame, whatever its rubric: reads it from the workspace,
 * writes its rubric into #rubric-data (the workspace only holds rubrics that
 * passed the checks of DudaoExchange on import), names the page after it,
 * then loads assess.js (the script's data-then), which reads #rubric-data
 * as on any assess page and opens the same assessment from the fragment.
 * Classic script; needs workspace.js and what it needs, and dom.js.
 */
(function () {
  'use strict';
  const W = globalThis.DudaoWorkspace;
  const app = document.getElementById('assess-app');
  const data = document.getElementById('rubric-data');
  const next = document.currentScript && document.currentScript.getAttribute('data-then');
  if (!app || !data || !next) return;

  function refuse(text) {
    globalThis.DudaoDom.refuseForm(app, text, { href: '../index.html', text: '返回评估工作台' }, { 'data-form-missing': true });
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.body.append(script);
    });
  }

  async function start() {
    const match = /(?:^#|&)assessment=([0-9a-z-]+)/.exec(location.hash);
    if (!match) return refuse('没有指定要打开的评估：请从评估工作台点击“打开”。');
    if (!W || !(await W.available())) return refuse('此浏览器不允许本机存储（IndexedDB 不可用），无法打开保存的评估。');
    const doc = await W.get(match[1]);
    if (!doc) return refuse(`本机没有编号为 ${match[1]} 的评估（可能已被删除）。`);
    globalThis.DudaoDom.setFormRubric(app, data, doc.rubric, '已保存的评估');
    const crumb = document.querySelector('.breadcrumb a[href="../index.html"]');
    if (crumb) crumb.textContent = '评估工作台';
    await loadScript(next);
  }

  start().catch(() => refuse('读取保存的评估失败。'));
})();
