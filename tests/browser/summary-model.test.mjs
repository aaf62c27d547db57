// The summary's reader (summary-model.js, built for speed: each distinct
// rubric text hashed once, a small record kept per file) against the
// workspace's reader (exchange.js readDocument): the same verdict on
// generated files and on hostile variants of them. Node only, no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { BIN } from './helpers.mjs';
import { generate } from '../../scripts/gen-assessments.mjs';

const require = createRequire(import.meta.url);
const M = require('../../themes/default/static/js/summary-model.js');
const X = require('../../themes/default/static/js/exchange.js');

function variants(doc) {
  const clone = () => JSON.parse(JSON.stringify(doc));
  const out = {};
  let d = clone(); d.totals.total += 1; out['total edited'] = d;
  d = clone(); d.totals.band = d.totals.band === 'pass' ? 'excellent' : 'pass'; out['band edited'] = d;
  d = clone(); d.rubric.title += '（改）'; out['rubric edited'] = d;
  d = clone(); d.rubric.stages[0].groups[0].rows[0].criteria[0].points = 99; d.rubric.content_hash = ''; out['points edited, hash blanked'] = d;
  d = clone(); d.extra = 1; out['unknown top-level field'] = d;
  d = clone(); d.answers[Object.keys(d.answers)[0]].weird = 1; out['unknown answer field'] = d;
  d = clone(); d.answers['no-such-criterion'] = { status: 'full' }; out['unknown criterion'] = d;
  d = clone(); d.header['不存在的栏目'] = 'x'; out['unknown header field'] = d;
  d = clone(); d.version = 3; out['future version'] = d;
  d = clone(); d.format = 'other'; out['other format'] = d;
  d = clone(); d.answers[Object.keys(d.answers)[0]] = { status: 'maybe' }; out['bad status'] = d;
  return out;
}

test('the summary reader and exchange.js agree on generated files and hostile variants', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dudao-summary-model-'));
  try {
    const made = generate({ out: path.join(dir, 'round'), count: 12, seed: 11, rubrics: ['annex-1', 'annex-2', 'institution-management'], tampered: 2, duplicates: 0, bin: BIN });
    const rubrics = new Map();
    let accepted = 0;
    for (const name of readdirSync(path.join(dir, 'round')).sort()) {
      const text = readFileSync(path.join(dir, 'round', name), 'utf8');
      const ours = M.readText(text, rubrics);
      const theirs = X.readDocument(text, {});
      assert.equal(ours.ok, theirs.ok, `${name}: summary ${ours.ok ? 'accepts' : 'refuses (' + ours.message + ')'}, exchange ${theirs.ok ? 'accepts' : 'refuses (' + theirs.message + ')'}`);
      if (ours.ok) accepted += 1;
    }
    assert.equal(accepted, 12);
    for (const [what, doc] of Object.entries(variants(made[0].doc))) {
      const text = JSON.stringify(doc);
      const ours = M.readText(text, rubrics);
      const theirs = X.readDocument(text, {});
      assert.equal(ours.ok, false, `summary accepts: ${what}`);
      assert.equal(theirs.ok, false, `exchange accepts: ${what}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
