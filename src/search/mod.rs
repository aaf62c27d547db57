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

/// One document's distinct terms, in the order first seen, with their
/// count in the title, body and context, and the length of each field: all
/// of the index that depends on the document alone.
#[derive(Clone)]
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

/// The terms of each document of the last index, for `dudao serve`: cutting
/// the texts into terms was most of the index's time (80 ms at ×10), and an
/// edit changes a few documents. Keyed by the exact texts that are cut.
#[derive(Default)]
pub struct Memo {
    docs: std::sync::Mutex<HashMap<u64, Vec<(DocText, DocTerms)>>>,
}

/// The texts of a document that are cut into terms.
#[derive(PartialEq)]
struct DocText {
    title: String,
    segments: Vec<String>,
    context: String,
}

impl DocText {
    fn of(d: &Document) -> DocText {
        DocText {
            title: d.title.clone(),
            segments: d.segments.iter().map(|(_, text)| text.clone()).collect(),
            context: d.context.clone(),
        }
    }

    fn is(&self, d: &Document) -> bool {
        self.title == d.title
            && self.context == d.context
            && self.segments.len() == d.segments.len()
            && self
                .segments
                .iter()
                .zip(&d.segments)
                .all(|(a, (_, b))| a == b)
    }

    fn hash(d: &Document) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        d.title.hash(&mut hasher);
        for (_, text) in &d.segments {
            text.hash(&mut hasher);
        }
        d.context.hash(&mut hasher);
        hasher.finish()
    }
}

impl Memo {
    /// Every document's terms, from the last index where its texts are the
    /// same; the memo then holds exactly these documents.
    fn terms(&self, docs: &[Document]) -> Vec<DocTerms> {
        let mut last = std::mem::take(&mut *self.docs.lock().unwrap_or_else(|e| e.into_inner()));
        let mut next: HashMap<u64, Vec<(DocText, DocTerms)>> = HashMap::with_capacity(last.len());
        let terms = docs
            .iter()
            .map(|d| {
                let hash = DocText::hash(d);
                let kept = last.get_mut(&hash).and_then(|texts| {
                    let at = texts.iter().position(|(text, _)| text.is(d))?;
                    Some(texts.swap_remove(at))
                });
                let (text, terms) = kept.unwrap_or_else(|| (DocText::of(d), doc_terms(d)));
                let copy = terms.clone();
                next.entry(hash).or_default().push((text, terms));
                copy
            })
            .collect();
        *self.docs.lock().unwrap_or_else(|e| e.into_inner()) = next;
        terms
    }
}

/// Builds the index: BM25F over title, body and context, so a word in a
/// title counts three times one in the body, and long bodies (the notice)
/// do not win on length alone.
pub fn build_index(project: &Project) -> Index {
    build_index_with(project, None)
}

/// [`build_index`], cutting only the documents `memo` has not seen.
pub fn build_index_with(project: &Project, memo: Option<&Memo>) -> Index {
    let docs = documents(project);
    // Without a memo each document's terms are cut as they are numbered:
    // collecting them all first held every term of every document as its
    // own `String` at once (~25 MB of the ×100 build's peak).
    let doc_terms: Box<dyn Iterator<Item = DocTerms> + '_> = match memo {
        Some(memo) => Box::new(memo.terms(&docs).into_iter()),
        None => Box::new(docs.iter().map(doc_terms)),
    };
    // Terms are numbered as first seen: holding every occurrence as its own
    // `String` until the averages are known was 150 MB at ×100.
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut counted: Vec<Counted> = Vec::with_capacity(docs.len());
    for DocTerms { terms, lengths } in doc_terms {
        let counts = terms
            .into_iter()
            .map(|(term, per_field)| {
                let next = ids.len() as u32;
                (*ids.entry(term).or_insert(next), per_field)
            })
            .collect();
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

/// The index as the classic script the search box injects; `memo` (in
/// `dudao serve`) keeps the documents' terms for the next time.
pub fn index_script(project: &Project, memo: Option<&Memo>) -> Vec<u8> {
    let mut script = b"window.DUDAO_SEARCH_INDEX=".to_vec();
    serde_json::to_writer(&mut script, &build_index_with(project, memo))
        .expect("the index always serialises");
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
        for edit in 0..3 {
            assert_eq!(
                index_script(&project, Some(&memo)),
                index_script(&project, None),
                "after {edit} edits"
            );
            let indicator = &mut project.catalogue.indicators[edit];
            indicator.explanation.push_str("考评员题库管理系统");
            indicator.title.push('改');
        }
        project.rubrics.pop();
        assert_eq!(
            index_script(&project, Some(&memo)),
            index_script(&project, None)
        );
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
