//! Rubric files and evidence guides validated in one rebuild, kept for the
//! next, for `dudao serve`: validating every rubric (its table, its Office
//! limits and the SHA-256 of its `content_hash`) was a sixth of a ×10
//! rebuild (docs/benchmarks.md), and an edit changes one file.
//!
//! Off unless [`remember_rubrics`] turns it on, so `dudao build` and
//! `check` keep nothing. A step's result and its diagnostics are made from
//! the file alone (its path and text, which its parsed value comes from)
//! and what the caller names as `context` (the indicators a rubric may
//! cite, the official text a guide quotes), so the file's `text_hash` (a
//! SipHash of its path and text, like every key of serve's memos) and the
//! context stand for them.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::diagnostic::Diagnostic;
use crate::load::{Doc, RawRubric, YamlFile};

static MEMO: Mutex<Option<Memo>> = Mutex::new(None);

/// (step, path, text hash, context).
type Key = (&'static str, std::path::PathBuf, u64, u64);

#[derive(Default)]
struct Memo {
    results: HashMap<Key, Entry>,
    /// Bumped by [`forget_unused_rubrics`]; an entry not used since is dropped.
    generation: u64,
}

struct Entry {
    value: Arc<dyn Any + Send + Sync>,
    diagnostics: Vec<Diagnostic>,
    used: u64,
}

/// Keeps validated rubrics from now on (see the module docs).
pub fn remember_rubrics() {
    let mut memo = MEMO.lock().unwrap_or_else(PoisonError::into_inner);
    memo.get_or_insert_with(Memo::default);
}

/// Drops what no validation used since the last call (an edited rubric's
/// old results). Call it after a validation.
pub fn forget_unused_rubrics() {
    let mut memo = MEMO.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(memo) = memo.as_mut() {
        let generation = memo.generation;
        memo.results.retain(|_, entry| entry.used == generation);
        memo.generation += 1;
    }
}

/// What `run` gives for the rubric `file` (and its diagnostics, added to
/// `out`), from the memo when this step ran on the same file in the same
/// `context` before.
pub(super) fn validated<R: Clone + Send + Sync + 'static>(
    step: &'static str,
    file: &YamlFile<RawRubric>,
    context: u64,
    out: &mut Vec<Diagnostic>,
    run: impl FnOnce(&mut Vec<Diagnostic>) -> R,
) -> R {
    let key = (step, file.path.clone(), file.text_hash, context);
    remembered(key, out, run)
}

/// [`validated`] for a document (an evidence guide).
pub(super) fn validated_doc<T, R: Clone + Send + Sync + 'static>(
    step: &'static str,
    doc: &Doc<T>,
    context: u64,
    out: &mut Vec<Diagnostic>,
    run: impl FnOnce(&mut Vec<Diagnostic>) -> R,
) -> R {
    let key = (step, doc.path.clone(), doc.text_hash, context);
    remembered(key, out, run)
}

fn remembered<R: Clone + Send + Sync + 'static>(
    key: Key,
    out: &mut Vec<Diagnostic>,
    run: impl FnOnce(&mut Vec<Diagnostic>) -> R,
) -> R {
    {
        let mut memo = MEMO.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(memo) = memo.as_mut() else {
            drop(memo);
            return run(out);
        };
        let generation = memo.generation;
        if let Some(entry) = memo.results.get_mut(&key)
            && let Some(value) = entry.value.downcast_ref::<R>()
        {
            entry.used = generation;
            out.extend(entry.diagnostics.iter().cloned());
            return value.clone();
        }
    }
    let mut found = Vec::new();
    let value = run(&mut found);
    out.extend(found.iter().cloned());
    let mut memo = MEMO.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(memo) = memo.as_mut() {
        let used = memo.generation;
        let entry = Entry {
            value: Arc::new(value.clone()),
            diagnostics: found,
            used,
        };
        memo.results.insert(key, entry);
    }
    value
}
