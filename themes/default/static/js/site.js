/*
 * Behaviour shared by every page. A classic script (file:// refuses module
 * scripts); everything is wired with addEventListener because the
 * Content-Security-Policy forbids inline handlers.
 */
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  // Print buttons stay hidden without JavaScript, where they could not work.
  document.querySelectorAll('[data-print]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () { window.print(); });
  });
})();
