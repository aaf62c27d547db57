/*
 * Opening a rubric file in the builder (tailor/), apart from the DOM
 * (unit-tested in Node). read(text, fileName) accepts
 *
 *   - a rubric in YAML, as in rubrics/ (the builder's own 下载 YAML, or a
 *     hand-written one), parsed by the vendored js-yaml (static/vendor/);
 *   - a rubric in JSON: the model of api/rubrics/ID.json / `dudao dump`
 *     (content_hash checked), or the raw YAML document written as JSON;
 *   - an assessment file (format dudao-assessment): version 2 embeds the
 *     whole rubric (docs/assessment.md); version 1 does not and is refused;
 *
 * and gives back the raw rubric (the YAML document's shape, what
 * tailor-model.js and rubric-rules.js work on) with every rule problem,
 * located by line where the text allows. Errors are Chinese and name the
 * line and column. A structurally broken rubric (rule code `schema`) is
 * refused; other rule problems come back for the builder to show.
 *
 * Classic script: globalThis.DudaoTailorOpen (needs DudaoRubricRules,
 * DudaoTailorModel and jsyaml first), module.exports under Node.
 */
(function (root) {
  'use strict';

  /** Assessment files carry photos (docs/assessment.md: 50 MB). */
  const MAX_CHARS = 60 * 1024 * 1024;

  const libs = () => ({
    Rules: root.DudaoRubricRules || (typeof require === 'function' ? require('./rubric-rules.js') : null),
    M: root.DudaoTailorModel || (typeof require === 'function' ? require('./tailor-model.js') : null),
    yaml: root.jsyaml || (typeof require === 'function' ? require('../vendor/js-yaml/js-yaml.min.js') : null),
  });

  class OpenError extends Error {}
  const refuse = (message) => { throw new OpenError(message); };
  const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

  /** js-yaml's English reasons, as the builder's users read them. */
  const YAML_REASONS = [
    [/bad indentation/, '缩进不对（同一层的键要对齐，用空格不要用 Tab）'],
    [/duplicated mapping key/, '同一层出现了重复的键'],
    [/tab characters? must not be used/, '缩进里有 Tab 字符，请改用空格'],
    [/end of the stream or a document separator is expected/, '这里多出了内容，可能是缩进不对'],
    [/unexpected end of the stream/, '文件在字符串或列表中途结束了'],
    [/missed comma between flow collection entries/, '方括号或花括号中的项之间缺少逗号'],
    [/can not read a block mapping entry; a multiline key may not be an implicit key/, '键的写法不对：冒号后要有空格，键不能跨行'],
    [/incomplete explicit mapping pair/, '键值对不完整'],
    [/unknown escape sequence/, '双引号字符串里有无效的转义（\\）'],
    [/expected valid JSON character/, '双引号字符串里有无效字符'],
    [/unidentified alias|unknown alias/, '引用了不存在的锚点（*别名）'],
  ];

  function yamlReason(reason) {
    for (const [pattern, text] of YAML_REASONS) if (pattern.test(reason)) return text;
    return `YAML 语法错误（${reason}）`;
  }

  /**
   * Where JSON.parse gave up, as {line, column}: engines do not always say
   * (V8's "Unexpected token" has no position), so a small scanner finds the
   * first offset that cannot continue a JSON text.
   */
  function jsonWhere(text) {
    let i = 0;
    const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
    const fail = () => { throw i; };
    const literal = (word) => { if (text.startsWith(word, i)) i += word.length; else fail(); };
    function string() {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') {
          i++;
          if (text[i] === 'u') { if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail(); i += 4; } else if (!'"\\/bfnrt'.includes(text[i])) fail();
        } else if (text.charCodeAt(i) < 0x20) fail();
        i++;
      }
      if (i >= text.length) fail();
      i++;
    }
    function value() {
      ws();
      const c = text[i];
      if (c === '{' || c === '[') {
        const close = c === '{' ? '}' : ']';
        i++;
        ws();
        if (text[i] === close) { i++; return; }
        for (;;) {
          if (c === '{') { ws(); if (text[i] !== '"') fail(); string(); ws(); if (text[i] !== ':') fail(); i++; }
          value();
          ws();
          if (text[i] === ',') { i++; continue; }
          if (text[i] === close) { i++; return; }
          fail();
        }
      } else if (c === '"') string();
      else if (c === 't') literal('true');
      else if (c === 'f') literal('false');
      else if (c === 'n') literal('null');
      else {
        const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
        if (!m) fail();
        i += m[0].length;
      }
    }
    try {
      value();
      ws();
      if (i < text.length) fail();
      return null;
    } catch (at) {
      if (typeof at !== 'number') return null;
      const before = text.slice(0, at);
      return { line: before.split('\n').length, column: before.length - before.lastIndexOf('\n') };
    }
  }

  /** Refuses `__proto__` anywhere: it must never reach an object the page uses. */
  function checkKeys(value, depth) {
    if (depth > 64) refuse('文件嵌套过深，不是 dudao 评分表。');
    if (Array.isArray(value)) value.forEach((v) => checkKeys(v, depth + 1));
    else if (isObject(value)) {
      for (const key of Object.keys(value)) {
        if (key === '__proto__' || key === 'constructor' || key === 'prototype') refuse(`文件含有不允许的键“${key}”。`);
        checkKeys(value[key], depth + 1);
      }
    }
  }

  function parseYaml(text) {
    const { yaml } = libs();
    try {
      return yaml.load(text, { schema: yaml.CORE_SCHEMA, json: false });
    } catch (error) {
      if (!error || !error.mark) throw error;
      return refuse(`YAML 第 ${error.mark.line + 1} 行第 ${error.mark.column + 1} 列：${yamlReason(error.reason || '')}。`);
    }
  }

  function parseJson(text) {
    try {
      return JSON.parse(text);
    } catch (error) {
      const where = jsonWhere(text);
      return refuse(`JSON ${where ? `第 ${where.line} 行第 ${where.column} 列` : ''}格式错误：文件不是有效的 JSON，可能已损坏。`);
    }
  }

  /** A model rubric (api/rubrics/ID.json, dudao dump, an assessment's `rubric`) as its raw YAML document. */
  function rawFromModel(model, where) {
    const { M } = libs();
    if (typeof model.content_hash !== 'string' || !Array.isArray(model.stages) || typeof model.has_stages !== 'boolean') {
      refuse(`${where}不是 dudao 评分表（缺少 stages、has_stages 或 content_hash）。`);
    }
    let hash;
    try {
      hash = M.contentHash(model);
    } catch (error) {
      refuse(`${where}结构错误，不是 dudao 评分表。`);
    }
    if (hash !== model.content_hash) {
      refuse(`${where}“${String(model.title).slice(0, 80)}”与其内容校验值（content_hash）不符：导出后被修改过。请打开未改动的文件，或改用 YAML 文件。`);
    }
    try {
      return M.toRaw(M.fromModel(model), {
        id: model.id, title: model.title,
        based_on: model.kind === 'derived' ? model.based_on : model.id,
        rationale: model.kind === 'derived' ? model.rationale : undefined,
      });
    } catch (error) {
      return refuse(`${where}结构错误，不是 dudao 评分表。`);
    }
  }

  /** The 1-based line of the YAML text a rule problem's path points at, or null. */
  function lineOf(text, raw, path) {
    if (!path || typeof text !== 'string') return null;
    const parts = path.match(/[^.[\]]+/g) || [];
    let node = raw;
    let id = null;
    let key = null;
    for (const part of parts) {
      if (!node || typeof node !== 'object') break;
      if (isObject(node) && typeof node.id === 'string') id = node.id;
      key = /^\d+$/.test(part) ? null : part;
      node = node[/^\d+$/.test(part) ? Number(part) : part];
    }
    if (isObject(node) && typeof node.id === 'string') { id = node.id; key = null; }
    const lines = text.split(/\r?\n/);
    const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    let from = 0;
    if (id !== null) {
      const idLine = new RegExp(`^\\s*(?:-\\s+)?(?:"id"|id)\\s*:\\s*["']?${escape(id)}["']?\\s*,?\\s*(?:#.*)?$`);
      const at = lines.findIndex((l) => idLine.test(l));
      if (at < 0) return null;
      from = at;
      if (key === null || key === 'id') return at + 1;
    }
    if (key === null) return null;
    const keyLine = new RegExp(`^\\s*(?:-\\s+)?(?:"${escape(key)}"|${escape(key)})\\s*:`);
    for (let i = from; i < lines.length; i++) if (keyLine.test(lines[i])) return i + 1;
    return id !== null ? from + 1 : null;
  }

  /** One problem as the builder shows it: "第 L 行：message（位置 path）". */
  function describe(problem, line) {
    return `${line ? `第 ${line} 行：` : ''}${problem.message}${problem.path ? `（位置 ${problem.path}）` : ''}`;
  }

  /**
   * Reads a file's text. Returns {ok: true, raw, source, problems: [{...,
   * line, text}]} or {ok: false, message}. `source` says what the file was:
   * 'yaml', 'json-model', 'json-raw' or 'assessment'.
   */
  function read(text, fileName, options) {
    const { Rules } = libs();
    const opts = options || {};
    try {
      if (typeof text !== 'string') refuse('无法读取文件。');
      if (text.length > MAX_CHARS) refuse('文件过大（超过 60 MB），不是 dudao 评分表或评估文件。');
      text = text.replace(/^\uFEFF/, '');
      const name = String(fileName || '').toLowerCase();
      const json = name.endsWith('.json') || (!/\.ya?ml$/.test(name) && /^\s*[{[]/.test(text));
      const data = json ? parseJson(text) : parseYaml(text);
      if (!isObject(data)) refuse(json ? 'JSON 文件的内容不是对象，不是 dudao 评分表。' : 'YAML 文件的顶层不是键值对（应以 id: 开头），不是 dudao 评分表。');
      checkKeys(data, 0);
      let raw;
      let source;
      if (data.format === 'dudao-assessment') {
        if (data.version === 1) refuse('这是第 1 版评估文件：只记下了评分表的名称，没有评分表本身，无法从中打开评分表。请让对方用新版网站重新导出（第 2 版文件自带评分表），或直接打开评分表的 YAML 文件。');
        if (data.version !== 2) refuse(`不支持的评估文件版本“${String(data.version).slice(0, 20)}”。`);
        if (!isObject(data.rubric)) refuse('评估文件缺少评分表（rubric）。');
        raw = rawFromModel(data.rubric, '评估文件内嵌的评分表');
        source = 'assessment';
      } else if (json && 'content_hash' in data) {
        raw = rawFromModel(data, 'JSON 评分表');
        source = 'json-model';
      } else {
        raw = data;
        source = json ? 'json-raw' : 'yaml';
      }
      const problems = Rules.validate(raw, { fileStem: typeof raw.id === 'string' ? raw.id : undefined, rubricIds: opts.rubricIds })
        .map((p) => {
          const line = source === 'yaml' || source === 'json-raw' ? lineOf(text, raw, p.path) : null;
          return Object.assign({}, p, { line, text: describe(p, line) });
        });
      const broken = problems.find((p) => p.code === 'schema');
      if (broken) refuse(`评分表结构错误，无法打开：${broken.text}。`);
      return { ok: true, raw, source, problems };
    } catch (error) {
      if (error instanceof OpenError) return { ok: false, message: error.message };
      throw error;
    }
  }

  const api = { read, lineOf };
  root.DudaoTailorOpen = api;
  if (typeof module === 'object' && module.exports) module.exports = api;
})(globalThis);
