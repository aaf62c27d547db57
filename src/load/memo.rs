//! Parsed YAML kept from one load to the next, for `dudao serve`: when a
//! rebuild reads every source file again (polling; most rebuilds read only
//! the changed files, see [`super::Reads`]) it parses only the files whose
//! text changed. Parsing was most of a load (~760 ms at ×100,
//! docs/benchmarks.md), and an edit changes one file.
//!
//! Off unless [`remember_parses`] turns it on, so `dudao build` and `check`
//! keep nothing. The memo is keyed by the exact text (and the type parsed
//! into, and the line offset, which the spans carry), so a hit is the very
//! value parsing would give. Files that fail to parse are not kept: their
//! errors are made afresh every time.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError};

use serde::de::DeserializeOwned;

use super::yaml::{YamlError, parse_yaml};

static MEMO: Mutex<Option<Memo>> = Mutex::new(None);

#[derive(Default)]
struct Memo {
    /// (type, line offset, hash of the text) → the texts with that hash.
    entries: HashMap<(TypeId, u32, u64), Vec<Entry>>,
    /// Bumped by [`forget_unused`]; an entry not used since is dropped.
    generation: u64,
}

struct Entry {
    text: String,
    value: Arc<dyn Any + Send + Sync>,
    used: u64,
}

/// Keeps parsed files from now on (see the module docs).
pub fn remember_parses() {
    let mut memo = MEMO.lock().unwrap_or_else(PoisonError::into_inner);
    memo.get_or_insert_with(Memo::default);
}

/// Drops the files no load used since the last call: an edited file's old
/// text, a deleted file. Call it after a load.
pub fn forget_unused() {
    let mut memo = MEMO.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(memo) = memo.as_mut() {
        let generation = memo.generation;
        memo.entries.retain(|_, texts| {
            texts.retain(|entry| entry.used == generation);
            !texts.is_empty()
        });
        memo.generation += 1;
    }
}

/// [`parse_yaml`], from the memo when the same text was parsed before.
pub(super) fn parse<T>(text: &str, line_offset: u32) -> Result<T, YamlError>
where
    T: DeserializeOwned + Clone + Send + Sync + 'static,
{
    let key = {
        let mut hasher = DefaultHasher::new();
        text.hash(&mut hasher);
        (TypeId::of::<T>(), line_offset, hasher.finish())
    };
    let found = {
        let mut memo = MEMO.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(memo) = memo.as_mut() else {
            drop(memo);
            return parse_yaml(text, line_offset);
        };
        let generation = memo.generation;
        memo.entries.get_mut(&key).and_then(|texts| {
            let entry = texts.iter_mut().find(|e| e.text == text)?;
            entry.used = generation;
            Some(Arc::clone(&entry.value))
        })
    };
    if let Some(value) = found.as_ref().and_then(|v| v.downcast_ref::<T>()) {
        return Ok(value.clone());
    }
    let value = parse_yaml::<T>(text, line_offset)?;
    let mut memo = MEMO.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(memo) = memo.as_mut() {
        let used = memo.generation;
        memo.entries.entry(key).or_default().push(Entry {
            text: text.to_owned(),
            value: Arc::new(value.clone()),
            used,
        });
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_parse_gives_what_parsing_gives_and_errors_are_not_kept() {
        remember_parses();
        let text = "a: 1\nb: [x, y]\n";
        let parsed: HashMap<String, serde_json::Value> = parse_yaml(text, 3).ok().unwrap();
        for _ in 0..2 {
            let again: HashMap<String, serde_json::Value> = parse(text, 3).ok().unwrap();
            assert_eq!(again, parsed);
        }
        let broken = "a: [1\n";
        for _ in 0..2 {
            let error = parse::<HashMap<String, serde_json::Value>>(broken, 3)
                .err()
                .unwrap();
            assert_eq!(error.at.map(|p| p.line), Some(4));
        }
    }
}
