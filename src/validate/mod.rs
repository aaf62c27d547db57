//! Raw structs → model, collecting every problem.
//!
//! The published tables are flattened in the source text, so where a row
//! belongs is decided by the declared subtotals; this module is what proves
//! that every declared subtotal (stage, first-level group, total) equals the
//! sum of its rows. It never stops at the first problem.
//!
//! One job per submodule:
//! - [`catalogue`]: the notice, overview, groups, indicators and footnotes,
//!   their numbering and cross-references;
//! - [`rubric`]: one rubric file as a whole (id, kind, total, veto) and the
//!   checks across rubric files (unique ids, `based_on`);
//! - [`table`]: a rubric's scored table (stages, groups, rows, criteria, ids,
//!   points and the subtotals that must add up);
//! - [`bands`]: a rubric's 优良/合格/不合格 bands;
//! - [`evidence`]: the evidence guides, their targets, quotes and numbers,
//!   and that every indicator and official criterion has one;
//! - [`limits`]: what the Office exports cannot hold (Excel's cell and
//!   title lengths), so that `check` finds every rubric `build` would fail on;
//! - [`markdown`]: what content Markdown may hold (nesting depth, size,
//!   no remote resources).

mod bands;
mod catalogue;
mod evidence;
mod limits;
pub mod markdown;
mod memo;
mod rubric;
mod table;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::load::{self, RawProject};
use crate::model::*;

pub use catalogue::HasGroup;
pub use limits::{BAND_LABEL_LIMIT, CELL_LIMIT, VALIDATION_TITLE_LIMIT};
pub use memo::{forget_unused_rubrics, remember_rubrics};
pub use rubric::content_hash;

/// Bands are part of the automation contract (`data-band`), so their ids are fixed.
pub const BAND_IDS: [&str; 3] = ["excellent", "pass", "fail"];

pub fn validate(raw: RawProject) -> (Option<Project>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let catalogue = catalogue::validate_catalogue(&raw, &mut out);
    // References into a catalogue with unreadable files cannot be judged:
    // the loader has already reported those files.
    let known_indicators = catalogue
        .as_ref()
        .filter(|_| !raw.catalogue_incomplete)
        .map(|c| {
            c.indicators
                .iter()
                .map(|i| i.number)
                .collect::<BTreeSet<u32>>()
        });
    // Under serve, each file's results are kept (see [`memo`]): a rubric
    // depends on its file and on which indicators there are.
    let known = {
        let mut hasher = std::hash::DefaultHasher::new();
        std::hash::Hash::hash(&known_indicators, &mut hasher);
        std::hash::Hasher::finish(&hasher)
    };
    let mut rubrics: Vec<Arc<Rubric>> = raw
        .rubrics
        .iter()
        .filter_map(|file| {
            memo::validated("rubric", file, known, &mut out, |out| {
                rubric::validate_rubric(file, known_indicators.as_ref(), out).map(Arc::new)
            })
        })
        .collect();
    rubric::check_rubric_ids_unique_and_bases(&raw.rubrics, &mut out);
    for file in &raw.rubrics {
        memo::validated("limits", file, 0, &mut out, |out| {
            limits::check_export_limits(file, out)
        });
    }
    rubrics.sort_by(|a, b| rubric_order(a).cmp(&rubric_order(b)));
    check_markdown(&raw, &mut out);
    let evidence = evidence::validate_guides(&raw, raw.catalogue_incomplete, &mut out);

    let Some(mut catalogue) = catalogue else {
        return (None, out);
    };
    link_backreferences(&mut catalogue, &rubrics);
    let project = Project {
        schema_version: SCHEMA_VERSION,
        catalogue,
        rubrics,
        evidence,
    };
    if out.iter().any(Diagnostic::is_error) {
        (None, out)
    } else {
        (Some(project), out)
    }
}

/// Every Markdown body the site renders (see [`markdown`]). Under serve a
/// document's result is kept: it is made of the document alone.
fn check_markdown(raw: &RawProject, out: &mut Vec<Diagnostic>) {
    fn check<T>(doc: &load::Doc<T>, out: &mut Vec<Diagnostic>) {
        memo::validated_doc("markdown", doc, 0, out, |out| {
            markdown::check_doc(doc, &doc.body, out)
        });
    }
    if let Some(doc) = &raw.notice {
        check(doc, out);
    }
    if let Some(doc) = &raw.overview {
        check(doc, out);
    }
    raw.groups.iter().for_each(|d| check(d, out));
    raw.indicators.iter().for_each(|d| check(d, out));
    raw.footnotes.iter().for_each(|d| check(d, out));
    raw.evidence.iter().for_each(|d| check(d, out));
}

/// Official tables first, then ours, each alphabetically: the order of the
/// home page and of `api/`.
fn rubric_order(rubric: &Rubric) -> (bool, &str) {
    (rubric.kind == Kind::Derived, rubric.id.as_str())
}

/// Each indicator learns which rubric rows draw on it (`used_by`).
fn link_backreferences(catalogue: &mut Catalogue, rubrics: &[Arc<Rubric>]) {
    // By number, not a scan per reference: that grew with rows × indicators.
    let position: HashMap<u32, usize> = catalogue
        .indicators
        .iter()
        .enumerate()
        .map(|(i, indicator)| (indicator.number, i))
        .collect();
    for rubric in rubrics {
        for (_, _, row) in rubric.rows() {
            for number in &row.indicators {
                if let Some(indicator) = position.get(number).map(|&i| &mut catalogue.indicators[i])
                {
                    indicator.used_by.push(RowRef {
                        rubric: rubric.id.clone(),
                        row: row.id.clone(),
                    });
                }
            }
        }
    }
}
