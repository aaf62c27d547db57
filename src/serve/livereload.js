// dudao serve's live reload: served at /__dudao/livereload.js and added to
// pages only by `dudao serve`, never by `dudao build`. It listens to the
// server's event stream (same origin, so the pages' CSP allows it as is):
// after a successful rebuild it reloads the page if the page changed,
// keeping the scroll position; after a failed one it shows the errors over
// the page until the next successful rebuild.
//
// A rebuild comes in two events: `reload` once its pages are ready, with
// the paths they changed, and `ready` once the whole-site data after them
// (search index, api/, the pages that embed every rubric) is made, with
// the paths it changed. A page loaded from the pages step needs nothing of
// `ready` (the server held its requests for the data until then); any
// other page weighs `ready`'s paths as it weighs `reload`'s.
(function (root) {
  'use strict';

  var SCROLL_KEY = 'dudao-serve-scroll';
  var OVERLAY_ID = 'dudao-serve-errors';

  var LiveReload = {
    // Whether the page at `pathname` must reload for a rebuild that changed
    // `changed` (site paths; null: too many to list). A page shows its own
    // HTML plus stylesheets, scripts and data files, so any change that is
    // not some other page counts.
    mustReload: function (pathname, changed) {
      if (!changed) return true;
      var own = pathname.replace(/^\//, '');
      if (own === '' || own.slice(-1) === '/') own += 'index.html';
      for (var i = 0; i < changed.length; i++) {
        var path = changed[i];
        if (path === own || !/\.html$/.test(path)) return true;
      }
      return false;
    },

    // "rubrics/annex-1.yaml:12:5" from a diagnostic.
    location: function (d) {
      var where = d.file;
      if (d.line) where += ':' + d.line + (d.column ? ':' + d.column : '');
      return where;
    },
  };

  if (typeof module !== 'undefined' && module.exports) module.exports = LiveReload;
  root.DudaoLiveReload = LiveReload;
  if (typeof document === 'undefined' || typeof EventSource === 'undefined') return;

  function restoreScroll() {
    var saved;
    try {
      saved = JSON.parse(sessionStorage.getItem(SCROLL_KEY) || 'null');
      sessionStorage.removeItem(SCROLL_KEY);
    } catch (e) {
      return;
    }
    if (saved && saved.path === location.pathname && typeof saved.y === 'number') {
      window.scrollTo(saved.x || 0, saved.y);
    }
  }

  function reload() {
    try {
      sessionStorage.setItem(
        SCROLL_KEY,
        JSON.stringify({ path: location.pathname, x: window.scrollX, y: window.scrollY })
      );
    } catch (e) {
      // Storage refused (private mode): reload without the position.
    }
    location.reload();
  }

  function hideErrors() {
    var old = document.getElementById(OVERLAY_ID);
    if (old) old.remove();
  }

  // Styles are set through element.style: the CSP refuses style attributes
  // in markup, not the CSS object model.
  function showErrors(diagnostics) {
    hideErrors();
    var box = document.createElement('section');
    box.id = OVERLAY_ID;
    box.setAttribute('role', 'alert');
    box.setAttribute('aria-label', '构建失败');
    var s = box.style;
    s.position = 'fixed';
    s.left = s.right = s.top = '0';
    s.maxHeight = '80vh';
    s.overflow = 'auto';
    s.zIndex = '2147483647';
    s.background = '#fff5f5';
    s.color = '#222';
    s.borderBottom = '4px solid #b00020';
    s.padding = '1em 1.5em';
    s.font = '15px/1.5 system-ui, sans-serif';
    s.boxShadow = '0 4px 16px rgba(0,0,0,.3)';
    var title = document.createElement('h2');
    title.textContent = '构建失败：以下错误改正后页面会自动刷新';
    title.style.margin = '0 0 .5em';
    title.style.color = '#b00020';
    title.style.fontSize = '18px';
    box.appendChild(title);
    var list = document.createElement('ul');
    list.style.margin = '0';
    list.style.paddingLeft = '1.2em';
    diagnostics.forEach(function (d) {
      if (d.severity !== 'error') return;
      var item = document.createElement('li');
      item.style.marginBottom = '.5em';
      var where = document.createElement('code');
      where.textContent = LiveReload.location(d);
      where.style.fontWeight = 'bold';
      item.appendChild(where);
      item.appendChild(document.createTextNode('：' + d.message));
      if (d.hint) {
        var hint = document.createElement('div');
        hint.textContent = '提示：' + d.hint;
        hint.style.color = '#555';
        item.appendChild(hint);
      }
      list.appendChild(item);
    });
    box.appendChild(list);
    document.body.appendChild(box);
  }

  restoreScroll();
  // The build the page was loaded from (the first `hello`), and the last
  // build announced since.
  var loaded = null;
  var generation = null;
  var reloading = false;
  function reloadIf(pathname, changed) {
    if (!reloading && LiveReload.mustReload(pathname, changed)) {
      reloading = true;
      reload();
    }
  }
  var events = new EventSource('/__dudao/events');
  events.addEventListener('hello', function (e) {
    var data = JSON.parse(e.data);
    // A rebuild finished while the stream was down (serve restarted).
    if (generation !== null && data.generation !== generation) return reloadIf(location.pathname, null);
    generation = data.generation;
    if (loaded === null) loaded = data.generation;
    document.documentElement.setAttribute('data-dudao-live', 'connected');
  });
  events.addEventListener('reload', function (e) {
    var data = JSON.parse(e.data);
    generation = data.generation;
    hideErrors();
    reloadIf(location.pathname, data.changed);
  });
  events.addEventListener('ready', function (e) {
    var data = JSON.parse(e.data);
    generation = data.generation;
    if (data.generation !== loaded) reloadIf(location.pathname, data.changed);
  });
  events.addEventListener('failed', function (e) {
    showErrors(JSON.parse(e.data).diagnostics);
  });
})(typeof globalThis !== 'undefined' ? globalThis : this);
