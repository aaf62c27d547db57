/*
 * The rubric builder's data layer, apart from the DOM (unit-tested in Node):
 *
 *   model rubric (as `dudao dump` / the page's JSON)  → work   (fromModel)
 *   work (rows/criteria switched on and off, edited)  → raw    (toRaw)
 *   raw (the YAML document)                           → YAML   (toYaml)
 *   raw                                               → model  (toModel,
 *       with the same content_hash dudao computes, so the self-assessment
 *       form and `dudao build` of the downloaded YAML see the same rubric)
 *
 * plus rescale(): points to a target total in half-point steps with an exact
 * sum (largest remainder). Scores are handled in integer half points.
 *
 * Classic script: globalThis.DudaoTailorModel, module.exports under Node.
 */
(function (root) {
  'use strict';

  const halves = (points) => Math.round(points * 2);
  const points = (h) => h / 2;
  const clone = (value) => JSON.parse(JSON.stringify(value));
  const has = (value) => value !== null && value !== undefined;

  // ---- model → work ---------------------------------------------------------

  /**
   * An editable copy of a model rubric: the raw shape (stages or groups),
   * each row and criterion with `on: true`. Nothing of the model is lost.
   */
  function fromModel(model) {
    const groups = (stage) => stage.groups.map((g) => ({
      id: g.id, title: g.title, editorial_note: g.editorial_note, rationale: g.rationale,
      rows: g.rows.map((r) => ({
        on: true, id: r.id, title: r.title, indicators: r.indicators.slice(),
        editorial_note: r.editorial_note, rationale: r.rationale,
        criteria: r.criteria.map((c) => ({
          on: true, id: c.id, text: c.text, points: c.points,
          editorial_note: c.editorial_note, rationale: c.rationale,
        })),
      })),
    }));
    return {
      id: model.id, title: model.title, label: model.label, kind: model.kind, source: model.source,
      based_on: model.based_on, rationale: model.rationale, scoring_rule: model.scoring_rule,
      header_fields: model.header_fields.slice(),
      labels: model.labels ? clone(model.labels) : null,
      has_stages: model.has_stages,
      stages: model.stages.map((s) => ({
        id: s.id, title: s.title, editorial_note: s.editorial_note, rationale: s.rationale, groups: groups(s),
      })),
      veto: model.veto ? clone(model.veto) : null,
      bands: clone(model.bands),
      notes: model.notes.slice(),
      editorial_notes: model.editorial_notes.slice(),
    };
  }

  /** Every criterion that counts: switched on, in a row that is switched on. */
  function liveCriteria(work) {
    const out = [];
    for (const s of work.stages) for (const g of s.groups) for (const r of g.rows) {
      if (!r.on) continue;
      for (const c of r.criteria) if (c.on) out.push(c);
    }
    return out;
  }

  function totalHalves(work) {
    return liveCriteria(work).reduce((sum, c) => sum + halves(Number(c.points) || 0), 0);
  }

  // ---- rescale ----------------------------------------------------------------

  /**
   * Scales the live criteria to `target` points (default 100): every
   * criterion keeps at least half a point, results are multiples of 0.5,
   * and they add up to exactly `target` — the halves left after rounding
   * down go to the largest remainders (ties: the earlier criterion).
   * Returns false (and changes nothing) when it cannot be done.
   */
  function rescale(work, target) {
    const goal = halves(target === undefined ? 100 : target);
    const live = liveCriteria(work);
    const weights = live.map((c) => Math.max(0, Number(c.points) || 0));
    const sum = weights.reduce((a, b) => a + b, 0);
    if (live.length === 0 || live.length > goal) return false;
    // With no usable weights, share equally.
    const w = sum > 0 ? weights : weights.map(() => 1);
    const total = sum > 0 ? sum : live.length;
    const quotas = w.map((x) => (x * goal) / total);
    const result = quotas.map((q) => Math.max(1, Math.floor(q)));
    let left = goal - result.reduce((a, b) => a + b, 0);
    const order = quotas.map((q, i) => ({ i, rest: q - Math.floor(q) }))
      .sort((a, b) => b.rest - a.rest || a.i - b.i);
    for (let k = 0; left > 0; k = (k + 1) % order.length) {
      result[order[k].i]++;
      left--;
    }
    // The half-point floors can overshoot when many tiny quotas were raised
    // to 0.5: take the excess back from the largest, never below 0.5.
    while (left < 0) {
      let biggest = 0;
      for (let i = 1; i < result.length; i++) if (result[i] > result[biggest]) biggest = i;
      if (result[biggest] <= 1) return false;
      result[biggest]--;
      left++;
    }
    live.forEach((c, i) => { c.points = points(result[i]); });
    return true;
  }

  // ---- work → raw (the YAML document) ----------------------------------------

  /**
   * The rubric as its YAML file holds it: switched-off rows and criteria left
   * out, groups and stages that lost every row dropped, subtotals declared
   * as computed. `meta` overrides id, title, rationale (kind is derived,
   * based_on the rubric it started from).
   */
  function toRaw(work, meta) {
    const m = meta || {};
    const groupsOf = (stage) => stage.groups.map((g) => {
      const rows = g.rows.filter((r) => r.on).map((r) => prune({
        id: r.id, title: r.title, indicators: r.indicators.slice(),
        editorial_note: r.editorial_note, rationale: r.rationale,
        criteria: r.criteria.filter((c) => c.on).map((c) => prune({
          id: c.id, text: c.text, points: Number(c.points),
          editorial_note: c.editorial_note, rationale: c.rationale,
        })),
      }));
      return { g, rows };
    }).filter(({ rows }) => rows.length > 0).map(({ g, rows }) => prune({
      id: g.id, title: g.title, points: sumRows(rows), editorial_note: g.editorial_note, rationale: g.rationale, rows,
    }));
    const raw = {
      id: m.id !== undefined ? m.id : work.id,
      title: m.title !== undefined ? m.title : work.title,
      kind: 'derived',
      based_on: m.based_on !== undefined ? m.based_on : work.id,
      rationale: m.rationale !== undefined ? m.rationale : work.rationale,
      scoring_rule: work.scoring_rule,
      header_fields: work.header_fields.slice(),
    };
    if (work.labels) raw.labels = clone(work.labels);
    if (work.has_stages) {
      raw.stages = work.stages.map((s) => ({ s, groups: groupsOf(s) })).filter(({ groups }) => groups.length > 0)
        .map(({ s, groups }) => prune({
          id: s.id, title: s.title, points: groups.reduce((a, g) => a + g.points, 0),
          editorial_note: s.editorial_note, rationale: s.rationale, groups,
        }));
    } else {
      raw.groups = work.stages.flatMap(groupsOf);
    }
    if (work.veto) raw.veto = prune(clone(work.veto));
    raw.bands = work.bands.map((b) => prune(clone(b)));
    if (work.notes.length) raw.notes = work.notes.slice();
    if (work.editorial_notes.length) raw.editorial_notes = work.editorial_notes.slice();
    return prune(raw);
  }

  function sumRows(rows) {
    return points(rows.reduce((a, r) => a + r.criteria.reduce((b, c) => b + halves(c.points), 0), 0));
  }

  /** Drops null/undefined fields, as the YAML leaves them out. */
  function prune(object) {
    for (const key of Object.keys(object)) if (!has(object[key])) delete object[key];
    if (object.items) object.items = object.items.map(prune);
    return object;
  }

  // ---- raw → YAML ------------------------------------------------------------

  /** Field order of the bundled rubric files, so a diff against them reads well. */
  const ORDER = {
    rubric: ['id', 'title', 'label', 'kind', 'source', 'based_on', 'rationale', 'total', 'scoring_rule', 'header_fields', 'labels', 'stages', 'groups', 'veto', 'bands', 'notes', 'editorial_notes'],
    stage: ['id', 'title', 'points', 'editorial_note', 'rationale', 'groups'],
    group: ['id', 'title', 'points', 'editorial_note', 'rationale', 'rows'],
    row: ['id', 'title', 'indicators', 'editorial_note', 'rationale', 'criteria'],
    criterion: ['id', 'text', 'points', 'editorial_note', 'rationale'],
    veto: ['title', 'intro', 'items'],
    labels: ['result', 'signatures'],
    item: ['id', 'text', 'rationale'],
    band: ['id', 'label', 'min', 'consequence'],
  };
  const CHILD = { stages: 'stage', groups: 'group', rows: 'row', criteria: 'criterion', items: 'item', bands: 'band', veto: 'veto', labels: 'labels' };

  /**
   * YAML text for a raw rubric. Text is written as JSON strings (valid YAML
   * double-quoted scalars), except multi-line text that reads better as a
   * literal block. `comments` are written first, one `# ` line each.
   */
  function toYaml(raw, comments) {
    const lines = (comments || []).map((c) => '# ' + String(c).replace(/[\r\n]+/g, ' '));
    writeMap(raw, 'rubric', '', lines);
    return lines.join('\n') + '\n';
  }

  function writeMap(object, kind, indent, lines, firstPrefix) {
    let first = true;
    for (const key of ORDER[kind]) {
      if (!has(object[key])) continue;
      const prefix = first && firstPrefix !== undefined ? firstPrefix : indent;
      first = false;
      const value = object[key];
      if (Array.isArray(value)) {
        if (CHILD[key] && value.length > 0 && typeof value[0] === 'object') {
          lines.push(`${prefix}${key}:`);
          for (const item of value) writeMap(item, CHILD[key], indent + '    ', lines, indent + '  - ');
        } else if (key === 'notes' || key === 'editorial_notes') {
          lines.push(`${prefix}${key}:`);
          for (const item of value) lines.push(`${indent}  - ${scalar(item)}`);
        } else {
          lines.push(`${prefix}${key}: [${value.map(scalar).join(', ')}]`);
        }
      } else if (typeof value === 'object') {
        lines.push(`${prefix}${key}:`);
        writeMap(value, CHILD[key], indent + '  ', lines);
      } else if (typeof value === 'string' && isBlock(value)) {
        lines.push(`${prefix}${key}: ${value.endsWith('\n') ? '|' : '|-'}`);
        for (const line of value.replace(/\n$/, '').split('\n')) lines.push(indent + '  ' + line);
      } else {
        lines.push(`${prefix}${key}: ${scalar(value)}`);
      }
    }
  }

  function scalar(value) {
    return typeof value === 'number' ? String(value) : JSON.stringify(String(value));
  }

  /** Literal blocks only where they round-trip exactly. */
  function isBlock(text) {
    if (!text.includes('\n') || /\n\n$/.test(text) || /[\u0000-\u0009\u000b-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(text)) return false;
    return text.replace(/\n$/, '').split('\n').every((line) => line.length > 0 && line.trim() === line && !line.startsWith('#'));
  }

  // ---- raw → model (what dudao builds from the YAML) --------------------------

  /** The model JSON `dudao dump` would produce for this raw rubric, hash included. */
  function toModel(raw) {
    const criterion = (c) => ({ id: c.id, text: c.text, points: c.points, editorial_note: c.editorial_note ?? null, rationale: c.rationale ?? null });
    const row = (r) => {
      const criteria = r.criteria.map(criterion);
      return {
        id: r.id, title: r.title, indicators: r.indicators.slice(), points: sum(criteria),
        editorial_note: r.editorial_note ?? null, rationale: r.rationale ?? null, criteria,
      };
    };
    const group = (g) => {
      const rows = g.rows.map(row);
      return { id: g.id, title: g.title, points: sum(rows), editorial_note: g.editorial_note ?? null, rationale: g.rationale ?? null, rows };
    };
    const stages = raw.stages
      ? raw.stages.map((s) => {
        const groups = s.groups.map(group);
        return { id: s.id, title: s.title, points: sum(groups), editorial_note: s.editorial_note ?? null, rationale: s.rationale ?? null, groups };
      })
      : [(() => {
        const groups = raw.groups.map(group);
        return { id: 'main', title: null, points: sum(groups), editorial_note: null, rationale: null, groups };
      })()];
    const model = {
      id: raw.id, title: raw.title, label: raw.label ?? null, kind: raw.kind, source: raw.source ?? null,
      based_on: raw.based_on ?? null, rationale: raw.rationale ?? null, total: sum(stages),
      scoring_rule: raw.scoring_rule, header_fields: (raw.header_fields || []).slice(),
      labels: labelsOf(raw.labels), has_stages: Boolean(raw.stages),
      stages,
      veto: raw.veto ? {
        title: raw.veto.title, intro: raw.veto.intro ?? null,
        items: raw.veto.items.map((i) => ({ id: i.id, text: i.text, rationale: i.rationale ?? null })),
      } : null,
      bands: raw.bands.map((b) => ({ id: b.id, label: b.label, min: b.min, consequence: b.consequence ?? null })),
      notes: (raw.notes || []).slice(),
      editorial_notes: (raw.editorial_notes || []).slice(),
      content_hash: '',
    };
    if (model.labels === undefined) delete model.labels;
    model.content_hash = contentHash(model);
    return model;
  }

  /** Rubric::labels: the defaults filled in, left out when all default (as serde skips it). */
  function labelsOf(given) {
    const labels = { result: '督导结果', signatures: ['督导(组)员签字', '被督导机构负责人签字'] };
    if (!given) return undefined;
    if (given.result != null) labels.result = given.result;
    if (given.signatures != null) labels.signatures = given.signatures.slice();
    const isDefault = labels.result === '督导结果' && labels.signatures.length === 2
      && labels.signatures[0] === '督导(组)员签字' && labels.signatures[1] === '被督导机构负责人签字';
    return isDefault ? undefined : labels;
  }

  function sum(items) {
    return points(items.reduce((a, i) => a + halves(i.points), 0));
  }

  /** validate.rs content_hash: sha256 of the model's JSON with an empty hash. */
  function contentHash(model) {
    const json = JSON.stringify(Object.assign({}, model, { content_hash: '' }));
    return 'sha256:' + sha256Hex(new TextEncoder().encode(json));
  }

  // ---- SHA-256 (crypto.subtle is async and absent on some file:// pages) ------

  const K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);

  function sha256Hex(bytes) {
    const length = bytes.length;
    const padded = new Uint8Array(((length + 9 + 63) >> 6) << 6);
    padded.set(bytes);
    padded[length] = 0x80;
    const view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, Math.floor(length / 0x20000000));
    view.setUint32(padded.length - 4, (length << 3) >>> 0);
    const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    const w = new Uint32Array(64);
    const rotr = (x, n) => (x >>> n) | (x << (32 - n));
    for (let offset = 0; offset < padded.length; offset += 64) {
      for (let i = 0; i < 16; i++) w[i] = view.getUint32(offset + i * 4);
      for (let i = 16; i < 64; i++) {
        const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
      }
      let [a, b, c, d, e, f, g, hh] = h;
      for (let i = 0; i < 64; i++) {
        const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
        const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
        hh = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
      }
      h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
    return Array.from(h, (x) => x.toString(16).padStart(8, '0')).join('');
  }

  const api = { fromModel, toRaw, toYaml, toModel, rescale, liveCriteria, totalHalves, contentHash, sha256Hex };
  root.DudaoTailorModel = api;
  if (typeof module === 'object' && module.exports) module.exports = api;
})(globalThis);
