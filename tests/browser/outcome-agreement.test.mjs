// The CLI (`dudao report`, src/report/) and the browser (outcome-doc.js)
// make the same 督导意见书 and 整改通知书: the same HTML bytes and the same
// .docx parts. Independent readers then check the files: python-docx reads
// the same text as the HTML holds; LibreOffice prints each .docx on A4 with
// nothing past the margins; Chromium prints each .html the same way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, copyFileSync, readFileSync, writeFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, launch } from './helpers.mjs';
import { withVeto, scored, retotal, project, DOCX_PARTS } from './outcome-fixtures.mjs';

const require = createRequire(import.meta.url);
const O = require('../../themes/default/static/js/outcome.js');
const D = require('../../themes/default/static/js/outcome-doc.js');
const S = require('../../themes/default/static/js/scoring.js');
// The system Python has python-docx (scripts/install-test-deps); as in tests/exports.rs.
const PYTHON = process.env.DUDAO_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const CSS = readFileSync(new URL('../../themes/default/static/css/outcome-doc.css', import.meta.url), 'utf8');

/**
 * Two photos as the form stores them (photos.js: JPEG from a canvas), drawn
 * by Chromium: a landscape 1600 × 1200 and a portrait 600 × 900, each a
 * gradient with a frame so that a stretched or cropped picture shows.
 */
async function drawPhotos(browser) {
  const page = await browser.newPage();
  const photos = await page.evaluate(() => {
    const draw = (w, h, hue) => {
      const canvas = document.createElement('canvas');
      canvas.width = w;
      canvas.height = h;
      const ctx = canvas.getContext('2d');
      const g = ctx.createLinearGradient(0, 0, w, h);
      g.addColorStop(0, `hsl(${hue}, 70%, 80%)`);
      g.addColorStop(1, `hsl(${hue}, 70%, 30%)`);
      ctx.fillStyle = g;
      ctx.fillRect(0, 0, w, h);
      ctx.lineWidth = w / 40;
      ctx.strokeStyle = '#000';
      ctx.strokeRect(0, 0, w, h);
      ctx.beginPath();
      ctx.arc(w / 2, h / 2, Math.min(w, h) / 3, 0, 2 * Math.PI);
      ctx.stroke();
      return canvas.toDataURL('image/jpeg', 0.85).split(',')[1];
    };
    return [draw(1600, 1200, 200), draw(600, 900, 30)];
  });
  await page.close();
  return photos;
}

/** 附件1 with a veto and a lost criterion, each with a photo, plus the 1×1 PNG of withVeto. */
function withPhotos([landscape, portrait]) {
  const doc = withVeto();
  doc.photos['p-2'] = { type: 'image/jpeg', width: 1600, height: 1200, bytes: 1, caption: '第 2 考场评分表', added_at: '2025-03-18T03:00:00.000Z', by: '张三', data: landscape };
  doc.photos['p-3'] = { type: 'image/jpeg', width: 600, height: 900, bytes: 1, caption: '', added_at: '2025-03-18T03:10:00.000Z', by: '张三', data: portrait };
  doc.answers['score-sheets'].photos = ['p-2'];
  doc.veto['serious-violation'].photos = ['p-3'];
  return retotal(doc);
}

/** The cases the issue names: a veto, nothing lost, a partial draft with an undescribed veto, and tracking filled in. */
function cases(photos) {
  const partial = scored({}, { 'serious-violation': { ticked: true } });
  partial.answers = { licences: { status: 'none', notes: '执照过期\n第二行 <b>&</b>' } };
  partial.header['被督导机构名称'] = '';
  retotal(partial);
  const tracked = withVeto();
  tracked.rectification = O.rectification(tracked, '2025-03-18T09:00:00.000Z');
  tracked.rectification.items[1].deadline = '2025-04-30';
  tracked.rectification.items[1].owner = '王五';
  tracked.rectification.items[2].deadline = '2025-03-01';
  return { veto: withVeto(), clean: scored({}), partial: partial, tracked: tracked, pass: passing(), annex2: annex2Veto(), photos: withPhotos(photos) };
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
let browser;

before(async () => {
  browser = await launch();
  // DUDAO_KEEP_DIR: write the documents and their PDFs there, to look at them.
  dir = process.env.DUDAO_KEEP_DIR ?? mkdtempSync(join(tmpdir(), 'dudao-outcome-'));
  for (const [name, doc] of Object.entries(cases(await drawPhotos(browser)))) {
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
      const cli = JSON.parse(execFileSync(PYTHON, ['-c', DOCX_PARTS, join(w.out, D.fileName(kind, f, 'docx'))], { encoding: 'utf8' }));
      const parts = D.docxParts(kind, f).map((p) => [p.name, typeof p.data === 'string' ? p.data : Buffer.from(p.data).toString('base64')]);
      assert.deepEqual(cli, parts, `${name} ${kind}.docx`);
      // The browser's own zip (DudaoZip) holds the same parts.
      const mine = join(dir, `${name}-${kind}-browser.docx`);
      writeFileSync(mine, await D.docx(kind, f));
      assert.deepEqual(JSON.parse(execFileSync(PYTHON, ['-c', DOCX_PARTS, mine], { encoding: 'utf8' })), parts);
    }
  }
  // The package ECMA-376 expects (openxml-audit finds nothing missing): a
  // font table and a theme besides the document, styles, settings and footer.
  assert.deepEqual(D.docxParts('opinion', O.findings(written.clean.doc)).map((p) => p.name), [
    '[Content_Types].xml', '_rels/.rels', 'word/_rels/document.xml.rels', 'word/document.xml', 'word/styles.xml',
    'word/settings.xml', 'word/footer1.xml', 'word/fontTable.xml', 'word/theme/theme1.xml',
  ]);
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
  // The cases share file names (same institution and date): each is copied
  // under its case's name first, so that every PDF is its own document's.
  const docs = [];
  mkdirSync(join(dir, 'lo-in'), { recursive: true });
  for (const [name, w] of Object.entries(written)) {
    for (const file of w.files.filter((f) => f.endsWith('.docx'))) {
      docs.push(join(dir, 'lo-in', `${name}-${file}`));
      copyFileSync(join(w.out, file), docs.at(-1));
    }
  }
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

after(async () => {
  await browser?.close();
  // The documents, PDFs and LibreOffice profile take ~10 MB of a shared /tmp.
  if (dir && !process.env.DUDAO_KEEP_DIR) rmSync(dir, { recursive: true, force: true });
});

// python-docx: each picture inline, at the size outcome-doc.css gives it,
// its bytes the photo's, its caption the paragraph under it.
const PICTURES = `
import base64, json, sys
import docx
d = docx.Document(sys.argv[1])
out, paras = [], d.paragraphs
for i, p in enumerate(paras):
    for blip in p._p.xpath('.//a:blip'):
        rid = blip.get('{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed')
        extent = p._p.xpath('.//wp:extent')[0]
        out.append({'cx': int(extent.get('cx')), 'cy': int(extent.get('cy')),
                    'data': base64.b64encode(d.part.related_parts[rid].blob).decode(),
                    'caption': paras[i + 1].text})
print(json.dumps({'pictures': out, 'shapes': len(d.inline_shapes)}, ensure_ascii=False))
`;

test('the photos are pictures in both .docx: their bytes, their aspect, the caption under each, and LibreOffice prints them', () => {
  const w = written.photos;
  const f = O.findings(w.doc);
  const photo = (id) => w.doc.photos[id].data;
  // The box is 12 cm × 9 cm (4 320 000 × 3 240 000 EMU); one CSS pixel is 9 525 EMU.
  const expected = {
    opinion: [
      { cx: 2160000, cy: 3240000, data: photo('p-3'), caption: '照片：（无说明）' },
      { cx: 4320000, cy: 3240000, data: photo('p-2'), caption: '照片：第 2 考场评分表' },
      { cx: 9525, cy: 9525, data: photo('p-1'), caption: '照片：实施方案首页' },
    ],
    notice: [
      { cx: 2160000, cy: 3240000, data: photo('p-3'), caption: '整改项 1 照片：（无说明）' },
      { cx: 4320000, cy: 3240000, data: photo('p-2'), caption: '整改项 2 照片：第 2 考场评分表' },
      { cx: 9525, cy: 9525, data: photo('p-1'), caption: '整改项 3 照片：实施方案首页' },
    ],
  };
  for (const kind of ['opinion', 'notice']) {
    const docxPath = join(w.out, D.fileName(kind, f, 'docx'));
    const r = JSON.parse(execFileSync(PYTHON, ['-c', PICTURES, docxPath], { encoding: 'utf8' }));
    assert.deepEqual(r.pictures, expected[kind], kind);
    assert.equal(r.shapes, 3, `${kind}: python-docx sees three inline shapes`);
    // LibreOffice (the test above) printed them: three images (resampled to
    // at most 300 ppi), as large on paper as the .docx says (±1%; pdfimages rounds ppi, so a
    // 1-pixel photo gets 0.2 mm), aspect kept.
    const pdf = join(dir, 'lo-pdf', `photos-${D.fileName(kind, f, 'pdf')}`);
    const list = execFileSync('pdfimages', ['-list', pdf], { encoding: 'utf8' }).trim().split('\n').slice(2).map((line) => line.trim().split(/\s+/)).filter((c) => c[2] === 'image');
    assert.equal(list.length, 3, `${kind}: the images LibreOffice printed`);
    list.forEach((c, i) => {
      const cm = (px, ppi) => (Number(px) / Number(ppi)) * 2.54;
      const [width, height] = [cm(c[3], c[12]), cm(c[4], c[13])];
      const want = [expected[kind][i].cx / 360000, expected[kind][i].cy / 360000];
      assert.ok(Math.abs(width - want[0]) <= 0.01 * want[0] + 0.02 && Math.abs(height - want[1]) <= 0.01 * want[1] + 0.02,
        `${kind} image ${i + 1}: printed ${width.toFixed(2)} × ${height.toFixed(2)} cm, want ${want[0].toFixed(2)} × ${want[1].toFixed(2)}`);
    });
  }
});

test('a photo whose bytes cannot be read keeps its caption in the .docx and its figure in the HTML', () => {
  const doc = withVeto();
  doc.photos['p-1'].data = '/9j/4A==';
  const f = O.findings(doc);
  const parts = D.docxParts('opinion', f);
  assert.equal(parts.some((p) => p.name.startsWith('word/media/')), false);
  const xml = parts.find((p) => p.name === 'word/document.xml').data;
  assert.ok(xml.includes('<w:p><w:pPr><w:pStyle w:val="DocCenter"/></w:pPr><w:r><w:t xml:space="preserve">照片：实施方案首页</w:t></w:r></w:p>'));
  assert.ok(!xml.includes('<w:drawing>'));
  assert.ok(D.articleHtml('opinion', f).includes('<figure><img src="data:image/png;base64,/9j/4A==" alt=""><figcaption>照片：实施方案首页</figcaption></figure>'));
});

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
