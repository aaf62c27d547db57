// The self-scoring workbook (rubrics/ID/ID.xlsx) is the offline twin of the
// browser form: the same answers must give the same total and band.
//
// For each answer set: the browser's own scoring module (scoring.js, required
// from Node) computes the expected result; openpyxl fills the workbook the
// site built; LibreOffice headless recalculates it (a real spreadsheet
// engine, not our code); openpyxl reads the recalculated total and band
// through the workbook's defined names. See docs/exports.md.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { SITE } from './helpers.mjs';

const require = createRequire(import.meta.url);
const Scoring = require('../../themes/default/static/js/scoring.js');

const PYTHON = process.env.DUDAO_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const OFFICE_PY = path.resolve('tests/exports/office.py');

let tmp;

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'dudao-workbook-'));
});

after(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function rubric(id) {
  return JSON.parse(await readFile(path.join(SITE, 'api', 'rubrics', `${id}.json`), 'utf8'));
}

function python(...args) {
  return JSON.parse(execFileSync(PYTHON, [OFFICE_PY, ...args], { encoding: 'utf8' }));
}

/**
 * A LibreOffice profile that recalculates every formula on load, so the
 * values read back are LibreOffice's, whatever a file has cached.
 */
async function recalculatingProfile() {
  const profile = path.join(tmp, 'lo-profile');
  await mkdir(path.join(profile, 'user'), { recursive: true });
  await writeFile(
    path.join(profile, 'user', 'registrymodifications.xcu'),
    `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
`,
  );
  return profile;
}

/** Fills one copy of the workbook per case, recalculates them all in one LibreOffice run. */
async function workbookResults(rubricId, cases) {
  const source = path.join(SITE, 'rubrics', rubricId, `${rubricId}.xlsx`);
  const dir = path.join(tmp, rubricId);
  const out = path.join(dir, 'recalculated');
  await mkdir(out, { recursive: true });
  const filled = [];
  for (const [name, state] of Object.entries(cases)) {
    const answers = path.join(dir, `${name}.json`);
    await writeFile(answers, JSON.stringify(state));
    const target = path.join(dir, `${name}.xlsx`);
    python('fill', source, target, answers);
    filled.push(target);
  }
  const profile = await recalculatingProfile();
  execFileSync(
    'soffice',
    [`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', 'xlsx:Calc MS Excel 2007 XML', '--outdir', out, ...filled],
    { stdio: 'pipe', timeout: 180_000 },
  );
  const results = {};
  for (const name of Object.keys(cases)) {
    results[name] = python('results', path.join(out, `${name}.xlsx`));
  }
  return results;
}

function browserResult(r, state) {
  const result = Scoring.evaluate(r, state);
  // The workbook marks a band the notice does not name (合格※), as the browser's files do.
  return { total: Scoring.fromHalves(result.totalHalves), band: Scoring.markedBandLabel(r, result.band) };
}

function everything(r, status) {
  const answers = {};
  for (const c of Scoring.flatten(r)) answers[c.id] = { status };
  return answers;
}

/**
 * Answers that lose exactly `lossHalves` from full marks: 不符合 while a
 * whole criterion fits in what is left to lose, then one 基本符合 for the rest.
 */
function answersLosing(r, lossHalves) {
  const answers = {};
  let remaining = lossHalves;
  for (const c of Scoring.flatten(r)) {
    if (remaining >= c.halves) {
      answers[c.id] = { status: 'none' };
      remaining -= c.halves;
    } else if (remaining > 0) {
      answers[c.id] = { status: 'partial', score: Scoring.fromHalves(c.halves - remaining), justification: '部分落实' };
      remaining = 0;
    } else {
      answers[c.id] = { status: 'full' };
    }
  }
  assert.equal(remaining, 0, `cannot lose ${lossHalves} half points`);
  return answers;
}

/**
 * A mixed set in table order: 符合, 基本符合 (the largest partial score),
 * 不符合, unanswered, 基本符合 with the smallest partial, and so on; plus
 * one 基本符合 whose score equals the points — invalid, so it counts 0 in
 * both the form and the workbook.
 */
function mixedAnswers(r) {
  const answers = {};
  const criteria = Scoring.flatten(r);
  criteria.forEach((c, i) => {
    const kind = i % 5;
    if (kind === 0) answers[c.id] = { status: 'full' };
    else if (kind === 1 && c.halves >= 2) answers[c.id] = { status: 'partial', score: Scoring.fromHalves(c.halves - 1), justification: '基本落实' };
    else if (kind === 2) answers[c.id] = { status: 'none' };
    else if (kind === 4 && c.halves >= 2) answers[c.id] = { status: 'partial', score: 0.5, justification: '少量落实' };
    else if (kind !== 3) answers[c.id] = { status: 'full' };
  });
  const invalid = criteria.find((c, i) => i % 5 === 0 && c.halves >= 2);
  answers[invalid.id] = { status: 'partial', score: Scoring.fromHalves(invalid.halves), justification: '超出范围' };
  return answers;
}

function vetoState(r, ids) {
  return Object.fromEntries(ids.map((id) => [id, { ticked: true, description: '现场发现' }]));
}

/**
 * The workbook names no band until every criterion has an answer (it shows
 * 未完成 (n/N) instead), unless a 不合格项 is found; otherwise it agrees
 * with the browser form.
 */
function workbookShows(r, state, browser) {
  const criteria = Scoring.flatten(r);
  const answered = criteria.filter((c) => state.answers[c.id]?.status).length;
  const vetoFound = Object.values(state.veto ?? {}).some((v) => v.ticked);
  if (vetoFound || answered === criteria.length) return browser;
  return { total: browser.total, band: `未完成 (${answered}/${criteria.length})` };
}

/** What the fill helper needs: the answers, and the veto items as booleans. */
function forWorkbook(state) {
  return {
    answers: state.answers,
    veto: Object.fromEntries(Object.entries(state.veto ?? {}).map(([id, v]) => [id, v.ticked])),
  };
}

async function assertAgreement(rubricId, states, expectations = {}) {
  const r = await rubric(rubricId);
  const cases = Object.fromEntries(Object.entries(states(r)).map(([name, state]) => [name, state]));
  const workbook = await workbookResults(
    rubricId,
    Object.fromEntries(Object.entries(cases).map(([name, state]) => [name, forWorkbook(state)])),
  );
  for (const [name, state] of Object.entries(cases)) {
    const browser = browserResult(r, state);
    assert.deepEqual(workbook[name], workbookShows(r, state, browser), `${rubricId} / ${name}: workbook (LibreOffice) vs browser (scoring.js)`);
    if (expectations[name]) assert.deepEqual(browser, expectations[name], `${rubricId} / ${name}: expected result`);
  }
}

test('annex-1 workbook agrees with the browser: all 符合, mixed with partials, boundaries, veto', { timeout: 300_000 }, async () => {
  await assertAgreement(
    'annex-1',
    (r) => ({
      allFull: { answers: everything(r, 'full') },
      allNone: { answers: everything(r, 'none') },
      empty: { answers: {} },
      mixed: { answers: mixedAnswers(r) },
      exactly85: { answers: answersLosing(r, 30) },
      just84_5: { answers: answersLosing(r, 31) },
      exactly60: { answers: answersLosing(r, 80) },
      just59_5: { answers: answersLosing(r, 81) },
      vetoAt100: { answers: everything(r, 'full'), veto: vetoState(r, [r.veto.items[0].id]) },
    }),
    {
      allFull: { total: 100, band: '优良' },
      allNone: { total: 0, band: '不合格' },
      empty: { total: 0, band: '不合格' },
      exactly85: { total: 85, band: '优良' },
      just84_5: { total: 84.5, band: '合格※' },
      exactly60: { total: 60, band: '合格※' },
      just59_5: { total: 59.5, band: '不合格' },
      vetoAt100: { total: 100, band: '不合格' },
    },
  );
});

test('annex-2 workbook (no stages, four veto items) agrees with the browser', { timeout: 300_000 }, async () => {
  await assertAgreement(
    'annex-2',
    (r) => ({
      allFull: { answers: everything(r, 'full') },
      mixed: { answers: mixedAnswers(r) },
      lastVetoOnly: { answers: everything(r, 'full'), veto: vetoState(r, [r.veto.items.at(-1).id]) },
    }),
    {
      allFull: { total: 100, band: '优良' },
      lastVetoOnly: { total: 100, band: '不合格' },
    },
  );
});
