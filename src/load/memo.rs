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
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::yaml::{YamlError, parse_yaml};
use crate::kept::Kept;

/// (type, line offset, hash of the text) → the text and its value. A hit
/// whose text differs (a hash collision) is parsed afresh and replaces it.
static PARSES: Kept<(TypeId, u32, u64), Arc<Parsed>> = Kept::off();

struct Parsed {
    text: String,
    value: Box<dyn Any + Send + Sync>,
}

/// Keeps parsed files from now on (see the module docs).
pub fn remember_parses() {
    PARSES.turn_on();
}

/// Drops the files no load used since the last call: an edited file's old
/// text, a deleted file. Call it after a load.
pub fn forget_unused() {
    PARSES.forget_unused();
}

/// [`parse_yaml`], from the memo when the same text was parsed before.
pub(super) fn parse<T>(text: &str, line_offset: u32) -> Result<T, YamlError>
where
    T: DeserializeOwned + Clone + Send + Sync + 'static,
{
    if !PARSES.is_on() {
        return parse_yaml(text, line_offset);
    }
    let key = {
        let mut hasher = DefaultHasher::new();
        text.hash(&mut hasher);
        (TypeId::of::<T>(), line_offset, hasher.finish())
    };
    let found = PARSES.get(&key);
    if let Some(value) = found
        .as_ref()
        .filter(|parsed| parsed.text == text)
        .and_then(|parsed| parsed.value.downcast_ref::<T>())
    {
        return Ok(value.clone());
    }
    let value = parse_yaml::<T>(text, line_offset)?;
    let parsed = Parsed {
        text: text.to_owned(),
        value: Box::new(value.clone()),
    };
    PARSES.keep(key, Arc::new(parsed));
    Ok(value)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

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
