// Open + render of a big stored assessment, in headless Chromium from
// file:// (docs/benchmarks.md "Assessment workspace"): a 200-criterion
// rubric (tailored, so it opens on assessments/form/) with 50 photos of
// 1600×1200 px JPEG, every criterion answered. Times from navigation start
// to #assess-app[data-ready] (the form built, the assessment read from
// IndexedDB, thumbnails and report drawn), and the workspace list with it.
//
//   DUDAO_SITE=target/site-under-test node scripts/bench-assess.mjs [ROUNDS] [PHOTOS]
import { createRequire } from 'node:module';
import { launch, pageUrl } from '../tests/browser/helpers.mjs';

const require = createRequire(import.meta.url);
const M = require('../themes/default/static/js/tailor-model.js');
const X = require('../themes/default/static/js/exchange.js');
const ROUNDS = Number(process.argv[2] || 7);
const CRITERIA = 200;
const PHOTOS = Number(process.argv[3] ?? 50);

/** 10 groups × 20 rows × 1 criterion of 0.5 points: 100 in all. */
function bigRubric() {
  const groups = Array.from({ length: 10 }, (_, g) => ({
    id: `g-${g + 1}`, title: `一级指标 ${g + 1}`, points: 10,
    rows: Array.from({ length: 20 }, (_, r) => ({
      id: `r-${g + 1}-${r + 1}`, title: `二级指标 ${g + 1}.${r + 1}`, indicators: [((g * 20 + r) % 33) + 1],
      criteria: [{ id: `c-${g + 1}-${r + 1}`, text: `评分标准 ${g + 1}.${r + 1}：相关材料齐全、记录完整，现场核查与台账一致。`, points: 0.5 }],
    })),
  }));
  const raw = {
    id: 'bench-200', title: '基准测试评分表（200 项）', kind: 'derived', based_on: 'annex-1', rationale: '基准测试', total: 100,
    scoring_rule: '“符合”满分，“基本符合”酌情给分，“不符合”0分', header_fields: ['被督导机构名称', '督导日期'], groups,
    bands: [{ id: 'excellent', label: '优良', min: 85 }, { id: 'pass', label: '合格', min: 60 }, { id: 'fail', label: '不合格', min: 0 }],
  };
  return M.toModel(raw);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
await page.goto(pageUrl('assessments/'));
await page.waitForSelector('#workspace-app[data-ready]');

const rubric = bigRubric();
const state = X.emptyState(rubric);
const ids = rubric.stages.flatMap((s) => s.groups.flatMap((g) => g.rows.flatMap((r) => r.criteria.map((c) => c.id))));
ids.forEach((id, i) => { state.answers[id] = { status: i % 7 === 0 ? 'none' : 'full', notes: i % 3 === 0 ? `现场记录 ${i}` : undefined }; });
const doc = { id: 'a-bench-200-criteria', name: '基准 200 项 50 张照片', rubric, assessors: ['基准'], header: state.header, answers: state.answers, veto: state.veto, photos: {} };

// 50 photo-like JPEGs (noise over shapes, so they compress like photos), made by the page's canvas.
const photos = await page.evaluate(async (count) => {
  const out = [];
  for (let k = 0; k < count; k++) {
    const c = document.createElement('canvas');
    c.width = 1600;
    c.height = 1200;
    const g = c.getContext('2d');
    for (let i = 0; i < 400; i++) {
      g.fillStyle = `hsl(${(i * 37 + k * 11) % 360} 50% ${30 + (i % 40)}%)`;
      g.fillRect((i * 97) % 1600, (i * 61) % 1200, 40 + (i % 200), 30 + (i % 150));
    }
    const noise = g.getImageData(0, 0, 1600, 1200);
    for (let i = 0; i < noise.data.length; i += 4) noise.data[i] = (noise.data[i] + ((i * 2654435761) >>> 28)) & 255;
    g.putImageData(noise, 0, 0);
    const blob = await new Promise((r) => c.toBlob(r, 'image/jpeg', 0.85));
    out.push(await DudaoWorkspace.blobToBase64(blob));
  }
  return out;
}, PHOTOS);
let bytes = 0;
photos.forEach((data, k) => {
  const pid = `p-bench-${k}`;
  const size = Buffer.from(data, 'base64').length;
  bytes += size;
  doc.photos[pid] = { type: 'image/jpeg', width: 1600, height: 1200, bytes: size, data };
  const id = ids[k * 4];
  doc.answers[id] = Object.assign({}, doc.answers[id], { photos: [pid] });
});
await page.evaluate((d) => DudaoWorkspace.put(d), doc);
const exported = await page.evaluate(async (id) => JSON.stringify((await DudaoWorkspace.toFile(id)).data).length, doc.id);

const form = [];
const list = [];
const importTimes = [];
for (let i = 0; i < ROUNDS; i++) {
  await page.goto('about:blank');
  await page.goto(pageUrl('assessments/form/') + '#assessment=' + doc.id);
  await page.waitForSelector('#assess-app[data-ready]', { timeout: 60000 });
  form.push(await page.evaluate(() => performance.now()));
  if (i === 0) {
    const thumbs = await page.locator('img[data-photo-thumb]').count();
    const total = await page.textContent('[data-total]');
    if (thumbs !== PHOTOS) throw new Error(`expected ${PHOTOS} thumbnails, saw ${thumbs}`);
    console.error(`form ready: ${thumbs} thumbnails, total ${total}`);
  }
  await page.goto(pageUrl('assessments/'));
  await page.waitForSelector('#workspace-app[data-ready]');
  list.push(await page.evaluate(() => performance.now()));
  importTimes.push(await page.evaluate(async (id) => {
    const text = JSON.stringify((await DudaoWorkspace.toFile(id)).data);
    const t0 = performance.now();
    const r = await DudaoWorkspace.fromFile(text, {});
    const t = performance.now() - t0;
    await DudaoWorkspace.remove(r.id);
    return t;
  }, doc.id));
}
await browser.close();

const ms = (x) => `${Math.round(x)} ms`;
console.log(`| Case | Median of ${ROUNDS} | Min | Max |`);
console.log('|------|------|-----|-----|');
console.log(`| Open + render a stored assessment (${CRITERIA} criteria, ${PHOTOS} photos, assessments/form/) | ${ms(median(form))} | ${ms(Math.min(...form))} | ${ms(Math.max(...form))} |`);
console.log(`| Workspace page with it listed | ${ms(median(list))} | ${ms(Math.min(...list))} | ${ms(Math.max(...list))} |`);
console.log(`| Import its export file (validate + store) | ${ms(median(importTimes))} | ${ms(Math.min(...importTimes))} | ${ms(Math.max(...importTimes))} |`);
console.log(`\nPhotos: ${PHOTOS} × 1600×1200 JPEG, ${(bytes / 1024 / 1024).toFixed(1)} MB; export file ${(exported / 1024 / 1024).toFixed(1)} MB.`);
