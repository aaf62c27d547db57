//! The search index: the model → `static/search-index.js`.
//!
//! Chinese has no spaces, so words cannot be split on them (this is why
//! lunr/elasticlunr find nothing for 考评员). Every run of CJK characters is
//! indexed as its overlapping pairs (bigrams), and every run of ASCII
//! letters/digits as one word. A query is cut the same way, so 题库 matches
//! inside 题库管理系统 and 考评员 is 考评 + 评员 — with no dictionary to ship or
//! keep in step between Rust and the browser; a one-character query matches
//! every pair holding the character. The browser half (`themes/default/static/js/
//! search-engine.js`) implements the same rules; both are checked against
//! `tests/search_tokenizer_vectors.json`.
//!
//! The index ships as a classic script that sets a global, because Chromium
//! blocks `fetch` on `file://`; the page injects it on the first keystroke or
//! focus of the search box, so reading a page costs nothing. It carries the
//! document texts too (the browser needs them for snippets and phrase
//! checks) and, per term, each document's BM25F weight precomputed here, so a
//! query in the browser is a few array walks and a sum.

mod documents;
mod incremental;
mod tokenize;

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::model::Project;
pub use documents::{Document, documents};
pub use incremental::Memo;
pub use tokenize::{index_terms, normalize, query_terms};

/// Bumped when the shape of the shipped index changes; the browser refuses
/// an index of another version instead of misreading it.
pub const INDEX_VERSION: u32 = 1;

/// Where the index lands in the site.
pub const INDEX_PATH: &str = "static/search-index.js";

const TITLE_BOOST: f64 = 3.0;
const BODY_BOOST: f64 = 1.0;
/// Group, stage and rubric titles around a row: enough to break ties towards
/// the right section, too little to outrank a row that says the words.
const CONTEXT_BOOST: f64 = 0.3;
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Weights ship as integers: tenths of a BM25F score. Finer steps change no
/// ranking in the query set and cost a third more gzip bytes.
const WEIGHT_SCALE: f64 = 10.0;

#[derive(Debug, Serialize)]
pub struct Index {
    #[serde(rename = "v")]
    pub version: u32,
    pub docs: Vec<Document>,
    /// term → `[doc, weight, doc, weight, …]`, docs ascending, each doc
    /// number given as the gap from the previous one (small numbers
    /// compress better).
    pub terms: BTreeMap<String, Vec<u32>>,
}

/// One document's distinct terms (by number) with their count in the
/// title, body and context, and the length of each of those fields.
type Counted = (Vec<(u32, [u32; 3])>, [usize; 3]);

/// One document's distinct terms, in the order first seen, with their
/// count in the title, body and context, and the length of each field: all
/// of the index that depends on the document alone.
struct DocTerms {
    terms: Vec<(String, [u32; 3])>,
    lengths: [usize; 3],
}

fn doc_terms(d: &Document) -> DocTerms {
    let mut terms: Vec<(String, [u32; 3])> = Vec::new();
    let mut slot: HashMap<String, usize> = HashMap::new();
    let mut lengths = [0; 3];
    let mut count = |field: usize, term: String| {
        lengths[field] += 1;
        let at = match slot.get(&term) {
            Some(&at) => at,
            None => {
                terms.push((term.clone(), [0; 3]));
                slot.insert(term, terms.len() - 1);
                terms.len() - 1
            }
        };
        terms[at].1[field] += 1;
    };
    index_terms(&d.title).into_iter().for_each(|t| count(0, t));
    for (_, text) in &d.segments {
        index_terms(text).into_iter().for_each(|t| count(1, t));
    }
    index_terms(&d.context)
        .into_iter()
        .for_each(|t| count(2, t));
    DocTerms { terms, lengths }
}

/// Builds the index: BM25F over title, body and context, so a word in a
/// title counts three times one in the body, and long bodies (the notice)
/// do not win on length alone.
pub fn build_index(project: &Project) -> Index {
    let docs = documents(project);
    // Terms are numbered as first seen, each document's terms cut as it is
    // numbered: holding every occurrence as its own `String` until the
    // averages are known was 150 MB at ×100.
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut counted: Vec<Counted> = Vec::with_capacity(docs.len());
    for DocTerms { terms, lengths } in docs.iter().map(doc_terms) {
        let counts = terms
            .into_iter()
            .map(|(term, per_field)| {
                let next = ids.len() as u32;
                (*ids.entry(term).or_insert(next), per_field)
            })
            .collect();
        counted.push((counts, lengths));
    }
    let average_len = average_lengths(counted.iter().map(|(_, l)| *l), docs.len());

    // term → (doc, saturating-before BM25F term frequency), docs ascending.
    let mut frequencies: Vec<Vec<(usize, f64)>> = vec![Vec::new(); ids.len()];
    for (doc, (counts, lengths)) in counted.into_iter().enumerate() {
        let shares = field_shares(lengths, &average_len);
        for (id, per_field) in counts {
            frequencies[id as usize].push((doc, term_frequency(per_field, &shares)));
        }
    }

    let n = docs.len() as f64;
    let mut by_term: Vec<(String, u32)> = ids.into_iter().collect();
    by_term.sort_unstable();
    let terms = by_term
        .into_iter()
        .map(|(term, id)| {
            let postings = std::mem::take(&mut frequencies[id as usize]);
            let idf = idf(n, postings.len() as f64);
            let mut previous = 0;
            let flat = postings
                .into_iter()
                .flat_map(|(doc, tf)| {
                    let gap = doc - previous;
                    previous = doc;
                    [gap as u32, weight(idf, tf)]
                })
                .collect();
            (term, flat)
        })
        .collect();

    Index {
        version: INDEX_VERSION,
        docs,
        terms,
    }
}

/// The average length of each field over `count` documents (at least 1).
fn average_lengths(lengths: impl Iterator<Item = [usize; 3]>, count: usize) -> [f64; 3] {
    let mut total = [0usize; 3];
    for lengths in lengths {
        for f in 0..3 {
            total[f] += lengths[f];
        }
    }
    total.map(|total| (total as f64 / count.max(1) as f64).max(1.0))
}

/// What one occurrence in each field of a document adds to a term's
/// frequency: the field's boost, less for a field longer than average.
fn field_shares(lengths: [usize; 3], average: &[f64; 3]) -> [f64; 3] {
    let boosts = [TITLE_BOOST, BODY_BOOST, CONTEXT_BOOST];
    std::array::from_fn(|f| boosts[f] / (1.0 - B + B * lengths[f] as f64 / average[f]))
}

/// A term's BM25F frequency in a document, before saturation.
fn term_frequency(per_field: [u32; 3], shares: &[f64; 3]) -> f64 {
    // One addition per occurrence, title then body then context: the same
    // sum, to the last bit, as adding them while reading.
    let mut tf = 0.0;
    for (f, n) in per_field.into_iter().enumerate() {
        for _ in 0..n {
            tf += shares[f];
        }
    }
    tf
}

/// The inverse document frequency of a term found in `df` of `n` documents.
fn idf(n: f64, df: f64) -> f64 {
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// A posting's shipped weight: its BM25F score in tenths, at least 1.
fn weight(idf: f64, tf: f64) -> u32 {
    let score = idf * tf * (K1 + 1.0) / (K1 + tf);
    (score * WEIGHT_SCALE).round().max(1.0) as u32
}

/// The index as the classic script the search box injects; under `dudao
/// serve`, `memo` makes it from the last one (the same bytes).
pub fn index_script(project: &Project, memo: Option<&Memo>) -> Vec<u8> {
    if let Some(memo) = memo {
        return memo.index_script(project);
    }
    let mut script = b"window.DUDAO_SEARCH_INDEX=".to_vec();
    serde_json::to_writer(&mut script, &build_index(project)).expect("the index always serialises");
    script.extend_from_slice(b";\n");
    script
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled_project() -> Project {
        crate::load_project(std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
            .expect("the bundled content loads")
            .0
    }

    #[test]
    fn an_index_from_the_memo_is_the_index_made_afresh() {
        let mut project = bundled_project();
        let memo = Memo::default();
        let same = |project: &Project, what: &str| {
            let made = index_script(project, Some(&memo));
            assert!(
                made == index_script(project, None),
                "after {what}: the memo's index differs from a fresh one"
            );
        };
        for edit in 0..3 {
            same(&project, &format!("{edit} edits"));
            let indicator = &mut project.catalogue.indicators[edit];
            indicator.explanation.push_str("考评员题库管理系统");
            indicator.title.push('改');
        }
        // New words, some of them sorting before and after every other.
        project.catalogue.indicators[3]
            .explanation
            .push_str("AAA zzz 0 鿿鿿 新词新词");
        same(&project, "new terms");
        // Words gone from every document, and back.
        let kept = project.catalogue.indicators[3].explanation.clone();
        project.catalogue.indicators[3].explanation = String::new();
        same(&project, "terms gone");
        project.catalogue.indicators[3].explanation = kept;
        same(&project, "terms back");
        // A document's meta only (no text): the same terms, another JSON.
        project.catalogue.groups[0].numeral.push('改');
        same(&project, "a group's numeral");
        // Documents gone: every idf and average changes.
        project.rubrics.pop();
        same(&project, "a rubric gone");
        project.catalogue.indicators.truncate(5);
        same(&project, "indicators gone");
    }

    #[test]
    fn the_index_script_is_deterministic_and_sets_one_global() {
        let project = bundled_project();
        let first = index_script(&project, None);
        assert_eq!(first, index_script(&project, None));
        let text = String::from_utf8(first).unwrap();
        let json = text
            .strip_prefix("window.DUDAO_SEARCH_INDEX=")
            .and_then(|t| t.strip_suffix(";\n"))
            .expect("one assignment");
        let index: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(index["v"], INDEX_VERSION);
        // Postings are [gap, weight] pairs whose gaps add up to real documents.
        let docs = index["docs"].as_array().unwrap().len() as u64;
        for (term, postings) in index["terms"].as_object().unwrap() {
            let postings = postings.as_array().unwrap();
            assert_eq!(postings.len() % 2, 0, "{term}");
            let last: u64 = postings
                .iter()
                .step_by(2)
                .map(|g| g.as_u64().unwrap())
                .sum();
            assert!(last < docs, "{term}");
            assert!(
                postings
                    .iter()
                    .skip(1)
                    .step_by(2)
                    .all(|w| w.as_u64().unwrap() >= 1)
            );
        }
    }
}
