//! The hash of every part of the project a page may read ([`Dep`]), made
//! once per serve rebuild: what [`super::PageMemo`] compares a kept page's
//! reads against. Split from `incremental` for its size; nothing else uses it.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use serde::Serialize;

use super::{Dep, hash};
use crate::kept::Kept;
use crate::model::Project;

/// The hash of every part of the project a page may read, as [`Dep`]s.
#[derive(Default, PartialEq)]
pub(super) struct Parts(pub(super) HashMap<Dep, u64>);

impl Parts {
    /// `outlines` keeps each rubric's [`RubricHashes`] by its
    /// `content_hash`: only an edited rubric is walked again.
    pub(super) fn of(project: &Project, outlines: &Kept<String, RubricHashes>) -> Parts {
        let mut parts = HashMap::new();
        // Every field, named so that a new one does not compile unhashed.
        let crate::model::Catalogue {
            notice,
            overview,
            groups,
            indicators,
            footnotes,
        } = &project.catalogue;
        // Each indicator and group is hashed once, field by field (not
        // serialised: that was most of a serve rebuild's page step at
        // ×100): the list's hash is made of theirs, the whole catalogue's
        // of its fields'.
        let indicator_hashes: Vec<u64> = indicators
            .iter()
            .map(|indicator| {
                let whole = indicator_hash(indicator);
                parts.insert(Dep::Indicator(indicator.number), whole);
                parts.insert(
                    Dep::IndicatorTitle(indicator.number),
                    std_hash(&(indicator.number, &indicator.title)),
                );
                whole
            })
            .collect();
        let numbers: Vec<u32> = indicators.iter().map(|i| i.number).collect();
        parts.insert(Dep::IndicatorNumbers, hash(&numbers));
        let group_hashes: Vec<u64> = groups
            .iter()
            .map(|group| {
                let whole = group_hash(group);
                parts.insert(Dep::Group(group.number), whole);
                whole
            })
            .collect();
        let fields = [
            ("notice", hash(notice)),
            ("overview", hash(overview)),
            ("groups", hash(&group_hashes)),
            ("indicators", hash(&indicator_hashes)),
            ("footnotes", hash(footnotes)),
        ];
        for (name, field) in fields {
            parts.insert(Dep::Catalogue(name.to_owned()), field);
        }
        parts.insert(Dep::Catalogue(String::new()), hash(&fields));
        // Each rubric's `content_hash` covers every field of it.
        let rubrics: Vec<&str> = project
            .rubrics
            .iter()
            .map(|r| r.content_hash.as_str())
            .collect();
        parts.insert(Dep::Rubrics, hash(&rubrics));
        let ids: Vec<&str> = project.rubrics.iter().map(|r| r.id.as_str()).collect();
        parts.insert(Dep::RubricIds, hash(&ids));
        for rubric in &project.rubrics {
            let id = &rubric.id;
            parts.insert(Dep::RubricTitle(id.clone()), hash(&rubric.title));
            // A rubric made by hand, not validated, has no hash to keep by.
            let hashes = match rubric.content_hash.as_str() {
                "" => RubricHashes::of(rubric),
                key => outlines.get_or_make(key.to_owned(), || RubricHashes::of(rubric)),
            };
            parts.insert(Dep::RubricHead(id.clone()), hashes.head);
            parts.insert(Dep::RubricOutline(id.clone()), hashes.outline);
            parts.insert(Dep::Rubric(id.clone()), hash(&rubric.content_hash));
        }
        Parts(parts)
    }
}

/// The hash of every field of `indicator`, those derived from other files
/// (`used_by`, from the rubrics) as well as its own file's: a page keyed by
/// it must render again when a rubric row cites the indicator or stops to.
fn indicator_hash(indicator: &crate::model::Indicator) -> u64 {
    // Every field, named so that a new one does not compile unhashed.
    let crate::model::Indicator {
        number,
        group,
        title,
        explanation,
        footnotes,
        editorial_note,
        used_by,
    } = indicator;
    let mut hasher = DefaultHasher::new();
    (number, group, title, explanation, footnotes, editorial_note).hash(&mut hasher);
    used_by.len().hash(&mut hasher);
    for crate::model::RowRef { rubric, row } in used_by {
        (rubric, row).hash(&mut hasher);
    }
    hasher.finish()
}

/// The hash of every field of `group`, its list of `indicators` (made of
/// the indicators' files) as well as its own file's.
fn group_hash(group: &crate::model::Group) -> u64 {
    // Every field, named so that a new one does not compile unhashed.
    let crate::model::Group {
        number,
        numeral,
        title,
        description,
        indicators,
        editorial_note,
    } = group;
    std_hash(&(
        number,
        numeral,
        title,
        description,
        indicators,
        editorial_note,
    ))
}

fn std_hash(value: &impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// The hashes of a rubric's head and outline.
#[derive(Clone, Copy)]
pub(super) struct RubricHashes {
    head: u64,
    outline: u64,
}

impl RubricHashes {
    fn of(rubric: &crate::model::Rubric) -> RubricHashes {
        RubricHashes {
            head: hash(&rubric_head(rubric)),
            outline: rubric_outline(rubric),
        }
    }
}

/// What a list of rubrics prints of one: its title, label, kind, source,
/// base and total, and the scoring rule and bands the home page quotes
/// (the fields `lazy::RubricView` records as its head).
fn rubric_head(rubric: &crate::model::Rubric) -> impl Serialize + '_ {
    (
        (&rubric.id, &rubric.title, &rubric.label, rubric.kind),
        (&rubric.source, &rubric.based_on, rubric.total),
        (&rubric.scoring_rule, &rubric.bands),
    )
}

/// The hash of a rubric's head and the skeleton of its table: each stage's
/// and group's title, each row's id and title, each criterion's id (how
/// they are numbered). An indicator page's backlinks, the coverage page and
/// the requirements table print no more of a rubric, so an edit to a
/// criterion's text or a note renders none of them.
fn rubric_outline(rubric: &crate::model::Rubric) -> u64 {
    let mut hasher = DefaultHasher::new();
    hash(&rubric_head(rubric)).hash(&mut hasher);
    for stage in &rubric.stages {
        (&stage.title, stage.groups.len()).hash(&mut hasher);
        for group in &stage.groups {
            (&group.title, group.rows.len()).hash(&mut hasher);
            for row in &group.rows {
                (&row.id, &row.title, row.criteria.len()).hash(&mut hasher);
                for criterion in &row.criteria {
                    criterion.id.hash(&mut hasher);
                }
            }
        }
    }
    hasher.finish()
}
