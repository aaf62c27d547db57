/*
 * The service worker of a hosted site (docs/site.md, "Offline"). The build
 * writes it to the site root as sw.js, replacing the MANIFEST line with
 * every file of the site and the first 16 hex digits of its SHA-256; any
 * change to the site gives a new list, so a new worker version.
 *
 * install: downloads every listed file (a file whose hash an earlier
 *   version already holds is copied from that cache, not downloaded), checks
 *   each against its hash, keeps it under "path?v=hash", and takes over at
 *   once (skipWaiting); pages already open say 网站已更新，刷新后生效
 *   (site.js).
 * activate: deletes the caches of earlier versions, claims open pages.
 * fetch: serves every listed file from the cache, so pages, search and the
 *   forms work without a network; anything else goes to the network.
 *
 * Registered by site.js only over http(s), and only when the page links the
 * web app manifest ([offline] enabled in dudao.toml).
 */
'use strict';
const MANIFEST = {"version":"dev","files":{}}; // dudao:manifest
const PREFIX = 'dudao-';
const CACHE = PREFIX + MANIFEST.version;
const SCOPE = self.registration.scope;
const listed = (path) => Object.prototype.hasOwnProperty.call(MANIFEST.files, path);
const keyOf = (path) => new URL(encodeURI(path) + '?v=' + MANIFEST.files[path], SCOPE).href;

async function hashOf(buffer) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', buffer));
  return Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function fromEarlierVersion(key) {
  for (const name of await caches.keys()) {
    if (!name.startsWith(PREFIX) || name === CACHE) continue;
    const found = await (await caches.open(name)).match(key);
    if (found) return found;
  }
  return null;
}

async function download(path) {
  // no-cache: revalidate with the server, never trust a stale HTTP cache.
  const response = await fetch(new URL(encodeURI(path), SCOPE), { cache: 'no-cache' });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  const body = await response.arrayBuffer();
  if ((await hashOf(body)) !== MANIFEST.files[path]) throw new Error(`${path}: not the version this worker lists`);
  // A fresh response: a redirected one cannot answer a navigation.
  return new Response(body, { status: 200, headers: response.headers });
}

async function precache() {
  const cache = await caches.open(CACHE);
  const paths = Object.keys(MANIFEST.files);
  let next = 0;
  async function worker() {
    while (next < paths.length) {
      const path = paths[next++];
      const key = keyOf(path);
      if (await cache.match(key)) continue;
      await cache.put(key, (await fromEarlierVersion(key)) || (await download(path)));
    }
  }
  await Promise.all([worker(), worker(), worker(), worker(), worker(), worker()]);
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

/*
 * A site rebuilt with [offline] enabled = false (or served by `dudao serve`)
 * has no sw.js; browsers keep a worker whose script is gone, so on each page
 * load it asks (HEAD, a few hundred bytes) whether sw.js is still there, and
 * on a 404 deletes its caches and unregisters. No answer just means offline.
 */
let switchedOff = false;
async function removeIfSwitchedOff() {
  let response;
  try {
    response = await fetch(new URL('sw.js', SCOPE), { method: 'HEAD', cache: 'no-store' });
  } catch (err) {
    return;
  }
  if (response.status !== 404) return;
  switchedOff = true;
  // Caches first: until the worker is gone, a cache miss goes to the network.
  for (const name of await caches.keys()) if (name.startsWith(PREFIX)) await caches.delete(name);
  await self.registration.unregister();
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (switchedOff || request.method !== 'GET' || !request.url.startsWith(SCOPE)) return;
  if (request.mode === 'navigate') event.waitUntil(removeIfSwitchedOff());
  let path;
  try {
    path = decodeURIComponent(new URL(request.url).pathname.slice(new URL(SCOPE).pathname.length));
  } catch (err) {
    return;
  }
  if (path === '' || path.endsWith('/')) path += 'index.html';
  if (!listed(path)) return;
  // caches.match, not caches.open: a deleted cache must not come back empty.
  event.respondWith(caches.match(keyOf(path), { cacheName: CACHE })
    .then((cached) => (!switchedOff && cached) || fetch(request)));
});
