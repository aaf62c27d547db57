// Scoring a ranked result list against tests/search_queries.json; shared by
// tests/browser/search.test.mjs and scripts/bench-search.

/// Types `query` into the page's search box and returns the result keys in
/// rank order, once the list answers that query.
export async function runQuery(page, query) {
  await page.fill('input[type=search]', query);
  await page.waitForFunction(
    (q) => document.querySelector('[data-search-results]')?.dataset.query === q,
    query,
  );
  return page.$$eval('[data-search-results] a', (links) => links.map((a) => a.dataset.key));
}

/// precision@1 counts a query when its first result is expected or
/// accepted; recall@3 is the share of its expected results in the top three,
/// averaged over the queries. `ranked[i]` holds the keys for `set[i]`.
export function score(set, ranked) {
  let p1 = 0;
  let r3 = 0;
  const misses = [];
  set.forEach((q, i) => {
    const keys = ranked[i] ?? [];
    const top3 = keys.slice(0, 3);
    const found = q.expect.filter((k) => top3.includes(k)).length / q.expect.length;
    const first = [...q.expect, ...(q.accept ?? [])].includes(keys[0]);
    p1 += first ? 1 : 0;
    r3 += found;
    if (!first || found < 1) misses.push(`${q.q}: expected ${q.expect.join(' ')}, got ${top3.join(' ') || 'nothing'}`);
  });
  return { precisionAt1: p1 / set.length, recallAt3: r3 / set.length, misses };
}
