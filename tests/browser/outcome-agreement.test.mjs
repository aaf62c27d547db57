// The CLI (`dudao report`, src/report/) and the browser (outcome-doc.js)
// make the same 督导意见书 and 整改通知书: the same HTML bytes and the same
// .docx parts. Independent readers then check the files: python-docx reads
// the same text as the HTML holds; LibreOffice prints each .docx on A4 with
// nothing past the margins; Chromium prints each .html the same way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, launch } from './helpers.mjs';
import { withVeto, scored, retotal, project } from './outcome-fixtures.mjs';

const require = createRequire(import.meta.url);
const O = require('../../themes/default/static/js/outcome.js');
const D = require('../../themes/default/static/js/outcome-doc.js');
const S = require('../../themes/default/static/js/scoring.js');
// The system Python has python-docx (scripts/install-test-deps); as in tests/exports.rs.
const PYTHON = process.env.DUDAO_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const CSS = readFileSync(new URL('../../themes/default/static/css/outcome-doc.css', import.meta.url), 'utf8');

/** The cases the issue names: a veto, nothing lost, a partial draft with an undescribed veto, and tracking filled in. */
function cases() {
  const partial = scored({}, { 'serious-violation': { ticked: true } });
  partial.answers = { licences: { status: 'none', notes: '执照过期\n第二行 <b>&</b>' } };
  partial.header['被督导机构名称'] = '';
  retotal(partial);
  const tracked = withVeto();
  tracked.rectification = O.rectification(tracked, '2025-03-18T09:00:00.000Z');
  tracked.rectification.items[1].deadline = '2025-04-30';
  tracked.rectification.items[1].owner = '王五';
  tracked.rectification.items[2].deadline = '2025-03-01';
  return { veto: withVeto(), clean: scored({}), partial: partial, tracked: tracked, pass: passing(), annex2: annex2Veto() };
}

/** 附件1 scored into the band the notice does not name (合格, 60–84.5). */
function passing() {
  const doc = scored({});
  for (const c of S.flatten(doc.rubric)) {
    if (doc.totals.band === 'pass') break;
    doc.answers[c.id] = { status: 'none', notes: '未提供' };
    retotal(doc);
  }
  return doc;
}

/** 附件2, whose 不合格项 has the notice's own wording (its intro), with one ticked. */
function annex2Veto() {
  const rubric = project.rubrics.find((r) => r.id === 'annex-2');
  const doc = scored({});
  doc.rubric = rubric;
  doc.header = Object.fromEntries(rubric.header_fields.map((name) => [name, name.includes('机构名称') ? '某省职业技能鉴定中心' : name.includes('日期') ? '2025-03-18' : '']));
  doc.answers = Object.fromEntries(S.flatten(rubric).map((c) => [c.id, { status: 'full' }]));
  doc.veto = { [rubric.veto.items[1].id]: { ticked: true, description: '第 3 套试卷与标准不符。' } };
  return retotal(doc);
}

const PARTS = `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    assert z.testzip() is None
    print(json.dumps([[i.filename, z.read(i).decode('utf-8')] for i in z.infolist()], ensure_ascii=False))
`;

// Text in reading order, whitespace dropped: python-docx for the .docx
// (paragraphs and table cells in body order), html.parser for the .html.
const TEXTS = `
import json, sys, re
from html.parser import HTMLParser
import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

def docx_text(path):
    d = docx.Document(path)
    out = []
    for child in d.element.body.iterchildren():
        if child.tag.endswith('}p'):
            out.append(Paragraph(child, d).text)
        elif child.tag.endswith('}tbl'):
            for row in Table(child, d).rows:
                for cell in row.cells:
                    out.append(cell.text)
    return out

class Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inside, self.skip, self.out = False, 0, []
    def handle_starttag(self, tag, attrs):
        if tag == 'article': self.inside = True
        if tag in ('style', 'title'): self.skip += 1
    def handle_endtag(self, tag):
        if tag == 'article': self.inside = False
        if tag in ('style', 'title'): self.skip -= 1
    def handle_data(self, data):
        if self.inside and not self.skip: self.out.append(data)

def html_text(path):
    p = Text()
    p.feed(open(path, encoding='utf-8').read())
    return p.out

squeeze = lambda parts: re.sub(r'\\s+', '', ''.join(parts))
d = docx.Document(sys.argv[1])
section = d.sections[0]
print(json.dumps({
    'docx': squeeze(docx_text(sys.argv[1])),
    'html': squeeze(html_text(sys.argv[2])),
    'page': [section.page_width.mm, section.page_height.mm, section.left_margin.mm, section.right_margin.mm],
    'lang': d.styles.element.xpath('string(//w:docDefaults//w:lang/@w:eastAsia)'),
    'font': d.styles.element.xpath('string(//w:docDefaults//w:rFonts/@w:eastAsia)'),
}, ensure_ascii=False))
`;

let dir;
const written = {};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'dudao-outcome-'));
  for (const [name, doc] of Object.entries(cases())) {
    const input = join(dir, `${name}.json`);
    writeFileSync(input, JSON.stringify(doc));
    const out = join(dir, name);
    const run = spawnSync(BIN, ['report', input, '--output', out], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    written[name] = { doc, out, stdout: run.stdout, stderr: run.stderr, files: readdirSync(out).sort() };
  }
});

test('the CLI writes four files per assessment and warns about what a supervisor must check', () => {
  assert.deepEqual(written.veto.files, [
    '整改通知书-某市职业技能评价中心-2025-03-18.docx', '整改通知书-某市职业技能评价中心-2025-03-18.html',
    '督导意见书-某市职业技能评价中心-2025-03-18.docx', '督导意见书-某市职业技能评价中心-2025-03-18.html',
  ]);
  assert.equal(written.veto.stderr, '');
  assert.match(written.partial.stderr, /warning: .*partial\.json: 被督导机构名称未填写。/);
  assert.match(written.partial.stderr, /不合格项第 1 项未填写行为描述。/);
  assert.match(written.tracked.stderr, /整改项 c-plan：整改期限 2025-03-01 早于督导日期 2025-03-18/);
});

test('the CLI refuses a hand-edited file, naming it and saying what to do', () => {
  const edited = withVeto();
  edited.totals.total = 99;
  const input = join(dir, 'edited.json');
  writeFileSync(input, JSON.stringify(edited));
  const run = spawnSync(BIN, ['report', input, '--output', join(dir, 'edited')], { encoding: 'utf8' });
  assert.equal(run.status, 1);
  assert.ok(run.stderr.startsWith(`error: ${input}: `), run.stderr);
  assert.match(run.stderr, /\n  help: export the assessment again from the browser/);
  assert.equal(existsSync(join(dir, 'edited')), false);
});

test('CLI and browser give byte-identical HTML and .docx parts for every case', async () => {
  for (const [name, w] of Object.entries(written)) {
    const f = O.findings(w.doc);
    for (const kind of ['opinion', 'notice']) {
      const html = readFileSync(join(w.out, D.fileName(kind, f, 'html')), 'utf8');
      assert.equal(html, D.standaloneHtml(kind, f, CSS), `${name} ${kind}.html`);
      const cli = JSON.parse(execFileSync(PYTHON, ['-c', PARTS, join(w.out, D.fileName(kind, f, 'docx'))], { encoding: 'utf8' }));
      const browser = D.docxParts(kind, f).map((p) => [p.name, p.data]);
      assert.deepEqual(cli, browser, `${name} ${kind}.docx`);
      // The browser's own zip (DudaoZip) holds the same parts.
      const mine = join(dir, `${name}-${kind}-browser.docx`);
      writeFileSync(mine, await D.docx(kind, f));
      assert.deepEqual(JSON.parse(execFileSync(PYTHON, ['-c', PARTS, mine], { encoding: 'utf8' })), browser);
    }
  }
});

test('python-docx reads the same text as the HTML, on A4 with 2.5 cm margins, East Asian font and zh-CN', () => {
  for (const [name, w] of Object.entries(written)) {
    const f = O.findings(w.doc);
    for (const kind of ['opinion', 'notice']) {
      const r = JSON.parse(execFileSync(PYTHON, ['-c', TEXTS, join(w.out, D.fileName(kind, f, 'docx')), join(w.out, D.fileName(kind, f, 'html'))], { encoding: 'utf8' }));
      assert.equal(r.docx, r.html, `${name} ${kind}`);
      assert.ok(r.docx.includes(D.TITLES[kind].replace(/\s/g, '')));
      assert.deepEqual(r.page.map(Math.round), [210, 297, 25, 25]);
      assert.equal(r.lang, 'zh-CN');
      assert.equal(r.font, '仿宋');
    }
  }
  // The verbatim quote and its citation are in the Word text.
  const f = O.findings(written.veto.doc);
  const r = JSON.parse(execFileSync(PYTHON, ['-c', TEXTS, join(written.veto.out, D.fileName('opinion', f, 'docx')), join(written.veto.out, D.fileName('opinion', f, 'html'))], { encoding: 'utf8' }));
  assert.ok(r.docx.includes(O.NOTICE.serious));
  assert.ok(r.docx.includes(O.CITATION));
});

/** The text of a document's file, the 编者注 paragraphs left out. */
function withoutNotes(html) {
  return html.replace(/<p class="doc-note">[^<]*<\/p>/g, '');
}

test('合格, the band the notice does not name, is marked ※ wherever a document shows it, with its 编者注', () => {
  const f = O.findings(written.pass.doc);
  assert.equal(f.band.id, 'pass');
  const note = '※ 编者注（dudao）：通知只规定两档结果：“≥ 85 分为优良”“<60 分为不合格”。“合格”（60 分至 85 分，不含 85 分）是 dudao 对两者之间得分的称呼，便于填写和统计；通知对这一段没有规定名称或处理。';
  for (const [name, w] of Object.entries(written)) {
    const wf = O.findings(w.doc);
    for (const kind of ['opinion', 'notice']) {
      const html = readFileSync(join(w.out, D.fileName(kind, wf, 'html')), 'utf8');
      const docx = JSON.parse(execFileSync(PYTHON, ['-c', TEXTS, join(w.out, D.fileName(kind, wf, 'docx')), join(w.out, D.fileName(kind, wf, 'html'))], { encoding: 'utf8' })).docx;
      // Outside the notes, 合格 only ever stands as 不合格 or marked 合格※.
      assert.doesNotMatch(withoutNotes(html).replace(/不合格/g, ''), /合格(?!※)/, `${name} ${kind}.html`);
      const marked = withoutNotes(html).includes('合格※');
      assert.equal(marked, wf.band.ours, `${name} ${kind}: marked only when the band is ours`);
      assert.equal(html.includes(`<p class="doc-note">${note.replace('<', '&lt;')}</p>`), marked, `${name} ${kind}.html: the note goes with the mark`);
      assert.equal(docx.includes(note.replace(/\s/g, '')), marked, `${name} ${kind}.docx: the note goes with the mark`);
    }
  }
  const opinion = readFileSync(join(written.pass.out, D.fileName('opinion', f, 'html')), 'utf8');
  assert.ok(opinion.includes('评定等级为“合格※”。'));
  assert.ok(opinion.includes('dudao 补充：通知未对督导结果为“合格※”的机构规定奖惩措施。'));
});

test('a ticked 不合格项: the notice\'s wording quoted where it exists, our reading marked dudao 补充', () => {
  for (const [name, quoted] of [['annex2', true], ['veto', false]]) {
    const w = written[name];
    const f = O.findings(w.doc);
    const html = readFileSync(join(w.out, D.fileName('opinion', f, 'html')), 'utf8');
    assert.ok(html.includes('<p>存在不合格项 1 项（见“四、不合格项”）。</p>'), name);
    assert.ok(html.includes('<p class="doc-note">dudao 补充：出现“不合格项”所列任一情形的，dudao 把督导结果记为“不合格”，不论得分。</p>'), name);
    assert.equal(html.includes('<p>“评价机构发生下列行为之一的，命题质量专项督导为0分或不合格”</p>'), quoted, name);
    assert.equal(html.includes(`<p class="doc-cite">——${O.CITATION}所附《职业技能等级认定机构命题质量专项督导评分表》</p>`), quoted, name);
    assert.ok(!html.includes('按评分表规定'), name);
  }
});

/** Every word box of a PDF: [page, xMin, xMax, yMax, word] and the page size, via pdftotext -bbox. */
function words(pdf) {
  const xhtml = execFileSync('pdftotext', ['-bbox', pdf, '-'], { encoding: 'utf8' });
  const pages = [...xhtml.matchAll(/<page width="([\d.]+)" height="([\d.]+)">([\s\S]*?)<\/page>/g)];
  const out = [];
  pages.forEach((p, i) => {
    for (const m of p[3].matchAll(/<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)) {
      out.push([i + 1, Number(m[1]), Number(m[2]), Number(m[3]), m[4]]);
    }
  });
  return { size: pages.map((p) => [Number(p[1]), Number(p[2])]), words: out };
}

const HANGING = '，。、；：！？”’）》';

/**
 * No word outside the printable area (2.5 cm = 71 pt side margins, a little
 * slack for glyph overhang). A line-final CJK punctuation mark may hang into
 * the right margin by one character, as Chinese typesetting (and LibreOffice)
 * does; anything more is overflow.
 */
function assertInsideMargins(pdf, label) {
  const { size, words: all } = words(pdf);
  assert.ok(size.length > 0, `${label}: no page`);
  for (const [w, hgt] of size) assert.deepEqual([Math.round(w), Math.round(hgt)], [595, 842], `${label}: not A4`);
  const right = 595 - 65;
  const hangs = (x1, word) => HANGING.includes(word.at(-1)) && x1 - 14.5 <= right;
  const outside = all.filter(([, x0, x1, , word]) => x0 < 65 || (x1 > right && !hangs(x1, word)));
  assert.deepEqual(outside, [], `${label}: text beyond the side margins`);
  return all;
}

test('LibreOffice prints every .docx on A4 with all text inside the margins', () => {
  const docs = [];
  for (const w of Object.values(written)) for (const file of w.files) if (file.endsWith('.docx')) docs.push(join(w.out, file));
  const pdfDir = join(dir, 'lo-pdf');
  const run = spawnSync('soffice', [`-env:UserInstallation=file://${join(dir, 'lo-profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', pdfDir, ...docs], { encoding: 'utf8', timeout: 240000 });
  assert.equal(run.status, 0, run.stderr);
  for (const docxPath of docs) {
    const pdf = join(pdfDir, docxPath.split('/').pop().replace(/\.docx$/, '.pdf'));
    assert.ok(existsSync(pdf), `LibreOffice did not print ${docxPath}`);
    const all = assertInsideMargins(pdf, pdf);
    const text = all.map((w) => w[4]).join('');
    assert.ok(text.includes('盖章'), `${pdf}: no seal line`);
    // The seal and the closing note end the last page, and the signatures
    // never start a page: a paragraph of the document stands above them.
    const last = Math.max(...all.map((w) => w[0]));
    assert.ok(all.some((w) => w[0] === last && w[4].includes('盖章')), `${pdf}: the seal is not on the last page`);
    assert.ok(all.some((w) => w[0] === last && w[4].startsWith('说明')), `${pdf}: the closing note is not on the last page`);
    const sign = all.find((w) => /签字|签收人/.test(w[4]));
    assert.ok(all.some((w) => w[0] === sign[0] && w[3] < sign[3] - 10), `${pdf}: the signatures start page ${sign[0]}`);
  }
});

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('Chromium prints every .html on A4 with all text inside the margins', async () => {
  const page = await browser.newPage();
  for (const w of Object.values(written)) {
    for (const file of w.files.filter((f) => f.endsWith('.html'))) {
      await page.goto(pathToFileURL(join(w.out, file)).href);
      const pdf = join(dir, `${file}.pdf`);
      writeFileSync(pdf, await page.pdf({ preferCSSPageSize: true, printBackground: true }));
      assertInsideMargins(pdf, file);
    }
  }
  await page.close();
});
