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
mod tokenize;

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::model::Project;
pub use documents::{Document, documents};
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

/// Builds the index: BM25F over title, body and context, so a word in a
/// title counts three times one in the body, and long bodies (the notice)
/// do not win on length alone.
pub fn build_index(project: &Project) -> Index {
    let docs = documents(project);
    // Each document's terms are counted per field as soon as they are cut,
    // under a number per distinct term: holding every occurrence as its own
    // `String` until the averages are known was 150 MB at ×100.
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut counted: Vec<Counted> = Vec::with_capacity(docs.len());
    for d in &docs {
        let mut counts: Vec<(u32, [u32; 3])> = Vec::new();
        let mut slot: HashMap<u32, usize> = HashMap::new();
        let mut lengths = [0; 3];
        let mut count = |field: usize, term: String| {
            lengths[field] += 1;
            let next = ids.len() as u32;
            let id = *ids.entry(term).or_insert(next);
            let at = *slot.entry(id).or_insert_with(|| {
                counts.push((id, [0; 3]));
                counts.len() - 1
            });
            counts[at].1[field] += 1;
        };
        index_terms(&d.title).into_iter().for_each(|t| count(0, t));
        for (_, text) in &d.segments {
            index_terms(text).into_iter().for_each(|t| count(1, t));
        }
        index_terms(&d.context)
            .into_iter()
            .for_each(|t| count(2, t));
        counted.push((counts, lengths));
    }
    let boosts = [TITLE_BOOST, BODY_BOOST, CONTEXT_BOOST];
    let average_len: Vec<f64> = (0..3)
        .map(|f| {
            let total: usize = counted.iter().map(|(_, lengths)| lengths[f]).sum();
            (total as f64 / docs.len().max(1) as f64).max(1.0)
        })
        .collect();

    // term → (doc, saturating-before BM25F term frequency), docs ascending.
    let mut frequencies: Vec<Vec<(usize, f64)>> = vec![Vec::new(); ids.len()];
    for (doc, (counts, lengths)) in counted.into_iter().enumerate() {
        let share: Vec<f64> = (0..3)
            .map(|f| boosts[f] / (1.0 - B + B * lengths[f] as f64 / average_len[f]))
            .collect();
        for (id, per_field) in counts {
            // One addition per occurrence, title then body then context:
            // the same sum, to the last bit, as adding them while reading.
            let mut tf = 0.0;
            for (f, n) in per_field.into_iter().enumerate() {
                for _ in 0..n {
                    tf += share[f];
                }
            }
            frequencies[id as usize].push((doc, tf));
        }
    }

    let n = docs.len() as f64;
    let mut by_term: Vec<(String, u32)> = ids.into_iter().collect();
    by_term.sort_unstable();
    let terms = by_term
        .into_iter()
        .map(|(term, id)| {
            let postings = std::mem::take(&mut frequencies[id as usize]);
            let df = postings.len() as f64;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let mut previous = 0;
            let flat = postings
                .into_iter()
                .flat_map(|(doc, tf)| {
                    let score = idf * tf * (K1 + 1.0) / (K1 + tf);
                    let weight = (score * WEIGHT_SCALE).round().max(1.0) as u32;
                    let gap = doc - previous;
                    previous = doc;
                    [gap as u32, weight]
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

/// The index as the classic script the search box injects.
pub fn index_script(project: &Project) -> Vec<u8> {
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
    fn the_index_script_is_deterministic_and_sets_one_global() {
        let project = bundled_project();
        let first = index_script(&project);
        assert_eq!(first, index_script(&project));
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
