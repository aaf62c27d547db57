// The search box (templates/search.html): loads the engine and the index
// on first use, shows results as the reader types, keyboard navigation.
//
// Nothing is fetched until the reader focuses the box or presses "/": then
// search-engine.js and search-index.js arrive as classic <script> elements,
// the one way to load data that works from file:// (where Chromium blocks
// fetch and module scripts) as well as from a server, under a CSP of
// script-src 'self'. Results are built with DOM calls and textContent only.
(function () {
  'use strict';

  var box = document.querySelector('[data-search]');
  var script = document.currentScript;
  if (!box || !script) return;
  var input = box.querySelector('input[type=search]');
  var panel = box.querySelector('[data-search-panel]');
  var list = box.querySelector('[data-search-results]');
  var status = box.querySelector('.search-status');
  // The site root, relative to this page: the script's own src without
  // static/js/search.js. Result links are the index's site-relative URLs
  // under it, so they work from file:// and under any base path.
  var root = script.getAttribute('src').replace(/static\/js\/search\.js(?:[?#].*)?$/, '');

  var searcher = null;
  var loading = null;
  var results = [];

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement('script');
      el.src = src;
      el.async = false;
      el.onload = resolve;
      el.onerror = function () { reject(new Error(src)); };
      document.head.appendChild(el);
    });
  }

  function load() {
    if (!loading) {
      loading = Promise.all([
        loadScript(root + 'static/js/search-engine.js'),
        loadScript(root + 'static/search-index.js'),
      ]).then(function () {
        searcher = window.DudaoSearchEngine.createSearcher(window.DUDAO_SEARCH_INDEX);
      }).catch(function () {
        loading = null;
        showStatus('搜索索引加载失败，请刷新页面后重试。');
      });
    }
    return loading;
  }

  function showStatus(text) {
    panel.hidden = false;
    status.textContent = text;
  }

  // [{text, hit}] → text nodes and <mark>s.
  function appendParts(parent, parts) {
    parts.forEach(function (part) {
      if (part.hit) {
        var mark = document.createElement('mark');
        mark.textContent = part.text;
        parent.appendChild(mark);
      } else {
        parent.appendChild(document.createTextNode(part.text));
      }
    });
  }

  function render(query) {
    list.replaceChildren();
    results = query.trim() ? searcher.search(query) : [];
    if (!query.trim()) {
      panel.hidden = true;
      status.textContent = '';
      delete list.dataset.query;
      return;
    }
    results.forEach(function (result) {
      var item = document.createElement('li');
      var link = document.createElement('a');
      link.href = root + result.url;
      link.dataset.key = result.key;
      var title = document.createElement('span');
      title.className = 'search-result-title';
      appendParts(title, result.title);
      var meta = document.createElement('span');
      meta.className = 'search-result-meta';
      meta.textContent = result.meta;
      var snippet = document.createElement('span');
      snippet.className = 'search-result-snippet';
      appendParts(snippet, result.snippet);
      link.append(title, meta, snippet);
      item.appendChild(link);
      if (result.also.length) {
        var also = document.createElement('span');
        also.className = 'search-result-also';
        also.textContent = '另见于 ' + result.also.length + ' 个派生评分表';
        also.title = result.also.map(function (a) { return a.meta; }).join('\n');
        item.appendChild(also);
      }
      list.appendChild(item);
    });
    // Tells scripts (and tests) which query the list now answers.
    list.dataset.query = query;
    showStatus(results.length ? '找到 ' + results.length + ' 条结果，按 ↓ 选择，回车打开' : '没有找到与“' + query.trim() + '”相关的内容');
  }

  function update() {
    var query = input.value;
    load().then(function () {
      // The reader may have typed on while the index loaded.
      if (searcher && input.value === query) render(query);
    });
  }

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll('a'));
  }

  function move(from, step) {
    var all = links();
    if (!all.length) return;
    var at = all.indexOf(from) + step;
    if (at < 0) input.focus();
    else all[Math.min(at, all.length - 1)].focus();
  }

  input.addEventListener('focus', load);
  input.addEventListener('input', update);
  input.addEventListener('keydown', function (event) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      move(null, 1);
    } else if (event.key === 'Enter') {
      var first = links()[0];
      if (first && input.value.trim()) {
        event.preventDefault();
        window.location.href = first.href;
      }
    } else if (event.key === 'Escape') {
      input.value = '';
      render('');
    }
  });
  list.addEventListener('keydown', function (event) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      move(document.activeElement, event.key === 'ArrowDown' ? 1 : -1);
    } else if (event.key === 'Escape') {
      input.focus();
    }
  });
  box.addEventListener('focusout', function (event) {
    if (!box.contains(event.relatedTarget)) panel.hidden = true;
  });
  input.addEventListener('focus', function () {
    if (input.value.trim() && list.childNodes.length) panel.hidden = false;
  });

  // "/" focuses the box from anywhere but a text field.
  document.addEventListener('keydown', function (event) {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    event.preventDefault();
    input.focus();
    input.select();
  });
})();
