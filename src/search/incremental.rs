//! The search index made from the last one, for `dudao serve`: the same
//! bytes as [`super::index_script`] without a memo, for the cost of the
//! documents an edit changed.
//!
//! Made afresh, the index cuts every document into terms, numbers every
//! term through a map of strings, sorts every term, and serialises every
//! document and posting list: 1.2 s of a ×100 rebuild, for an edit that
//! changes one document. Here, kept from build to build:
//!
//! - each document as it was last, with its JSON and its terms as numbers
//!   (a term is numbered once, for good); an unchanged document is compared,
//!   not cut, numbered or serialised again;
//! - the terms in the order the index lists them, sorted again only where
//!   new terms came in;
//! - each term's last posting list and its JSON. BM25F weighs a document by
//!   its length against the average, so an edit that changes one length
//!   may change any weight: every weight is computed again (a few array
//!   walks), and a list is serialised again only if it differs.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use super::{
    Document, INDEX_VERSION, average_lengths, doc_terms, documents, field_shares, idf, weight,
};
use crate::model::Project;

/// What the index keeps between builds (see the module docs).
#[derive(Default)]
pub struct Memo {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Every term seen, by number.
    terms: Vec<Term>,
    numbers: HashMap<String, u32>,
    /// Term numbers in the order of the terms' text.
    sorted: Vec<u32>,
    /// The last build's documents, by [`text_hash`].
    docs: HashMap<u64, Vec<Kept>>,
    /// The size of the last script: the next is about as large (30 MB at
    /// ×100, copied twice over when grown by doubling).
    last_size: usize,
}

struct Term {
    /// The term as a JSON key, quotes and escapes included.
    key: String,
    /// The last posting list (`[gap, weight, …]`) and its JSON.
    postings: Vec<u32>,
    json: String,
}

/// A document of the last build and all of the index it alone decides.
struct Kept {
    doc: Document,
    json: String,
    /// Its distinct terms by number, each with its count per field.
    terms: Vec<(u32, [u32; 3])>,
    lengths: [usize; 3],
}

/// When more than this share of the terms kept are no longer in any
/// document (edits replace words), the memo starts over.
const STALE_TERMS_MAX: usize = 2;

impl Memo {
    /// The index script of `project` (see [`super::index_script`]).
    pub(super) fn index_script(&self, project: &Project) -> Vec<u8> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let (script, live) = state.index_script(project);
        if state.terms.len() > STALE_TERMS_MAX * live.max(1) + 1024 {
            *state = State::default();
        }
        script
    }
}

impl State {
    /// The script, and how many terms it lists.
    fn index_script(&mut self, project: &Project) -> (Vec<u8>, usize) {
        let docs = documents(project);
        let known = self.terms.len();
        let mut last = std::mem::take(&mut self.docs);
        let mut order: Vec<(u64, usize)> = Vec::with_capacity(docs.len());
        for doc in docs {
            let hash = text_hash(&doc);
            let kept = last.get_mut(&hash).and_then(|kept| {
                let at = kept.iter().position(|k| k.doc == doc)?;
                Some(kept.swap_remove(at))
            });
            let kept = kept.unwrap_or_else(|| self.keep(doc));
            let slot = self.docs.entry(hash).or_default();
            order.push((hash, slot.len()));
            slot.push(kept);
        }
        drop(last);
        if self.terms.len() > known {
            self.sort_new_terms(known);
        }
        let docs: Vec<&Kept> = order.iter().map(|(h, at)| &self.docs[h][*at]).collect();

        let average = average_lengths(docs.iter().map(|k| k.lengths), docs.len());
        // Posting lists laid end to end, term by term (counted first).
        let mut start = vec![0usize; self.terms.len() + 1];
        for kept in &docs {
            for &(term, _) in &kept.terms {
                start[term as usize + 1] += 1;
            }
        }
        for at in 1..start.len() {
            start[at] += start[at - 1];
        }
        let mut fill = start.clone();
        let mut postings = vec![(0usize, 0.0f64); start[self.terms.len()]];
        for (number, kept) in docs.iter().enumerate() {
            let shares = field_shares(kept.lengths, &average);
            for &(term, per_field) in &kept.terms {
                let slot = &mut fill[term as usize];
                postings[*slot] = (number, super::term_frequency(per_field, &shares));
                *slot += 1;
            }
        }

        let mut script = Vec::with_capacity(self.last_size + self.last_size / 16);
        script.extend_from_slice(b"window.DUDAO_SEARCH_INDEX={\"v\":");
        script.extend_from_slice(INDEX_VERSION.to_string().as_bytes());
        script.extend_from_slice(b",\"docs\":[");
        for (at, kept) in docs.iter().enumerate() {
            if at > 0 {
                script.push(b',');
            }
            script.extend_from_slice(kept.json.as_bytes());
        }
        script.extend_from_slice(b"],\"terms\":{");
        let n = docs.len() as f64;
        let mut flat = Vec::new();
        let mut live = 0;
        for &term in &self.sorted {
            let term = term as usize;
            let list = &postings[start[term]..start[term + 1]];
            let entry = &mut self.terms[term];
            if list.is_empty() {
                // In no document now: listed again only if one brings it back.
                entry.postings = Vec::new();
                entry.json = String::new();
                continue;
            }
            let idf = idf(n, list.len() as f64);
            flat.clear();
            let mut previous = 0;
            for &(doc, tf) in list {
                flat.extend([(doc - previous) as u32, weight(idf, tf)]);
                previous = doc;
            }
            if entry.postings != flat {
                entry.json = serde_json::to_string(&flat).expect("numbers serialise");
                entry.postings.clone_from(&flat);
            }
            if live > 0 {
                script.push(b',');
            }
            live += 1;
            script.extend_from_slice(entry.key.as_bytes());
            script.push(b':');
            script.extend_from_slice(entry.json.as_bytes());
        }
        script.extend_from_slice(b"}};\n");
        self.last_size = script.len();
        (script, live)
    }

    /// A document seen for the first time: cut, numbered and serialised.
    fn keep(&mut self, doc: Document) -> Kept {
        let cut = doc_terms(&doc);
        let terms = cut
            .terms
            .into_iter()
            .map(|(term, per_field)| (self.number(term), per_field))
            .collect();
        Kept {
            json: serde_json::to_string(&doc).expect("a document serialises"),
            doc,
            terms,
            lengths: cut.lengths,
        }
    }

    fn number(&mut self, term: String) -> u32 {
        if let Some(&number) = self.numbers.get(&term) {
            return number;
        }
        let number = self.terms.len() as u32;
        self.terms.push(Term {
            key: serde_json::to_string(&term).expect("a string serialises"),
            postings: Vec::new(),
            json: String::new(),
        });
        self.numbers.insert(term, number);
        number
    }

    /// Puts the terms numbered from `first` on into their places in
    /// `sorted`: one by one when they are few (an edit), else all at once.
    fn sort_new_terms(&mut self, first: usize) {
        let mut text: Vec<&str> = vec![""; self.terms.len()];
        for (term, &number) in &self.numbers {
            text[number as usize] = term;
        }
        let new = first as u32..self.terms.len() as u32;
        if new.len() > 64 {
            self.sorted.extend(new);
            self.sorted.sort_unstable_by_key(|&n| text[n as usize]);
            return;
        }
        for number in new {
            let at = self
                .sorted
                .partition_point(|&n| text[n as usize] < text[number as usize]);
            self.sorted.insert(at, number);
        }
    }
}

/// The hash of the texts of `doc` that are cut into terms: documents of
/// the last build are looked up by it, then compared whole.
fn text_hash(doc: &Document) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    doc.key.hash(&mut hasher);
    doc.title.hash(&mut hasher);
    for (_, text) in &doc.segments {
        text.hash(&mut hasher);
    }
    doc.context.hash(&mut hasher);
    hasher.finish()
}
