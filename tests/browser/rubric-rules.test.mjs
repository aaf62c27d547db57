// rubric-rules.js (the builder's live validation) and `dudao check` must
// agree. Every fixture in tests/rubric-rules/ is a rubric (JSON, which is
// also YAML) plus the diagnostic codes it should produce. The test puts all
// fixtures into a copy of the bundled project, runs `dudao check --format
// json` once, maps each Rust message onto a code, runs the JS rules on the
// same documents, and requires: Rust codes == JS codes == expected codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { BIN } from './helpers.mjs';

const require = createRequire(import.meta.url);
const Rules = require('../../themes/default/static/js/rubric-rules.js');

const FIXTURES = path.resolve('tests/rubric-rules');

/** dudao check's messages (src/validate/, src/load.rs) → rubric-rules.js codes. */
const RUST_CLASSES = [
  // Raw in the YAML file the parser refuses them; escaped, validation does.
  [/^invalid rubric: (unexpected character|.*surrogate)|contains the control character U\+/, 'bad-char'],
  [/^invalid rubric:/, 'schema'],
  [/is not lowercase kebab-case/, 'bad-id'],
  [/^duplicate (\w+ )*id `/, 'duplicate-id'],
  [/does not match its file name/, 'id-file-mismatch'],
  [/the title is empty/, 'empty-title'],
  [/^label `(result|signatures)` is empty/, 'empty-label'],
  [/official rubric must name its `source`/, 'official-needs-source'],
  [/derived rubric must say what it is `based_on`/, 'derived-needs-basis'],
  [/has both `stages` and `groups`/, 'stages-and-groups'],
  [/the rubric has no rows/, 'no-rows'],
  [/^stage `.*` has no groups/, 'empty-stage'],
  [/^group `.*` has no rows/, 'empty-group'],
  [/^row `.*` has no criteria/, 'empty-row'],
  [/criterion text is empty/, 'empty-text'],
  [/points must be a positive multiple of 0\.5/, 'bad-points'],
  [/ declares .* points but its .* to /, 'subtotal-mismatch'],
  [/^the declared total is .* but the criteria sum to|^the criteria sum to .*, not 100/, 'total-mismatch'],
  [/names no indicator/, 'no-indicator'],
  [/^indicator -?\d+ does not exist/, 'unknown-indicator'],
  [/is listed twice in row/, 'duplicate-indicator'],
  [/`veto` has no items/, 'empty-veto'],
  [/^unknown band id/, 'unknown-band'],
  [/minimum must be a non-negative multiple of 0\.5/, 'bad-band-min'],
  [/above the total/, 'band-above-total'],
  [/must start below the band before it/, 'band-order'],
  [/bands must be exactly excellent, pass, fail/, 'band-set'],
  [/^(the rubric has )?no bands$/, 'no-bands'],
  [/the lowest band must start at 0/, 'band-floor'],
  [/is `based_on` itself/, 'based-on-self'],
  [/`based_on` names unknown rubric/, 'unknown-base'],
  // Project-level rule (content/evidence/ guides for official tables): not
  // about the rubric file itself, so the builder has no equivalent.
  [/has no evidence guide/, null],
];

function classify(message) {
  for (const [pattern, code] of RUST_CLASSES) if (pattern.test(message)) return code;
  throw new Error(`unclassified dudao check diagnostic: ${message}`);
}

function copyProject() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-rules-'));
  for (const sub of ['content', 'rubrics']) fs.cpSync(sub, path.join(dir, sub), { recursive: true });
  return dir;
}

const fixtures = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort().map((file) => ({
  name: path.basename(file, '.json'),
  ...JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')),
}));

test('the fixtures cover every rule in rubric-rules.js', () => {
  const covered = new Set(fixtures.flatMap((f) => f.expect));
  assert.deepEqual([...Object.keys(Rules.CODES)].filter((c) => !covered.has(c)), []);
  assert.ok(fixtures.some((f) => f.expect.length === 0), 'some fixtures are valid');
});

test('rubric-rules.js and dudao check agree on every fixture', () => {
  const dir = copyProject();
  try {
    for (const f of fixtures) fs.writeFileSync(path.join(dir, 'rubrics', `${f.name}.yaml`), JSON.stringify(f.rubric, null, 1));
    let stdout;
    try {
      stdout = execFileSync(BIN, ['check', '--format', 'json', '--root', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      stdout = err.stdout; // exit 1: the invalid fixtures
    }
    const report = JSON.parse(stdout);
    const rust = new Map(fixtures.map((f) => [f.name, []]));
    const others = [];
    for (const d of report.diagnostics) {
      const name = path.basename(d.file, '.yaml');
      if (d.file.startsWith('rubrics/') && rust.has(name)) {
        const code = classify(d.message);
        if (code) rust.get(name).push(code);
      } else {
        others.push(d);
      }
    }
    assert.deepEqual(others, [], 'the bundled project itself checks clean');

    const rubricIds = fs.readdirSync(path.join(dir, 'rubrics')).map((f) => path.basename(f, '.yaml'))
      .filter((id) => !fixtures.some((f) => f.name === id && f.expect.includes('schema')));
    rubricIds.push('some-other-id');
    for (const f of fixtures) {
      const js = Rules.validate(f.rubric, { fileStem: f.name, rubricIds }).map((d) => d.code).sort();
      const fromRust = rust.get(f.name).sort();
      assert.deepEqual(js, fromRust, `${f.name}: rubric-rules.js ${JSON.stringify(js)} vs dudao check ${JSON.stringify(fromRust)}`);
      assert.deepEqual(js, [...f.expect].sort(), `${f.name}: expected ${JSON.stringify(f.expect)}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('every JS diagnostic carries a Chinese message and a path into the document', () => {
  for (const f of fixtures) {
    for (const d of Rules.validate(f.rubric, { fileStem: f.name, rubricIds: ['annex-1'] })) {
      assert.equal(d.severity, 'error');
      assert.ok(d.code in Rules.CODES, d.code);
      assert.match(d.message, /[\u4e00-\u9fff]/, `${f.name}: ${d.message}`);
      assert.equal(typeof d.path, 'string');
    }
  }
});
