//! `indicators/N/` for each second-level indicator and `groups/N/` for each
//! first-level one.

use std::collections::HashMap;

use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::incremental::{self, Dep};
use super::{Output, Site};
use crate::diagnostic::Diagnostics;
use crate::model::{Footnote, Group, Indicator, Rubric};

/// A rubric row that uses an indicator, with what a backlink needs to say.
#[derive(Serialize)]
struct Use<'a> {
    rubric: &'a str,
    rubric_title: &'a str,
    stage: Option<&'a str>,
    group: &'a str,
    row: &'a str,
    row_title: &'a str,
}

/// What a pager link to another indicator or group prints (the page's
/// `prev` and `next`): a page need not render again when its neighbour's
/// text changes.
#[derive(Serialize, Hash)]
struct Neighbour<'a> {
    number: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    numeral: Option<&'a str>,
    title: &'a str,
}

impl<'a> Neighbour<'a> {
    fn indicator(i: &'a Indicator) -> Self {
        Neighbour {
            number: i.number,
            numeral: None,
            title: &i.title,
        }
    }

    fn group(g: &'a Group) -> Self {
        Neighbour {
            number: g.number,
            numeral: Some(&g.numeral),
            title: &g.title,
        }
    }
}

/// Under `dudao serve` each page is keyed by the hashes of exactly what
/// its context is built from (see `incremental::model_key`), and its
/// context is built only when it renders.
pub fn render_indicators(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    let catalogue = &site.project.catalogue;
    let rubrics: HashMap<&str, &Rubric> = site
        .project
        .rubrics
        .iter()
        .map(|r| (r.id.as_str(), &**r))
        .collect();
    let footnotes_of = FootnoteIndex::new(&catalogue.footnotes);
    for (i, indicator) in catalogue.indicators.iter().enumerate() {
        let footnotes = footnotes_of.pages(&[indicator.number]);
        let prev = i.checked_sub(1).map(|p| &catalogue.indicators[p]);
        let next = catalogue.indicators.get(i + 1);
        let (prev, next) = (
            prev.map(Neighbour::indicator),
            next.map(Neighbour::indicator),
        );
        // `uses` is made of the indicator's `used_by` and, from each rubric
        // it names, titles its outline covers (not its criteria or notes).
        let used_in: Vec<Option<u64>> = indicator
            .used_by
            .iter()
            .map(|r| site.part(&Dep::RubricOutline(r.rubric.clone())))
            .collect();
        let model = (
            site.part(&Dep::Indicator(indicator.number)),
            site.part(&Dep::Group(indicator.group)),
            incremental::hash(&footnotes),
            used_in,
            (&prev, &next),
        );
        site.page_keyed(
            output,
            &format!("indicators/{}/", indicator.number),
            "indicator.html",
            "indicator",
            &model,
            || {
                context! {
                    indicator => Serde(indicator),
                    group => Serde(catalogue.group(indicator.group)),
                    footnotes => Serde(&footnotes),
                    uses => Serde(&uses(&rubrics, indicator)),
                    prev => Serde(&prev),
                    next => Serde(&next),
                }
            },
        )?;
    }
    Ok(())
}

pub fn render_groups(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    let catalogue = &site.project.catalogue;
    let footnotes_of = FootnoteIndex::new(&catalogue.footnotes);
    for (i, group) in catalogue.groups.iter().enumerate() {
        let footnotes = footnotes_of.pages(&group.indicators);
        let prev = i
            .checked_sub(1)
            .map(|p| Neighbour::group(&catalogue.groups[p]));
        let next = catalogue.groups.get(i + 1).map(Neighbour::group);
        let model = (
            site.part(&Dep::Group(group.number)),
            incremental::hash(&footnotes),
            (&prev, &next),
        );
        site.page_keyed(
            output,
            &format!("groups/{}/", group.number),
            "group.html",
            "group",
            &model,
            || {
                context! {
                    group => Serde(group),
                    footnotes => Serde(&footnotes),
                    prev => Serde(&prev),
                    next => Serde(&next),
                }
            },
        )?;
    }
    Ok(())
}

/// The footnotes a page showing some indicators must list: those whose
/// marker is in one of them or whose "下同" extends to one of them, in the
/// footnotes' order. Indexed by indicator once, since scanning every
/// footnote for every page grew with the square of the catalogue.
struct FootnoteIndex<'a> {
    footnotes: &'a [Footnote],
    by_indicator: HashMap<u32, Vec<usize>>,
}

impl<'a> FootnoteIndex<'a> {
    fn new(footnotes: &'a [Footnote]) -> Self {
        let mut by_indicator: HashMap<u32, Vec<usize>> = HashMap::new();
        for (at, f) in footnotes.iter().enumerate() {
            for &n in std::iter::once(&f.indicator).chain(&f.applies_to) {
                let list = by_indicator.entry(n).or_default();
                if list.last() != Some(&at) {
                    list.push(at);
                }
            }
        }
        FootnoteIndex {
            footnotes,
            by_indicator,
        }
    }

    fn pages(&self, indicators: &[u32]) -> Vec<&'a Footnote> {
        let mut at: Vec<usize> = indicators
            .iter()
            .filter_map(|n| self.by_indicator.get(n))
            .flatten()
            .copied()
            .collect();
        at.sort_unstable();
        at.dedup();
        at.into_iter().map(|at| &self.footnotes[at]).collect()
    }
}

fn uses<'a>(rubrics: &HashMap<&str, &'a Rubric>, indicator: &'a Indicator) -> Vec<Use<'a>> {
    indicator
        .used_by
        .iter()
        .filter_map(|r| {
            let rubric = *rubrics.get(r.rubric.as_str())?;
            let (stage, group, row) = rubric.rows().find(|(_, _, row)| row.id == r.row)?;
            Some(Use {
                rubric: &rubric.id,
                rubric_title: &rubric.title,
                stage: stage.title.as_deref(),
                group: &group.title,
                row: &row.id,
                row_title: &row.title,
            })
        })
        .collect()
}
