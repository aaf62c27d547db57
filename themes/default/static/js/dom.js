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

  root.DudaoDom = { h: h, fill: fill };
})(globalThis);
