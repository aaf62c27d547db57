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

  // Keyboard hints mean nothing on a touch screen (phones, tablets).
  if (window.matchMedia('(hover: none), (pointer: coarse)').matches) {
    document.documentElement.classList.add('touch');
    document.querySelectorAll('input[placeholder]').forEach(function (input) {
      input.placeholder = input.placeholder.replace(/（按 . 键）$/, '');
    });
  }

  // Offline use of a hosted site (docs/site.md): the page links the web app
  // manifest only when the build made sw.js, which sits beside it at the
  // site root. Never on file://, where service workers do not exist.
  const manifest = document.querySelector('link[rel="manifest"]');
  if (!/^https?:$/.test(location.protocol) || !('serviceWorker' in navigator)) return;
  if (!manifest) {
    // Switched off ([offline] enabled = false): retire a worker an earlier build installed.
    navigator.serviceWorker.getRegistrations().then(function (registrations) {
      registrations.forEach(function (r) {
        const worker = r.active || r.waiting || r.installing;
        if (worker && /\/sw\.js$/.test(new URL(worker.scriptURL).pathname)) r.unregister();
      });
    }).catch(function () { /* nothing to retire */ });
    return;
  }
  let controlled = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener('controllerchange', function () {
    // The first install takes over quietly; a later one means a rebuilt site.
    if (controlled) showUpdated();
    controlled = true;
  });
  navigator.serviceWorker.register(new URL('sw.js', manifest.href).href, { updateViaCache: 'none' })
    .catch(function () { /* the site works online without it */ });

  function showUpdated() {
    if (document.querySelector('[data-site-updated]')) return;
    const box = document.createElement('p');
    box.className = 'site-updated';
    box.setAttribute('role', 'status');
    box.setAttribute('data-site-updated', '');
    box.append('网站已更新，刷新后生效。 ');
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = '刷新';
    button.addEventListener('click', function () { location.reload(); });
    box.append(button);
    document.body.append(box);
  }
})();
