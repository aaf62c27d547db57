/*
 * Under each lost criterion of the gap report, the evidence that would have
 * earned it: dudao's guidance, read from the page's <script id="evidence-data">
 * (criterion id → {evidence: [..], requirements: [..]}). Kept apart from
 * report.js: it only decorates the rows report.js marks with data-gap, and
 * re-decorates whenever the report is re-rendered.
 */
(function () {
  'use strict';
  const data = document.getElementById('evidence-data');
  const body = document.getElementById('report-body');
  if (!data || !body) return;
  let evidence;
  try {
    evidence = JSON.parse(data.textContent);
  } catch (e) {
    return;
  }
  if (!evidence || typeof evidence !== 'object') return;

  function strings(value) {
    return Array.isArray(value) ? value.filter((v) => typeof v === 'string') : [];
  }

  function element(tag, attrs, text) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
    if (text) el.textContent = text;
    return el;
  }

  function evidenceRow(guide, columns) {
    const tr = element('tr', { class: 'gap-evidence' });
    tr.appendChild(element('td', {}));
    const cell = element('td', { colspan: String(Math.max(columns - 1, 1)) });
    const head = element('p', {});
    head.appendChild(element('strong', {}, '可补充的证据材料：'));
    head.appendChild(element('span', { class: 'guidance-badge' }, 'dudao 编写的准备指引，非官方文本'));
    cell.appendChild(head);
    const list = element('ul', {});
    for (const item of strings(guide.evidence)) list.appendChild(element('li', {}, item));
    for (const item of strings(guide.requirements)) list.appendChild(element('li', { class: 'gap-requirement' }, '注意：' + item));
    cell.appendChild(list);
    tr.appendChild(cell);
    return tr;
  }

  function decorate() {
    for (const tr of body.querySelectorAll('tr[data-gap]')) {
      const id = tr.getAttribute('data-gap');
      const guide = Object.prototype.hasOwnProperty.call(evidence, id) ? evidence[id] : null;
      if (!guide || strings(guide.evidence).length === 0) continue;
      let last = tr;
      if (last.nextElementSibling && last.nextElementSibling.classList.contains('gap-detail')) last = last.nextElementSibling;
      if (last.nextElementSibling && last.nextElementSibling.classList.contains('gap-evidence')) continue;
      last.after(evidenceRow(guide, tr.children.length));
    }
  }

  new MutationObserver(decorate).observe(body, { childList: true, subtree: true });
  decorate();
})();
