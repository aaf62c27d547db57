/*
 * The rules `dudao check` applies to one rubric file, for the browser (the
 * rubric builder at tailor/ validates as you type) and for Node (the
 * agreement test runs these rules and `dudao check --format json` over the
 * same fixtures and compares the verdicts and diagnostic codes:
 * tests/browser/rubric-rules.test.mjs).
 *
 * Input is the rubric as written in YAML (the raw document: `stages` or
 * `groups`, declared `points`, `total`, `bands` …), as a plain object.
 * Output is a list of diagnostics {severity, code, message, path}; `code`
 * names the rule (see CODES), `message` is Chinese for the builder's users,
 * `path` points into the document (e.g. `stages[0].groups[1].rows[2]`).
 *
 * Mirrors src/validate.rs (validate_rubric, RubricCtx, bands, rubric ids
 * and bases) and the parse step of src/load.rs (required fields, types,
 * unknown fields: serde stops at the first such problem, so do we). Rules
 * about the rest of the project (catalogue files, evidence guides) do not
 * concern a single rubric and are not here.
 *
 * Classic script (file:// refuses module scripts): attaches
 * globalThis.DudaoRubricRules, and module.exports under Node.
 */
(function (root) {
  'use strict';

  const BAND_IDS = ['excellent', 'pass', 'fail'];
  /** Ceiling on any score, in half points (validate.rs MAX_HALVES). */
  const MAX_HALVES = 20000;

  /** What each code means; the agreement test maps dudao check's messages onto these. */
  const CODES = {
    schema: '文件结构错误：缺少必填字段、字段类型不对或有未知字段',
    'bad-id': 'id 不是小写短横线格式',
    'duplicate-id': 'id 在本表内重复',
    'id-file-mismatch': 'id 与文件名不一致',
    'empty-title': '标题为空',
    'empty-label': '结果或签字栏名称为空',
    'official-needs-source': '官方评分表缺少出处（source）',
    'derived-needs-basis': '派生评分表缺少 based_on 或 rationale',
    'stages-and-groups': '同时有 stages 和 groups',
    'no-rows': '评分表没有任何行',
    'empty-stage': '环节下没有一级指标',
    'empty-group': '一级指标下没有二级指标行',
    'empty-row': '二级指标行没有评分标准',
    'empty-text': '评分标准文字为空',
    'bad-points': '分值不是 0.5 的正整数倍',
    'subtotal-mismatch': '小计与各项之和不符',
    'total-mismatch': '总分与各项之和不符',
    'no-indicator': '行未对应任何二级指标',
    'unknown-indicator': '二级指标编号不存在',
    'duplicate-indicator': '同一行重复列出同一指标',
    'empty-veto': '不合格项没有条目',
    'unknown-band': '未知的分档 id',
    'bad-band-min': '分档下限不是 0.5 的非负整数倍',
    'band-above-total': '分档下限高于总分',
    'band-order': '分档未按从高到低排列',
    'band-set': '分档必须依次为 excellent、pass、fail',
    'no-bands': '没有分档',
    'band-floor': '最低分档不从 0 开始',
    'based-on-self': 'based_on 指向自身',
    'unknown-base': 'based_on 指向不存在的评分表',
    'bad-char': '文字含有控制字符或不成对的代理字符',
  };

  /**
   * What dudao check refuses in any text: control characters other than tab
   * and line breaks (YAML refuses them raw, XML in .docx/.xlsx refuses them;
   * src/validate/limits.rs `forbidden`), and unpaired UTF-16 surrogates,
   * which no UTF-8 file can hold.
   */
  const BAD_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

  /** Every string in the parsed document with its path. */
  function eachText(value, path, visit) {
    if (typeof value === 'string') visit(value, path);
    else if (Array.isArray(value)) value.forEach((item, i) => eachText(item, `${path}[${i}]`, visit));
    else if (value && typeof value === 'object') {
      for (const key of Object.keys(value)) eachText(value[key], join(path, key), visit);
    }
  }

  // ---- the parse step: fields, types (src/load.rs Raw* structs) ---------

  const str = { type: 'string' };
  const optStr = { type: 'string', optional: true };
  const num = { type: 'number' };
  const optNum = { type: 'number', optional: true };
  /** `#[serde(default)] Vec`: may be left out, but not null. */
  const strList = { type: 'array', of: str, defaulted: true };

  const SHAPES = {};
  SHAPES.criterion = { id: str, text: str, points: num, editorial_note: optStr, rationale: optStr };
  SHAPES.row = {
    id: str, title: str, indicators: { type: 'array', of: { type: 'integer' } },
    editorial_note: optStr, rationale: optStr, criteria: { type: 'array', of: { type: 'object', shape: 'criterion' } },
  };
  SHAPES.group = {
    id: str, title: str, points: optNum, editorial_note: optStr, rationale: optStr,
    rows: { type: 'array', of: { type: 'object', shape: 'row' } },
  };
  SHAPES.stage = {
    id: str, title: str, points: optNum, editorial_note: optStr, rationale: optStr,
    groups: { type: 'array', of: { type: 'object', shape: 'group' } },
  };
  SHAPES.vetoItem = { id: str, text: str, rationale: optStr };
  SHAPES.veto = { title: str, intro: optStr, items: { type: 'array', of: { type: 'object', shape: 'vetoItem' } } };
  SHAPES.band = { id: str, label: str, min: num, consequence: optStr };
  SHAPES.labels = { result: optStr, signatures: { type: 'array', of: str, optional: true } };
  SHAPES.rubric = {
    id: str, title: str, label: optStr, kind: { type: 'kind' }, source: optStr, based_on: optStr,
    rationale: optStr, total: optNum, scoring_rule: str, header_fields: strList,
    labels: { type: 'object', shape: 'labels', optional: true },
    stages: { type: 'array', of: { type: 'object', shape: 'stage' }, optional: true },
    groups: { type: 'array', of: { type: 'object', shape: 'group' }, optional: true },
    veto: { type: 'object', shape: 'veto', optional: true },
    bands: { type: 'array', of: { type: 'object', shape: 'band' } },
    notes: strList, editorial_notes: strList,
  };

  /**
   * The document as serde reads it: {value} with scalars coerced the way the
   * YAML loader coerces them (quoted numbers are numbers, numbers and
   * booleans are text), or {problem} for the first structural problem.
   */
  function read(value, spec, path) {
    const fail = (message) => ({ problem: { path, message } });
    if (value === undefined) return spec.optional || spec.defaulted ? { value } : fail(`缺少必填字段 ${path.split('.').pop()}`);
    if (value === null) return spec.optional ? { value } : fail(`${path} 不能为空`);
    switch (spec.type) {
      case 'string':
        if (typeof value === 'string') return { value };
        return typeof value === 'number' || typeof value === 'boolean' ? { value: String(value) } : fail(`${path} 应为文字`);
      case 'number':
        if (typeof value === 'number') return { value };
        return typeof value === 'string' && YAML_FLOAT.test(value.trim()) ? { value: Number(value) } : fail(`${path} 应为数字`);
      case 'integer':
        if (Number.isInteger(value)) return { value };
        return typeof value === 'string' && /^[-+]?\d+$/.test(value.trim()) ? { value: Number(value) } : fail(`${path} 应为整数`);
      case 'kind':
        return value === 'official' || value === 'derived' ? { value } : fail('kind 只能是 official 或 derived');
      case 'array': {
        if (!Array.isArray(value)) return fail(`${path} 应为列表`);
        const items = [];
        for (let i = 0; i < value.length; i++) {
          const item = read(value[i], spec.of, `${path}[${i}]`);
          if (item.problem) return item;
          items.push(item.value);
        }
        return { value: items };
      }
      case 'object': {
        if (typeof value !== 'object' || Array.isArray(value)) return fail(`${path || '文件'} 应为“键: 值”结构`);
        const shape = SHAPES[spec.shape];
        for (const key of Object.keys(value)) {
          if (!(key in shape)) return { problem: { path: join(path, key), message: `未知字段 ${key}` } };
        }
        const object = {};
        for (const [key, fieldSpec] of Object.entries(shape)) {
          const field = read(value[key], fieldSpec, join(path, key));
          if (field.problem) return field;
          if (field.value !== undefined) object[key] = field.value;
        }
        return { value: object };
      }
      default:
        throw new Error('unknown spec ' + spec.type);
    }
  }

  const YAML_FLOAT = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

  function join(path, key) {
    return path ? `${path}.${key}` : key;
  }

  // ---- points in half points --------------------------------------------

  /** Halves for a valid score, else null (Points::from_f64 plus the positive/ceiling rule). */
  function positiveHalves(value) {
    const halves = value * 2;
    if (!Number.isFinite(value) || value <= 0 || !Number.isInteger(halves) || halves > MAX_HALVES) return null;
    return halves;
  }

  function nonNegativeHalves(value) {
    const halves = value * 2;
    if (!Number.isFinite(value) || value < 0 || !Number.isInteger(halves)) return null;
    return halves;
  }

  function show(halves) {
    return halves % 2 === 0 ? String(halves / 2) : `${(halves - 1) / 2}.5`;
  }

  const KEBAB = /^[a-z0-9-]+$/;

  // ---- the rules ----------------------------------------------------------

  /**
   * Validates one rubric document.
   * options: fileStem (the file name without extension; default: the id),
   *          indicators (known indicator numbers; default 1–33),
   *          rubricIds (ids of the other rubrics, for based_on; default: no check).
   */
  function validate(input, options) {
    const opts = options || {};
    const out = [];
    const parsed = read(input, { type: 'object', shape: 'rubric' }, '');
    if (parsed.problem) {
      out.push({ severity: 'error', code: 'schema', message: parsed.problem.message, path: parsed.problem.path });
      return out;
    }
    const doc = parsed.value;
    const known = new Set(opts.indicators || range(1, 33));
    const ids = new Map();
    let rejected = 0;
    const error = (code, path, message) => out.push({ severity: 'error', code, message, path });
    eachText(doc, '', (text, path) => {
      const found = BAD_CHAR.exec(text);
      if (found) {
        const code = found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
        error('bad-char', path, `${path} 含有控制字符或不成对的代理字符（U+${code}），dudao check 会拒绝：请删除该字符`);
      }
    });

    function checkId(id, what, path) {
      if (!(id.length > 0 && KEBAB.test(id) && !id.startsWith('-') && !id.endsWith('-'))) {
        error('bad-id', path, `${what} id “${id}”只能使用小写字母、数字和短横线，且不能以短横线开头或结尾`);
      }
      if (ids.has(id)) error('duplicate-id', path, `id “${id}”已被${ids.get(id)}使用，同一评分表内的 id 不能重复`);
      else ids.set(id, what);
    }

    function points(value, what, path) {
      const halves = positiveHalves(value);
      if (halves === null) {
        error('bad-points', path, `${what}分值须为 0.5 的正整数倍（不超过 ${MAX_HALVES / 2}），现为“${value}”`);
        rejected++;
      }
      return halves;
    }

    function subtotal(declared, sum, what, parts, complete, path) {
      if (declared === undefined || declared === null) return;
      const halves = points(declared, what, path);
      if (halves === null) return;
      if (complete && halves !== sum) {
        error('subtotal-mismatch', path, `${what}标明 ${show(halves)} 分，但其${parts}合计 ${show(sum)} 分`);
      }
    }

    function indicatorRefs(refs, rowTitle, path) {
      if (refs.length === 0) error('no-indicator', path, `二级指标行“${rowTitle}”未对应任何指标（1–33）`);
      const seen = new Set();
      refs.forEach((n, i) => {
        if (!known.has(n)) {
          error('unknown-indicator', `${path}[${i}]`, `指标 ${n} 不存在，请使用 1–33 之间的二级指标编号`);
          return;
        }
        if (seen.has(n)) {
          error('duplicate-indicator', `${path}[${i}]`, `指标 ${n} 在“${rowTitle}”中重复列出`);
          return;
        }
        seen.add(n);
      });
    }

    function group(g, path) {
      checkId(g.id, '一级指标', `${path}.id`);
      if (g.rows.length === 0) error('empty-group', path, `一级指标“${g.title}”下没有二级指标行`);
      const before = rejected;
      let sum = 0;
      g.rows.forEach((row, r) => {
        const rowPath = `${path}.rows[${r}]`;
        checkId(row.id, '二级指标行', `${rowPath}.id`);
        indicatorRefs(row.indicators, row.title, `${rowPath}.indicators`);
        if (row.criteria.length === 0) error('empty-row', rowPath, `二级指标行“${row.title}”没有评分标准`);
        row.criteria.forEach((c, k) => {
          const cPath = `${rowPath}.criteria[${k}]`;
          checkId(c.id, '评分标准', `${cPath}.id`);
          if (c.text.trim() === '') error('empty-text', `${cPath}.text`, '评分标准文字为空');
          const halves = points(c.points, '评分标准', `${cPath}.points`);
          if (halves !== null) sum += halves;
        });
      });
      subtotal(g.points, sum, `一级指标“${g.title}”`, '各行', rejected === before, `${path}.points`);
      return sum;
    }

    function stage(s, path) {
      checkId(s.id, '环节', `${path}.id`);
      const before = rejected;
      let sum = 0;
      s.groups.forEach((g, i) => { sum += group(g, `${path}.groups[${i}]`); });
      if (s.groups.length === 0) error('empty-stage', path, `环节“${s.title}”下没有一级指标`);
      subtotal(s.points, sum, `环节“${s.title}”`, '各一级指标', rejected === before, `${path}.points`);
      return sum;
    }

    checkId(doc.id, '评分表', 'id');
    const stem = opts.fileStem === undefined ? doc.id : opts.fileStem;
    if (doc.id !== stem) error('id-file-mismatch', 'id', `id “${doc.id}”与文件名“${stem}.yaml”不一致`);
    if (doc.title.trim() === '') error('empty-title', 'title', '评分表标题为空');
    if (doc.labels) {
      if (doc.labels.result != null && doc.labels.result.trim() === '') error('empty-label', 'labels', '结果栏名称（labels.result）为空');
      const signatures = doc.labels.signatures;
      if (signatures != null && (signatures.length === 0 || signatures.some((s) => s.trim() === ''))) {
        error('empty-label', 'labels', '签字栏（labels.signatures）为空或含空行');
      }
    }
    if (doc.kind === 'official' && doc.source == null) {
      error('official-needs-source', 'kind', '官方评分表须写明出处（source）');
    } else if (doc.kind === 'derived' && (doc.based_on == null || doc.rationale == null)) {
      error('derived-needs-basis', 'kind', '派生评分表须写明改编自哪张表（based_on）和改编理由（rationale）');
    }

    const hasStages = doc.stages != null;
    const hasGroups = doc.groups != null;
    let sum = 0;
    if (hasStages && !hasGroups) {
      doc.stages.forEach((s, i) => { sum += stage(s, `stages[${i}]`); });
    } else if (hasGroups && !hasStages) {
      doc.groups.forEach((g, i) => { sum += group(g, `groups[${i}]`); });
    } else if (hasStages && hasGroups) {
      error('stages-and-groups', 'id', '评分表不能同时有 stages 和 groups');
    } else {
      error('no-rows', 'id', '评分表没有任何行：请添加 stages 或 groups');
    }
    const emptyList = hasStages !== hasGroups && (hasStages ? doc.stages : doc.groups).length === 0;
    if (emptyList) error('no-rows', 'id', '评分表没有任何行');
    const anyGroups = hasStages !== hasGroups && (hasStages ? doc.stages.some((s) => s.groups.length > 0) : doc.groups.length > 0);

    let declaredTotal = 200;
    if (doc.total != null) declaredTotal = points(doc.total, '总分', 'total');
    if (declaredTotal !== null && anyGroups && rejected === 0 && sum !== declaredTotal) {
      error('total-mismatch', doc.total != null ? 'total' : 'id', doc.total != null
        ? `总分标明 ${show(declaredTotal)} 分，但各评分标准合计 ${show(sum)} 分`
        : `各评分标准合计 ${show(sum)} 分，不是 100 分`);
    }

    if (doc.veto) {
      if (doc.veto.items.length === 0) error('empty-veto', 'veto.items', '不合格项没有条目');
      doc.veto.items.forEach((item, i) => checkId(item.id, '不合格项', `veto.items[${i}].id`));
    }

    bands(doc.bands, declaredTotal === null ? sum : declaredTotal);

    function bands(list, total) {
      const valid = [];
      let previous = null;
      let bad = false;
      list.forEach((band, i) => {
        const path = `bands[${i}]`;
        if (!BAND_IDS.includes(band.id)) error('unknown-band', `${path}.id`, `未知的分档 id “${band.id}”：只能是 excellent（优良）、pass（合格）、fail（不合格）`);
        checkId(band.id, '分档', `${path}.id`);
        const min = nonNegativeHalves(band.min);
        if (min === null) {
          error('bad-band-min', `${path}.min`, `分档“${band.label}”的下限须为 0.5 的非负整数倍，现为“${band.min}”`);
          bad = true;
          return;
        }
        if (min > total) error('band-above-total', `${path}.min`, `分档“${band.label}”从 ${show(min)} 分起，高于总分 ${show(total)} 分`);
        if (previous !== null && min >= previous) error('band-order', `${path}.min`, `分档“${band.label}”的下限须低于上一档`);
        previous = min;
        valid.push({ id: band.id, min });
      });
      if (bad) return;
      const idsInOrder = valid.map((b) => b.id).join(',');
      if (valid.length > 0 && idsInOrder !== BAND_IDS.join(',')) {
        error('band-set', 'bands', '分档须依次为 excellent（优良）、pass（合格）、fail（不合格）');
      } else if (valid.length === 0) {
        error('no-bands', 'bands', '没有分档：请添加优良（85）、合格（60）、不合格（0）三档');
      }
      if (valid.length > 0 && valid[valid.length - 1].min !== 0) {
        error('band-floor', `bands[${list.length - 1}].min`, `最低一档须从 0 分开始，现为 ${show(valid[valid.length - 1].min)} 分`);
      }
    }

    if (doc.based_on != null) {
      if (doc.based_on === doc.id) {
        error('based-on-self', 'based_on', '评分表不能改编自自身');
      } else if (opts.rubricIds && !opts.rubricIds.includes(doc.based_on)) {
        error('unknown-base', 'based_on', `based_on 指向的评分表“${doc.based_on}”不存在`);
      }
    }
    return out;
  }

  function range(from, to) {
    const numbers = [];
    for (let n = from; n <= to; n++) numbers.push(n);
    return numbers;
  }

  const api = { validate, CODES, BAND_IDS, MAX_HALVES, positiveHalves };
  root.DudaoRubricRules = api;
  if (typeof module === 'object' && module.exports) module.exports = api;
})(globalThis);
