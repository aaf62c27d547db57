/*
 * choose/: answers the three questions from the decision table on the page
 * (each row carries data-what and data-venue), so the table stays the one
 * source of the recommendations and works on its own without JavaScript.
 * Classic script; no inline handlers (CSP).
 */
(function () {
  'use strict';
  const form = document.getElementById('choose-form');
  const table = document.getElementById('choose-table');
  if (!form || !table) return;
  const result = document.getElementById('choose-result');
  const rows = Array.from(table.querySelectorAll('tbody tr'));
  form.hidden = false;

  function checked(name) {
    return Array.from(form.querySelectorAll(`input[name="${name}"]:checked`)).map((i) => i.value);
  }

  /** [venue, note]: the venue the answers point to, and why it differs from question 2, if it does. */
  function venueFor(venue, forms) {
    if (forms.length >= 2) {
      const note = venue && venue !== 'combined' && venue !== 'other' ? '所选评价形式不止一种，按综合型评价现场推荐。' : '';
      return ['combined', note];
    }
    if (forms.length === 1 && (!venue || venue === 'other')) return [forms[0], ''];
    if (forms.length === 1 && venue !== forms[0] && venue !== 'combined') {
      return [venue, '所选现场类型与评价形式不一致，按现场类型推荐；请核对。'];
    }
    return [venue || '', ''];
  }

  function update() {
    const what = checked('what')[0];
    for (const fieldset of form.querySelectorAll('[data-only-for]')) {
      fieldset.hidden = fieldset.getAttribute('data-only-for') !== what;
    }
    rows.forEach((row) => row.classList.remove('is-recommended'));
    result.replaceChildren();
    if (!what) return;
    let venue = '';
    let note = '';
    if (what === 'activity') {
      [venue, note] = venueFor(checked('venue')[0], checked('form'));
      if (!venue) {
        result.append(paragraph('请回答第2题或第3题。'));
        return;
      }
    }
    const row = rows.find((r) => r.getAttribute('data-what') === what && r.getAttribute('data-venue') === venue);
    if (!row) return;
    row.classList.add('is-recommended');
    const link = row.querySelector('[data-rubric-link]');
    const heading = document.createElement('p');
    heading.className = 'choose-pick';
    heading.append('推荐：');
    const a = document.createElement('a');
    a.href = link.href;
    a.textContent = link.textContent;
    a.setAttribute('data-recommended', row.getAttribute('data-rubric'));
    heading.append(a);
    result.append(heading, paragraph('理由：' + row.querySelector('[data-reason]').textContent.trim()));
    if (note) result.append(paragraph(note));
    result.append(row.querySelector('.choose-links').cloneNode(true));
  }

  function paragraph(text) {
    const p = document.createElement('p');
    p.textContent = text;
    return p;
  }

  form.addEventListener('change', update);
  update();
})();
