/*
 * DudaoWorkspace: the browser's store of assessments (评估工作台), in
 * IndexedDB so that photos fit (localStorage holds ~5 MB). Database `dudao`:
 * store `assessments` (key `id`; the record is the version-2 document of
 * docs/assessment.md without photo bytes, its answers as the form keeps them,
 * i.e. drafts allowed) and store `photos` (key [assessment id, photo id],
 * value a Blob). Every page that reads or writes assessments goes through
 * this API; all methods are async.
 *
 * IndexedDB works from file:// in Chromium and in Firefox ESR (both share
 * one store across every file:// page). Where it does not (some private
 * modes), available() is false and the pages say so and fall back to export.
 *
 * Classic script; needs scoring.js and exchange.js (and, to import version-2
 * files, rubric-rules.js and tailor-model.js) loaded first.
 */
(function (root) {
  'use strict';
  const S = root.DudaoScoring;
  const X = root.DudaoExchange;
  const DB_NAME = 'dudao';
  const DB_VERSION = 1;
  const LEGACY_PREFIX = 'dudao.assessment.';

  let opening = null;

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function done(tx) {
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error('transaction aborted'));
    });
  }

  function open() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        if (!root.indexedDB) {
          reject(new Error('IndexedDB is not available'));
          return;
        }
        let req;
        try {
          req = root.indexedDB.open(DB_NAME, DB_VERSION);
        } catch (error) {
          reject(error);
          return;
        }
        req.onupgradeneeded = () => {
          const db = req.result;
          if (!db.objectStoreNames.contains('assessments')) db.createObjectStore('assessments', { keyPath: 'id' });
          if (!db.objectStoreNames.contains('photos')) db.createObjectStore('photos');
        };
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
        req.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
      });
      opening.catch(() => { opening = null; });
    }
    return opening;
  }

  /** True when this browser lets the page keep assessments (tries to open the database). */
  async function available() {
    try {
      await open();
      return true;
    } catch (_) {
      return false;
    }
  }

  const photoRange = (id) => IDBKeyRange.bound([id], [id, []]);

  /** The record as stored: the document with its totals recomputed, photo bytes left out. */
  function toRecord(doc) {
    const state = { header: doc.header, answers: doc.answers, veto: doc.veto };
    const photos = {};
    for (const [pid, p] of Object.entries(doc.photos || {})) {
      photos[pid] = { type: p.type, width: p.width, height: p.height, bytes: p.bytes, caption: p.caption || '', added_at: p.added_at || '', by: p.by || '' };
    }
    return {
      format: X.FORMAT,
      version: X.VERSION,
      id: doc.id,
      name: doc.name || '',
      created_at: doc.created_at || new Date().toISOString(),
      updated_at: doc.updated_at || new Date().toISOString(),
      exported_at: doc.exported_at || '',
      rubric: doc.rubric,
      assessors: (doc.assessors || []).slice(),
      header: plain(state.header),
      answers: plain(state.answers),
      veto: plain(state.veto),
      photos: photos,
      merged_from: doc.merged_from || [],
      rectification: doc.rectification || null,
      follow_up_of: doc.follow_up_of || null,
      totals: X.totals(doc.rubric, S.evaluate(doc.rubric, state)),
      migrated_from: doc.migrated_from || null,
    };
  }

  /** Structured clone keeps null-prototype maps as plain objects anyway; copy own keys explicitly. */
  function plain(map) {
    const out = {};
    for (const key of Object.keys(map || {})) Object.defineProperty(out, key, { value: map[key], enumerable: true, writable: true, configurable: true });
    return out;
  }

  /** A stored map back into a null-prototype map, so `__proto__` stays a key. */
  function dict(map) {
    const out = Object.create(null);
    for (const key of Object.keys(map || {})) out[key] = map[key];
    return out;
  }

  function summary(record) {
    const result = S.evaluate(record.rubric, { header: record.header, answers: record.answers, veto: record.veto });
    const items = (record.rectification && record.rectification.items) || [];
    const count = (status) => items.filter((i) => i.status === status).length;
    return {
      id: record.id,
      name: record.name,
      rubric: { id: record.rubric.id, title: record.rubric.title, label: record.rubric.label, kind: record.rubric.kind, content_hash: record.rubric.content_hash },
      header: record.header,
      assessors: record.assessors,
      created_at: record.created_at,
      updated_at: record.updated_at,
      totals: record.totals,
      complete: result.complete,
      photos: Object.keys(record.photos || {}).length,
      merged_from: record.merged_from,
      follow_up_of: record.follow_up_of,
      migrated_from: record.migrated_from || null,
      rectification_summary: items.length ? { items: items.length, open: count('open'), in_progress: count('in_progress'), done: count('done'), verified: count('verified') } : null,
    };
  }

  /** Every stored assessment, most recently changed first. */
  async function list() {
    const db = await open();
    const records = await request(db.transaction('assessments').objectStore('assessments').getAll());
    return records.map(summary).sort((a, b) => (b.updated_at || '').localeCompare(a.updated_at || '') || a.id.localeCompare(b.id));
  }

  /** The full document, header/answers/veto as null-prototype maps, photos with their Blob (`photos[pid].blob`); null when absent. */
  async function get(id) {
    const db = await open();
    const tx = db.transaction(['assessments', 'photos']);
    const record = await request(tx.objectStore('assessments').get(id));
    if (!record) return null;
    const store = tx.objectStore('photos');
    const keys = await request(store.getAllKeys(photoRange(id)));
    const blobs = await request(store.getAll(photoRange(id)));
    const photos = dict(record.photos);
    keys.forEach((key, i) => {
      if (photos[key[1]]) photos[key[1]] = Object.assign({}, photos[key[1]], { blob: blobs[i] });
    });
    return Object.assign(record, { header: dict(record.header), answers: dict(record.answers), veto: dict(record.veto), photos: photos });
  }

  function base64ToBlob(data, type) {
    const binary = atob(data);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new Blob([bytes], { type: type });
  }

  async function blobToBase64(blob) {
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  }

  /**
   * Inserts or updates `doc` by its id and stamps updated_at (unless
   * options.keepTime). Photos given with a `blob` or base64 `data` are
   * stored; stored photos the document no longer lists are the ones the
   * user removed (after being asked), and go.
   */
  async function put(doc, options) {
    if (!doc || typeof doc.id !== 'string' || !X.ID_PATTERN.test(doc.id)) throw new Error('put: bad assessment id');
    const db = await open();
    const stamped = Object.assign({}, doc);
    if (!(options && options.keepTime)) stamped.updated_at = new Date().toISOString();
    const record = toRecord(stamped);
    const tx = db.transaction(['assessments', 'photos'], 'readwrite');
    tx.objectStore('assessments').put(record);
    const store = tx.objectStore('photos');
    for (const [pid, p] of Object.entries(doc.photos || {})) {
      if (p.blob) store.put(p.blob, [doc.id, pid]);
      else if (typeof p.data === 'string') store.put(base64ToBlob(p.data, p.type), [doc.id, pid]);
    }
    const keys = await request(store.getAllKeys(photoRange(doc.id)));
    for (const key of keys) if (!Object.prototype.hasOwnProperty.call(record.photos, key[1])) store.delete(key);
    await done(tx);
    return record.updated_at;
  }

  /** Deletes an assessment and its photos. The caller has asked the user. */
  async function remove(id) {
    const db = await open();
    const tx = db.transaction(['assessments', 'photos'], 'readwrite');
    tx.objectStore('assessments').delete(id);
    tx.objectStore('photos').delete(photoRange(id));
    await done(tx);
  }

  /** A copy under a new id, named 「… 副本」; returns the new id. */
  async function duplicate(id) {
    const doc = await get(id);
    if (!doc) throw new Error('duplicate: no assessment ' + id);
    const now = new Date().toISOString();
    const copy = Object.assign({}, doc, { id: X.newId(now), name: `${displayName(doc)} 副本`, created_at: now });
    await put(copy);
    return copy.id;
  }

  /** What the list shows for an assessment without a name of its own. */
  function displayName(doc) {
    if (doc.name) return doc.name;
    const fields = doc.rubric.header_fields || [];
    const org = fields.length ? (doc.header[fields[0]] || '') : '';
    return [org || '未填机构', doc.rubric.title].join(' · ');
  }

  /** The photos of a stored document with base64 `data`, for an export. */
  async function photosWithData(doc) {
    const out = {};
    for (const [pid, p] of Object.entries(doc.photos || {})) {
      if (!p.blob) continue;
      out[pid] = Object.assign({}, p, { data: await blobToBase64(p.blob) });
      delete out[pid].blob;
    }
    return out;
  }

  /**
   * The version-2 export document of a stored assessment: {ok, data, name}
   * or {ok: false, problems} while a 基本符合 lacks its score or reason.
   */
  async function toFile(id) {
    const doc = await get(id);
    if (!doc) throw new Error('toFile: no assessment ' + id);
    const state = { header: doc.header, answers: doc.answers, veto: doc.veto };
    const meta = Object.assign({}, doc, { photos: await photosWithData(doc) });
    const out = X.toExport(doc.rubric, state, new Date().toISOString(), meta);
    if (out.ok) out.name = fileName(doc);
    return out;
  }

  function fileName(doc) {
    const date = new Date().toISOString().slice(0, 10);
    const fields = doc.rubric.header_fields || [];
    const org = (fields.length ? doc.header[fields[0]] || '' : '').replace(/[\\/:*?"<>|\s]+/g, '').slice(0, 30);
    return ['评估', doc.rubric.id, org, date].filter(Boolean).join('-') + '.json';
  }

  /**
   * Imports an export file (text, or a File/Blob whose size is checked
   * before it is read). Validated by DudaoExchange.readDocument; nothing is
   * stored unless the whole file is valid. A file whose id is already here
   * is stored under a new id (never overwrites): {ok, id, renamed, doc}, or
   * {ok: false, message}. options.rubrics: the site's rubrics, for version-1
   * files.
   */
  async function fromFile(input, options) {
    const read = await readFile(input, options);
    if (!read.ok) return read;
    const doc = read.doc;
    const db = await open();
    let id = doc.id || X.newId();
    let renamed = false;
    const existing = await request(db.transaction('assessments').objectStore('assessments').get(id));
    if (existing) {
      id = X.newId();
      renamed = doc.id !== null;
    }
    const stored = documentFrom(doc, id);
    await put(stored, { keepTime: true });
    return { ok: true, id: id, renamed: renamed, doc: stored };
  }

  /** Reads and validates a file without storing it (merge uses this). */
  async function readFile(input, options) {
    const opts = Object.assign({}, options || {});
    let text = input;
    if (typeof input !== 'string') {
      opts.bytes = input.size;
      if (input.size > X.MAX_FILE_BYTES) return X.readDocument('', opts);
      text = await input.text();
    }
    return X.readDocument(text, opts);
  }

  /** A document for put() from what readDocument returned. */
  function documentFrom(doc, id) {
    const now = new Date().toISOString();
    return {
      id: id,
      name: doc.name,
      created_at: doc.created_at || now,
      updated_at: doc.updated_at || now,
      exported_at: doc.exported_at,
      rubric: doc.rubric,
      assessors: doc.assessors,
      header: doc.state.header,
      answers: doc.state.answers,
      veto: doc.state.veto,
      photos: doc.photos,
      merged_from: doc.merged_from,
      rectification: doc.rectification,
      follow_up_of: doc.follow_up_of,
    };
  }

  /** {assessments, photos, bytes, quota, usage}: counts, bytes this store holds, and the browser's estimate. */
  async function usage() {
    const db = await open();
    const tx = db.transaction(['assessments', 'photos']);
    const records = await request(tx.objectStore('assessments').getAll());
    const blobs = await request(tx.objectStore('photos').getAll());
    let bytes = blobs.reduce((sum, b) => sum + (b && b.size ? b.size : 0), 0);
    for (const r of records) bytes += JSON.stringify(r).length * 2;
    let quota = null;
    let used = null;
    try {
      if (root.navigator && navigator.storage && navigator.storage.estimate) {
        const estimate = await navigator.storage.estimate();
        quota = estimate.quota ?? null;
        used = estimate.usage ?? null;
      }
    } catch (_) { /* the estimate is optional */ }
    return { assessments: records.length, photos: blobs.length, bytes: bytes, quota: quota, usage: used };
  }

  // ---- the version-1 localStorage keys ---------------------------------------

  /** Every `dudao.assessment.<rubric id>[.previous]` entry still in localStorage. */
  function legacyEntries() {
    const out = [];
    let storage;
    try {
      storage = root.localStorage;
      if (!storage) return out;
    } catch (_) {
      return out;
    }
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (!key || !key.startsWith(LEGACY_PREFIX)) continue;
      const text = storage.getItem(key);
      let saved = null;
      try {
        saved = JSON.parse(text);
      } catch (_) { /* not ours */ }
      if (saved && typeof saved === 'object' && saved.rubric && typeof saved.rubric === 'object' && saved.state && typeof saved.state === 'object') {
        out.push({ key: key, text: text, saved: saved });
      }
    }
    return out;
  }

  /**
   * Copies every version-1 localStorage entry into the workspace, once each
   * (the id comes from the key and the saved text, so running it again adds
   * nothing, and a changed entry is kept as well as the old one). The
   * localStorage keys stay. An entry whose rubric is none of `rubrics`
   * (matched by id and content hash) cannot be shown and stays where it is;
   * the count is returned so the page can say so.
   */
  async function migrate(rubrics) {
    const entries = legacyEntries();
    if (entries.length === 0) return { migrated: 0, left: 0 };
    const db = await open();
    let migrated = 0;
    let left = 0;
    for (const entry of entries) {
      const rubric = (rubrics || []).find((r) => r.id === entry.saved.rubric.id && r.content_hash === entry.saved.rubric.content_hash);
      if (!rubric) {
        left++;
        continue;
      }
      const id = 'a-v1-' + root.DudaoTailorModel.sha256Hex(new TextEncoder().encode(entry.key + '\n' + entry.text)).slice(0, 24);
      const existing = await request(db.transaction('assessments').objectStore('assessments').get(id));
      if (existing) continue;
      const state = legacyState(entry.saved.state, rubric);
      const saved = typeof entry.saved.saved_at === 'string' ? entry.saved.saved_at : new Date().toISOString();
      await put({
        id: id,
        name: entry.key.endsWith('.previous') ? `${rubric.title}（旧版本地备份）` : '',
        created_at: saved, updated_at: saved, rubric: rubric, assessors: [],
        header: state.header, answers: state.answers, veto: state.veto, photos: {},
        merged_from: [], rectification: null, follow_up_of: null,
        migrated_from: { key: entry.key, saved_at: saved },
      }, { keepTime: true });
      migrated++;
    }
    return { migrated: migrated, left: left };
  }

  /** The saved form state, keeping only what the rubric has (as the v1 page did on load). */
  function legacyState(s, rubric) {
    const state = X.emptyState(rubric);
    const own = (o, k) => o && typeof o === 'object' && Object.prototype.hasOwnProperty.call(o, k);
    for (const field of rubric.header_fields) if (own(s.header, field) && typeof s.header[field] === 'string') state.header[field] = s.header[field];
    for (const c of S.flatten(rubric)) if (own(s.answers, c.id) && s.answers[c.id] && typeof s.answers[c.id] === 'object') state.answers[c.id] = Object.assign({}, s.answers[c.id]);
    for (const v of (rubric.veto && rubric.veto.items) || []) if (own(s.veto, v.id) && s.veto[v.id] && typeof s.veto[v.id] === 'object') state.veto[v.id] = Object.assign({}, s.veto[v.id]);
    return state;
  }

  const api = {
    available, list, get, put, remove, duplicate, toFile, fromFile, readFile, usage, migrate,
    legacyEntries, displayName, documentFrom, blobToBase64, base64ToBlob,
  };
  root.DudaoWorkspace = api;
})(globalThis);
