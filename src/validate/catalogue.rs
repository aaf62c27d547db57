//! The catalogue: notice, overview, groups, indicators and footnotes.
//!
//! Checks that numbers are unique and contiguous, that indicators follow
//! their groups in order, and that every cross-reference (indicator → group,
//! indicator → footnote, footnote → indicator) lands.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::load::{Doc, RawProject, Spanned};
use crate::model::*;

pub(super) fn validate_catalogue(raw: &RawProject, out: &mut Vec<Diagnostic>) -> Option<Catalogue> {
    let notice = raw.notice.as_ref().map(|doc| Notice {
        title: doc.front.title.value.clone(),
        issuer: doc.front.issuer.clone(),
        document_number: doc.front.document_number.clone(),
        disclosure: doc.front.disclosure.clone(),
        contact: doc.front.contact.clone(),
        consequences: Consequences {
            excellent: doc.front.consequences.excellent.clone(),
            fail: doc.front.consequences.fail.clone(),
            serious: doc.front.consequences.serious.clone(),
            criminal: doc.front.consequences.criminal.clone(),
        },
        body: doc.body.trim().to_owned(),
    });
    let overview = raw.overview.as_ref().map(|doc| Overview {
        title: doc.front.title.clone(),
        body: doc.body.trim().to_owned(),
    });

    let mut groups: Vec<Group> = Vec::new();
    for doc in unique_numbers(
        &raw.groups,
        |g| &g.number,
        "first-level indicator (group)",
        out,
    ) {
        groups.push(Group {
            number: doc.front.number.value,
            numeral: doc.front.numeral.clone(),
            title: doc.front.title.clone(),
            description: doc.body.trim().to_owned(),
            indicators: Vec::new(),
            editorial_note: doc.front.editorial_note.clone(),
        });
        require_text(&doc.path, &doc.body, "the 主要督导评估 description", out);
    }
    let complete = !raw.catalogue_incomplete;
    if complete {
        check_contiguous(&raw.groups, |g| &g.number, "group", out);
    }

    let group_numbers: BTreeSet<u32> = groups.iter().map(|g| g.number).collect();
    let footnote_numbers: BTreeSet<u32> =
        raw.footnotes.iter().map(|f| f.front.number.value).collect();
    let mut indicators = Vec::new();
    for doc in unique_numbers(&raw.indicators, |i| &i.number, "indicator", out) {
        let front = &doc.front;
        if complete && !group_numbers.contains(&front.group.value) {
            out.push(
                Diagnostic::error(
                    &doc.path,
                    doc.at(&front.group),
                    format!("group {} does not exist", front.group.value),
                )
                .hint(format!(
                    "use one of the groups in content/groups/ ({})",
                    list(&group_numbers)
                )),
            );
        }
        for footnote in &front.footnotes {
            if complete && !footnote_numbers.contains(&footnote.value) {
                out.push(
                    Diagnostic::error(
                        &doc.path,
                        doc.at(footnote),
                        format!("footnote {} does not exist", footnote.value),
                    )
                    .hint("add it under content/footnotes/ or remove the reference"),
                );
            }
        }
        require_text(&doc.path, &doc.body, "the explanation", out);
        indicators.push(Indicator {
            number: front.number.value,
            group: front.group.value,
            title: front.title.clone(),
            explanation: doc.body.trim().to_owned(),
            footnotes: front.footnotes.iter().map(|f| f.value).collect(),
            editorial_note: front.editorial_note.clone(),
            used_by: Vec::new(),
        });
    }
    if complete {
        check_contiguous(&raw.indicators, |i| &i.number, "indicator", out);
    }
    indicators.sort_by_key(|i| i.number);
    groups.sort_by_key(|g| g.number);
    // Gathered in one pass, not a scan of the indicators per group (4
    // million steps at ×100).
    let mut members: HashMap<u32, Vec<u32>> = HashMap::new();
    for indicator in &indicators {
        members
            .entry(indicator.group)
            .or_default()
            .push(indicator.number);
    }
    for group in &mut groups {
        group.indicators = members.remove(&group.number).unwrap_or_default();
    }
    check_groups_in_order(&groups, &raw.indicators, out);

    let indicator_numbers: BTreeSet<u32> = indicators.iter().map(|i| i.number).collect();
    let mut footnotes = Vec::new();
    for doc in unique_numbers(&raw.footnotes, |f| &f.number, "footnote", out) {
        let front = &doc.front;
        for reference in std::iter::once(&front.indicator).chain(&front.applies_to) {
            if complete && !indicator_numbers.contains(&reference.value) {
                out.push(
                    Diagnostic::error(
                        &doc.path,
                        doc.at(reference),
                        format!("indicator {} does not exist", reference.value),
                    )
                    .hint(format!(
                        "indicators are numbered {}",
                        range(&indicator_numbers)
                    )),
                );
            }
        }
        footnotes.push(Footnote {
            number: front.number.value,
            marker: front.marker.clone(),
            indicator: front.indicator.value,
            applies_to: front.applies_to.iter().map(|a| a.value).collect(),
            text: doc.body.trim().to_owned(),
        });
    }
    footnotes.sort_by_key(|f| f.number);

    Some(Catalogue {
        notice: notice?,
        overview: overview?,
        groups,
        indicators,
        footnotes,
    })
}

fn require_text(path: &Path, body: &str, what: &str, out: &mut Vec<Diagnostic>) {
    if body.trim().is_empty() {
        out.push(
            Diagnostic::error(path, None, format!("{what} is empty"))
                .hint("write the text below the closing `---` of the front matter"),
        );
    }
}

/// Docs whose number is not taken by an earlier doc; reports the rest.
fn unique_numbers<'a, T>(
    docs: &'a [Arc<Doc<T>>],
    number: impl Fn(&T) -> &Spanned<u32>,
    what: &str,
    out: &mut Vec<Diagnostic>,
) -> Vec<&'a Doc<T>> {
    let mut seen: HashMap<u32, &Path> = HashMap::new();
    let mut unique = Vec::new();
    for doc in docs {
        let n = number(&doc.front);
        if let Some(first) = seen.get(&n.value) {
            out.push(
                Diagnostic::error(
                    &doc.path,
                    doc.at(n),
                    format!("duplicate {what} number {}", n.value),
                )
                .hint(format!(
                    "{} already uses this number; renumber one of them",
                    first.display()
                )),
            );
        } else {
            seen.insert(n.value, &doc.path);
            unique.push(&**doc);
        }
    }
    unique
}

fn check_contiguous<T>(
    docs: &[Arc<Doc<T>>],
    number: impl Fn(&T) -> &Spanned<u32>,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    let numbers: BTreeSet<u32> = docs.iter().map(|d| number(&d.front).value).collect();
    for doc in docs {
        let n = number(&doc.front);
        if n.value == 0 || n.value as usize > numbers.len() {
            out.push(
                Diagnostic::error(
                    &doc.path,
                    doc.at(n),
                    format!("{what} number {} is out of sequence", n.value),
                )
                .hint(format!(
                    "{what}s are numbered 1 to {} without gaps",
                    numbers.len()
                )),
            );
        }
    }
}

/// The source numbers indicators 1–33 straight through the groups, so the
/// group numbers never decrease. Reported are the fewest indicators whose
/// removal would restore that order (those outside a longest non-decreasing
/// run): the misfiled indicator, not every indicator after it. Indicators in
/// unknown groups are reported elsewhere.
fn check_groups_in_order<T>(groups: &[Group], docs: &[Arc<Doc<T>>], out: &mut Vec<Diagnostic>)
where
    T: HasGroup,
{
    // A set, not a scan of the groups per indicator: that grew with
    // indicators × groups (4 million steps at ×100).
    let known: BTreeSet<u32> = groups.iter().map(|g| g.number).collect();
    let mut sorted: Vec<&Doc<T>> = docs
        .iter()
        .map(|d| &**d)
        .filter(|d| known.contains(&d.front.group().value))
        .collect();
    sorted.sort_by_key(|d| d.front.number());
    let group_of: Vec<u32> = sorted.iter().map(|d| d.front.group().value).collect();

    let in_order = longest_non_decreasing(&group_of);

    for (k, doc) in sorted.iter().enumerate().filter(|(k, _)| !in_order[*k]) {
        let group = doc.front.group();
        let before = (0..k).rev().find(|&j| in_order[j]).map(|j| group_of[j]);
        let after = (k + 1..sorted.len())
            .find(|&j| in_order[j])
            .map(|j| group_of[j]);
        let expected = match (before, after) {
            (Some(b), Some(a)) if a != b => format!("group {b} or {a}"),
            (Some(g), _) | (None, Some(g)) => format!("group {g}"),
            (None, None) => "another group".to_owned(),
        };
        out.push(
            Diagnostic::error(
                &doc.path,
                doc.at(group),
                format!(
                    "indicator {} is in group {}, out of order with its neighbours",
                    doc.front.number(),
                    group.value
                ),
            )
            .hint(format!(
                "indicators are numbered through the groups in order, so indicator {} probably belongs to {expected}: check `group:`",
                doc.front.number()
            )),
        );
    }
}

/// Marks the elements of the earliest-ending longest non-decreasing run of
/// `values`, each preceded by the earliest element that gives it its length.
/// O(n log n): a catalogue of n indicator files must not cost n² (issue 16).
///
/// `runs[l]` holds, in index order, the elements whose longest run has
/// length l + 1. Their values strictly decrease (an element could otherwise
/// extend an earlier one of the same length), so both the length of a new
/// element and its earliest predecessor are binary searches.
fn longest_non_decreasing(values: &[u32]) -> Vec<bool> {
    let mut runs: Vec<Vec<usize>> = Vec::new();
    let mut previous: Vec<Option<usize>> = vec![None; values.len()];
    for (k, &value) in values.iter().enumerate() {
        // Lengths whose smallest value (the last one) is <= value form a prefix.
        let length = runs.partition_point(|run| values[*run.last().expect("never empty")] <= value);
        if length > 0 {
            let run = &runs[length - 1];
            let first = run.partition_point(|&j| values[j] > value);
            previous[k] = Some(run[first]);
        }
        match runs.get_mut(length) {
            Some(run) => run.push(k),
            None => runs.push(vec![k]),
        }
    }
    let mut in_order = vec![false; values.len()];
    let mut at = runs.last().map(|run| run[0]);
    while let Some(k) = at {
        in_order[k] = true;
        at = previous[k];
    }
    in_order
}

pub trait HasGroup {
    fn number(&self) -> u32;
    fn group(&self) -> &Spanned<u32>;
}

impl HasGroup for crate::load::RawIndicator {
    fn number(&self) -> u32 {
        self.number.value
    }
    fn group(&self) -> &Spanned<u32> {
        &self.group
    }
}

fn list(numbers: &BTreeSet<u32>) -> String {
    range(numbers)
}

pub(super) fn range(numbers: &BTreeSet<u32>) -> String {
    match (numbers.first(), numbers.last()) {
        (Some(first), Some(last)) => format!("{first}–{last}"),
        _ => "none yet".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quadratic original, kept as the reference the fast one must match
    /// exactly (which indicators are reported depends on the tie-breaking).
    fn reference(values: &[u32]) -> Vec<bool> {
        let mut length = vec![1usize; values.len()];
        let mut previous: Vec<Option<usize>> = vec![None; values.len()];
        for k in 0..values.len() {
            for j in 0..k {
                if values[j] <= values[k] && length[j] + 1 > length[k] {
                    length[k] = length[j] + 1;
                    previous[k] = Some(j);
                }
            }
        }
        let mut in_order = vec![false; values.len()];
        let mut at = (0..values.len()).max_by_key(|&k| (length[k], std::cmp::Reverse(k)));
        while let Some(k) = at {
            in_order[k] = true;
            at = previous[k];
        }
        in_order
    }

    #[test]
    fn the_fast_run_matches_the_quadratic_one_exactly() {
        let mut seed = 7u64;
        for n in 0..200 {
            let values: Vec<u32> = (0..n % 40)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 33) % 6) as u32
                })
                .collect();
            assert_eq!(
                longest_non_decreasing(&values),
                reference(&values),
                "{values:?}"
            );
        }
    }

    #[test]
    fn a_hundred_thousand_indicators_take_no_time() {
        let values: Vec<u32> = (0..100_000u32).map(|i| (i * 7919) % 1000).collect();
        let started = std::time::Instant::now();
        let in_order = longest_non_decreasing(&values);
        assert!(in_order.iter().any(|&b| b));
        // The quadratic version needed 5·10⁹ steps here.
        assert!(started.elapsed().as_secs() < 5);
    }
}
