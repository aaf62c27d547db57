/*
 * A tiny element builder for the assessment pages (classic script; attaches
 * to globalThis.DudaoDom). Text always goes in as text nodes, never as HTML,
 * so rubric text and imported notes cannot inject markup.
 */
(function (root) {
  'use strict';

  /**
   * h('p', {class: 'x', 'data-band': 'pass'}, 'text', child, [more]) → element.
   * Attributes that are null, undefined or false are left out; true sets an
   * empty attribute.
   */
  function h(tag, attrs) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'class') el.className = value;
      else el.setAttribute(name, value === true ? '' : String(value));
    }
    for (let i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }

  function append(el, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) child.forEach((c) => append(el, c));
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }

  /** Replaces every child of `el`. */
  function fill(el) {
    el.replaceChildren();
    for (let i = 1; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }

  /**
   * Keeps the assess form in `app` from starting and says why instead:
   * assess.js starts only on #assess-app, so `app` is renamed and its bar
   * and body hidden. The message, an alert, ends with a link `back`
   * ({href, text}); `attrs` mark it for tests.
   */
  function refuseForm(app, text, back, attrs) {
    app.id = 'assess-app-unused';
    app.querySelectorAll('.assess-bar, .assess-body').forEach((el) => { el.hidden = true; });
    const base = { class: 'assess-message', 'data-kind': 'error', role: 'alert' };
    app.prepend(h('p', Object.assign(base, attrs), text + ' ', h('a', { href: back.href }, back.text)));
  }

  /**
   * Points the assess page frame in `app` at `rubric` before assess.js
   * starts: the rubric into #rubric-data (`data`), its id, its title in the
   * heading and in the document title (for the frame's `placeholder`
   * words), its total after the score.
   */
  function setFormRubric(app, data, rubric, placeholder) {
    data.textContent = JSON.stringify(rubric);
    app.setAttribute('data-rubric', rubric.id);
    const h1 = app.querySelector('h1');
    if (h1 && h1.firstChild && h1.firstChild.nodeType === Node.TEXT_NODE) h1.firstChild.textContent = rubric.title;
    const of = app.querySelector('.total-line .of');
    if (of) of.textContent = ` / ${rubric.total} 分`;
    document.title = document.title.replace(placeholder, rubric.title);
  }

  /** Saves `content` (a string or bytes) as the file `name` of MIME `type`, through a hidden link. */
  function download(name, type, content) {
    const url = URL.createObjectURL(new Blob([content], { type: type }));
    const a = h('a', { href: url, download: name, class: 'visually-hidden' });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  root.DudaoDom = { h: h, fill: fill, download: download, refuseForm: refuseForm, setFormRubric: setFormRubric };
})(globalThis);
