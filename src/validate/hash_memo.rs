//! Rubric `content_hash`es kept from one validation to the next, for `dudao
//! serve`: the SHA-256 of every rubric's JSON was a sixth of a ×10 rebuild
//! (docs/benchmarks.md), and an edit changes one rubric.
//!
//! Off unless [`remember_content_hashes`] turns it on, so `dudao build` and
//! `check` keep nothing. A validated rubric is made from its file's text
//! alone (the path and the catalogue only decide whether it has errors, and
//! a rubric with errors is never hashed), so the text's fingerprint stands
//! for the rubric: two 64-bit SipHashes of it and its length, not the text
//! itself, which would be a second copy of every rubric in memory.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Mutex, PoisonError};

static MEMO: Mutex<Option<Memo>> = Mutex::new(None);

type Fingerprint = (usize, u64, u64);

#[derive(Default)]
struct Memo {
    hashes: HashMap<Fingerprint, (String, u64)>,
    /// Bumped by [`forget_unused_hashes`]; an entry not used since is dropped.
    generation: u64,
}

/// Keeps content hashes from now on (see the module docs).
pub fn remember_content_hashes() {
    let mut memo = MEMO.lock().unwrap_or_else(PoisonError::into_inner);
    memo.get_or_insert_with(Memo::default);
}

/// Drops the hashes no validation used since the last call (an edited
/// rubric's old one). Call it after a validation.
pub fn forget_unused_hashes() {
    let mut memo = MEMO.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(memo) = memo.as_mut() {
        let generation = memo.generation;
        memo.hashes.retain(|_, (_, used)| *used == generation);
        memo.generation += 1;
    }
}

fn fingerprint(text: &str) -> Fingerprint {
    let mut first = DefaultHasher::new();
    text.hash(&mut first);
    let mut second = DefaultHasher::new();
    // Another input, so the two hashes are not the same function.
    ("content_hash", text).hash(&mut second);
    (text.len(), first.finish(), second.finish())
}

/// `hash()`, the content hash of the rubric validated from `text`, from
/// the memo when that text was hashed before.
pub(super) fn content_hash_of(text: &str, hash: impl FnOnce() -> String) -> String {
    let key = {
        let memo = MEMO.lock().unwrap_or_else(PoisonError::into_inner);
        if memo.is_none() {
            drop(memo);
            return hash();
        }
        fingerprint(text)
    };
    {
        let mut memo = MEMO.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(memo) = memo.as_mut() {
            let generation = memo.generation;
            if let Some((found, used)) = memo.hashes.get_mut(&key) {
                *used = generation;
                return found.clone();
            }
        }
    }
    let made = hash();
    let mut memo = MEMO.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(memo) = memo.as_mut() {
        let generation = memo.generation;
        memo.hashes.insert(key, (made.clone(), generation));
    }
    made
}
