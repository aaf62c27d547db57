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
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::kept::Kept;
use crate::load::{Doc, RawRubric, YamlFile};

/// (step, text hash, context) → the step's result and diagnostics. The
/// text hash is of the file's path and text, so the path is not repeated
/// (cloning it for every lookup was most of a lookup).
static RESULTS: Kept<(&'static str, u64, u64), Arc<Validated>> = Kept::off();

struct Validated {
    value: Box<dyn Any + Send + Sync>,
    diagnostics: Vec<Diagnostic>,
}

/// Keeps validated rubrics from now on (see the module docs).
pub fn remember_rubrics() {
    RESULTS.turn_on();
}

/// Drops what no validation used since the last call (an edited rubric's
/// old results). Call it after a validation.
pub fn forget_unused_rubrics() {
    RESULTS.forget_unused();
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
    let key = (step, file.text_hash, context);
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
    let key = (step, doc.text_hash, context);
    remembered(key, out, run)
}

fn remembered<R: Clone + Send + Sync + 'static>(
    key: (&'static str, u64, u64),
    out: &mut Vec<Diagnostic>,
    run: impl FnOnce(&mut Vec<Diagnostic>) -> R,
) -> R {
    if !RESULTS.is_on() {
        return run(out);
    }
    if let Some(kept) = RESULTS.get(&key)
        && let Some(value) = kept.value.downcast_ref::<R>()
    {
        out.extend(kept.diagnostics.iter().cloned());
        return value.clone();
    }
    let mut diagnostics = Vec::new();
    let value = run(&mut diagnostics);
    out.extend(diagnostics.iter().cloned());
    let result = Validated {
        value: Box::new(value.clone()),
        diagnostics,
    };
    RESULTS.keep(key, Arc::new(result));
    value
}
