// The search engine: tokenizer, ranking, snippets. No DOM.
//
// A classic script, not an ES module: Chromium refuses module scripts on
// file://. In the browser it sets `DudaoSearchEngine`; under Node it is a
// CommonJS module, so tests/browser/search-engine.test.mjs checks it apart
// from the page.
//
// The tokenizer is the browser half of src/search.rs and must cut text
// exactly as it does: both are checked against
// tests/search_tokenizer_vectors.json. CJK runs are indexed as overlapping
// pairs; a query looks up its pairs, so 题库 finds 题库管理系统 and 考评员 is
// 考评 + 评员; a one-character query looks up every pair holding the
// character. ASCII letters/digits are words.
(function (root, factory) {
  'use strict';
  if (typeof module === 'object' && module.exports) {
    module.exports = factory();
  } else {
    root.DudaoSearchEngine = factory();
  }
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  var INDEX_VERSION = 1;
  var MAX_RESULTS = 10;
  var SNIPPET_CHARS = 72;
  // A document missing some query terms is pushed down hard: readers type
  // the words they want, all of them.
  var COVERAGE_POWER = 3;
  // The query's runs appear contiguously (a phrase, not scattered pairs).
  var PHRASE_IN_TITLE = 2.0;
  var PHRASE_IN_BODY = 1.6;
  var EXACT_TITLE = 3.0;
  // Official text is the authority: a row of a derived rubric (dudao's
  // adaptation) counts half, so the official row or indicator it paraphrases
  // comes first, and the derived one still shows when only it matches.
  var DERIVED_FACTOR = 0.5;

  var WORD = 1;
  var CJK = 2;
  var SEPARATOR = 0;

  // Full-width ASCII → ASCII, ideographic space → space, A–Z → a–z. One
  // UTF-16 unit in, one out: offsets into the result are offsets into the
  // text as written, which is how hits are highlighted.
  function normalize(text) {
    var out = '';
    for (var i = 0; i < text.length; i++) {
      var code = text.charCodeAt(i);
      if (code >= 0xff01 && code <= 0xff5e) code -= 0xfee0;
      else if (code === 0x3000) code = 0x20;
      if (code >= 0x41 && code <= 0x5a) code += 0x20;
      out += String.fromCharCode(code);
    }
    return out;
  }

  function charClass(cp) {
    if ((cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x30 && cp <= 0x39)) return WORD;
    if ((cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
        (cp >= 0xac00 && cp <= 0xd7af) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3ffff)) return CJK;
    return SEPARATOR;
  }

  // Maximal runs of one class, separators dropped: [{cls, chars}] where
  // chars are whole code points (an ideograph beyond the BMP is one char).
  function runs(normalized) {
    var out = [];
    var current = null;
    for (var ch of normalized) {
      var cls = charClass(ch.codePointAt(0));
      if (cls === SEPARATOR) {
        current = null;
      } else if (current && current.cls === cls) {
        current.chars.push(ch);
      } else {
        current = { cls: cls, chars: [ch] };
        out.push(current);
      }
    }
    return out;
  }

  // Each ASCII word, each overlapping pair of a CJK run, a one-character
  // CJK run as itself; in order, with repeats.
  function indexTerms(text) {
    var terms = [];
    runs(normalize(text)).forEach(function (run) {
      if (run.cls === CJK && run.chars.length > 1) {
        for (var i = 0; i + 1 < run.chars.length; i++) terms.push(run.chars[i] + run.chars[i + 1]);
      } else {
        terms.push(run.chars.join(''));
      }
    });
    return terms;
  }

  function queryTerms(text) {
    var terms = [];
    indexTerms(text).forEach(function (term) {
      if (terms.indexOf(term) < 0) terms.push(term);
    });
    return terms;
  }

  var NUMERALS = { '一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9 };

  // 十四 → 14, 三十三 → 33, 十 → 10; null for anything else.
  function chineseNumber(text) {
    var m = /^([一二三四五六七八九]?)(十?)([一二三四五六七八九]?)$/.exec(text);
    if (!m || text === '') return null;
    if (!m[2]) return m[3] ? null : NUMERALS[m[1]];
    return (m[1] ? NUMERALS[m[1]] : 1) * 10 + (m[3] ? NUMERALS[m[3]] : 0);
  }

  // The indicator number a query names: 14, 第14项, 指标14, 二级指标 14,
  // 第十四项. A bare Chinese numeral (十四) is not taken as one, nor a
  // count (33 个): they are also ordinary text.
  function numberQuery(text) {
    var q = normalize(text).replace(/\s+/g, '');
    var m = /^(?:二级)?(?:指标)?(?:第)?(\d{1,3})(?:项|条|号)?$/.exec(q);
    if (m) return parseInt(m[1], 10);
    m = /^(?:二级)?(?:指标)?(第)?([一二三四五六七八九十]{1,3})(项|条)?$/.exec(q);
    if (m && (m[1] || m[3] || q.indexOf('指标') === 0)) return chineseNumber(m[2]);
    return null;
  }

  function validIndex(index) {
    return !!index && index.v === INDEX_VERSION && Array.isArray(index.docs) &&
      typeof index.terms === 'object' && index.terms !== null &&
      index.docs.every(function (d) {
        return d && typeof d.k === 'string' && typeof d.u === 'string' && typeof d.t === 'string' &&
          typeof d.m === 'string' && Array.isArray(d.s);
      });
  }

  // Every offset where `needle` starts in `haystack`.
  function occurrences(haystack, needle) {
    var found = [];
    if (!needle) return found;
    for (var at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) found.push(at);
    return found;
  }

  // Sorted, merged [start, end) ranges of every query term in `normalized`.
  function hitRanges(normalized, terms) {
    var ranges = [];
    terms.forEach(function (term) {
      occurrences(normalized, term).forEach(function (at) { ranges.push([at, at + term.length]); });
    });
    ranges.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    });
    return merged;
  }

  // `text` cut to [start, end) as parts {text, hit}, hits from `ranges`.
  function parts(text, ranges, start, end) {
    var out = [];
    var at = start;
    ranges.forEach(function (r) {
      var from = Math.max(r[0], start);
      var to = Math.min(r[1], end);
      if (to <= from) return;
      if (from > at) out.push({ text: text.slice(at, from), hit: false });
      out.push({ text: text.slice(from, to), hit: true });
      at = to;
    });
    if (at < end) out.push({ text: text.slice(at, end), hit: false });
    return out;
  }

  // Never cut a character beyond the BMP in half.
  function safeOffset(text, at) {
    var code = text.charCodeAt(at);
    return code >= 0xdc00 && code <= 0xdfff ? at - 1 : at;
  }

  // A window of the text around its first hit, hits marked, "…" where cut.
  function snippet(text, ranges) {
    if (text.length <= SNIPPET_CHARS) return parts(text, ranges, 0, text.length);
    var first = ranges.length ? ranges[0][0] : 0;
    var start = safeOffset(text, Math.max(0, Math.min(first - 16, text.length - SNIPPET_CHARS)));
    var end = safeOffset(text, Math.min(text.length, start + SNIPPET_CHARS));
    var out = parts(text, ranges, start, end);
    if (start > 0) out.unshift({ text: '…', hit: false });
    if (end < text.length) out.push({ text: '…', hit: false });
    return out;
  }

  function contiguousPieces(normalizedQuery) {
    return runs(normalizedQuery).map(function (run) { return run.chars.join(''); });
  }

  // What to mark in `normalized`: each query piece where it appears whole,
  // and only the pairs of a piece that does not (so 考评员 marks 考评员, not
  // every 考评).
  function markTerms(normalized, pieces) {
    var marks = [];
    pieces.forEach(function (piece) {
      if (normalized.indexOf(piece) >= 0) marks.push(piece);
      else marks.push.apply(marks, queryTerms(piece));
    });
    return marks;
  }

  function createSearcher(index) {
    if (!validIndex(index)) throw new Error('search index has an unexpected shape or version');
    var docs = index.docs.map(function (d, i) {
      return {
        id: i,
        doc: d,
        title: normalize(d.t),
        segments: d.s.map(function (s) { return normalize(String(s[1])); }),
      };
    });
    var has = Object.prototype.hasOwnProperty;
    var termList = Object.keys(index.terms);
    var pairsOf = new Map();

    // The index terms a query term stands for: itself, and for a single
    // CJK character every pair that holds it (the index stores no single
    // characters of longer runs).
    function expand(term) {
      var chars = Array.from(term);
      if (chars.length !== 1 || charClass(term.codePointAt(0)) !== CJK) return has.call(index.terms, term) ? [term] : [];
      if (!pairsOf.has(term)) {
        pairsOf.set(term, termList.filter(function (t) { return t === term || (t.length > 1 && t.indexOf(term) >= 0 && charClass(t.codePointAt(0)) === CJK); }));
      }
      return pairsOf.get(term);
    }

    var byNumber = new Map();
    docs.forEach(function (d) { if (typeof d.doc.n === 'number') byNumber.set(d.doc.n, d); });

    // A number query names an indicator: it comes first, then the rubric
    // rows that draw on it, official before derived, in rubric order. The
    // number's digits are not looked up as text (第14项 would find every 项).
    function numberHits(number) {
      var hits = [{ d: byNumber.get(number), score: 3 }];
      docs.forEach(function (d) {
        if (Array.isArray(d.doc.i) && d.doc.i.indexOf(number) >= 0) hits.push({ d: d, score: d.doc.d ? 1 : 2 });
      });
      hits.sort(function (a, b) { return b.score - a.score || a.d.id - b.d.id; });
      return { terms: [], pieces: [], hits: hits };
    }

    function rank(query) {
      var normalizedQuery = normalize(query).trim();
      var terms = queryTerms(normalizedQuery);
      var number = numberQuery(normalizedQuery);
      if (number !== null && byNumber.has(number)) return numberHits(number);
      if (!terms.length) return { terms: terms, pieces: [], hits: [] };
      var score = new Map();
      var matched = new Map();
      terms.forEach(function (term) {
        var hitBy = new Set();
        expand(term).forEach(function (indexTerm) {
          var postings = index.terms[indexTerm];
          var doc = 0;
          for (var i = 0; i + 1 < postings.length; i += 2) {
            doc += postings[i];
            score.set(doc, (score.get(doc) || 0) + postings[i + 1]);
            hitBy.add(doc);
          }
        });
        hitBy.forEach(function (doc) { matched.set(doc, (matched.get(doc) || 0) + 1); });
      });
      var pieces = contiguousPieces(normalizedQuery);
      var hits = [];
      score.forEach(function (raw, id) {
        var d = docs[id];
        if (!d) return;
        var s = raw * Math.pow(matched.get(id) / terms.length, COVERAGE_POWER);
        var inTitle = pieces.every(function (p) { return d.title.indexOf(p) >= 0; });
        var inBody = !inTitle && pieces.every(function (p) {
          return d.title.indexOf(p) >= 0 || d.segments.some(function (seg) { return seg.indexOf(p) >= 0; });
        });
        if (d.title === pieces.join('')) s *= EXACT_TITLE;
        else if (inTitle) s *= PHRASE_IN_TITLE;
        else if (inBody) s *= PHRASE_IN_BODY;
        if (d.doc.d) s *= DERIVED_FACTOR;
        // A row or item of a derived rubric borrows or paraphrases official
        // text; a derived rubric as a whole has no official twin.
        var yields = d.doc.d && String(d.doc.k).indexOf('rubric:') !== 0 ? 1 : 0;
        hits.push({ d: d, score: s, coverage: matched.get(id), yields: yields });
      });
      // Official text first when both match: among documents holding as
      // many of the query's terms, official ones rank above the rows of
      // dudao's derived rubrics, whatever the weights (台账 finds
      // indicator 30 before the violations checklist row that borrows it).
      hits.sort(function (a, b) {
        return b.coverage - a.coverage || a.yields - b.yields || b.score - a.score || a.d.id - b.d.id;
      });
      return { terms: terms, pieces: pieces, hits: hits };
    }

    function present(hit, terms, pieces) {
      var d = hit.d;
      // The segment (criterion) holding the most distinct query terms.
      var best = -1;
      var bestCount = 0;
      d.segments.forEach(function (seg, i) {
        var count = terms.filter(function (t) { return seg.indexOf(t) >= 0; }).length;
        if (count > bestCount) { best = i; bestCount = count; }
      });
      var url = d.doc.u;
      var text = '';
      var ranges = [];
      if (best >= 0) {
        var anchor = d.doc.s[best][0];
        if (anchor) url = url.split('#')[0] + '#' + anchor;
        text = String(d.doc.s[best][1]);
        ranges = hitRanges(d.segments[best], markTerms(d.segments[best], pieces));
      } else if (d.doc.s.length) {
        text = String(d.doc.s[0][1]);
      }
      return {
        key: d.doc.k,
        url: url,
        title: parts(d.doc.t, hitRanges(d.title, markTerms(d.title, pieces)), 0, d.doc.t.length),
        meta: d.doc.m,
        snippet: snippet(text, ranges),
        also: (d.doc.a || []).map(function (a) { return { url: String(a[0]), meta: String(a[1]) }; }),
      };
    }

    // The best results for `query`, at most `limit` (default 10), each
    // {key, url, title: parts, meta, snippet: parts, also: [{url, meta}]}.
    function search(query, limit) {
      var ranked = rank(String(query));
      var results = [];
      // One result per key: the notice is indexed paragraph by paragraph.
      var seen = new Set();
      for (var i = 0; i < ranked.hits.length && results.length < (limit || MAX_RESULTS); i++) {
        var hit = ranked.hits[i];
        if (seen.has(hit.d.doc.k)) continue;
        seen.add(hit.d.doc.k);
        results.push(present(hit, ranked.terms, ranked.pieces));
      }
      return results;
    }

    return { search: search, size: docs.length };
  }

  return {
    INDEX_VERSION: INDEX_VERSION,
    normalize: normalize,
    indexTerms: indexTerms,
    queryTerms: queryTerms,
    numberQuery: numberQuery,
    validIndex: validIndex,
    createSearcher: createSearcher,
  };
});
