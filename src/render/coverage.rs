//! `coverage/`: which indicators each rubric draws on, and which none does.
//!
//! With a handful of rubrics this is an indicators × rubrics matrix. A
//! matrix grows with indicators times rubrics (a province's catalogue of
//! hundreds of tailored rubrics made it a 200 MB page, see
//! docs/benchmarks.md), and past a screen's width of columns nobody can read
//! it anyway, so beyond [`MATRIX_MAX_RUBRICS`] each indicator lists the rubric
//! rows that use it instead: the page then grows with the references only.

use std::collections::HashMap;

use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::incremental::Dep;
use super::{Output, Site};
use crate::diagnostic::Diagnostics;
use crate::model::{RowRef, Rubric};

/// Beyond this many rubrics the page lists references instead of a matrix.
pub const MATRIX_MAX_RUBRICS: usize = 16;

#[derive(Serialize)]
struct CoverageLine<'a> {
    number: u32,
    title: &'a str,
    group: u32,
    /// One cell per rubric, in rubric order: the rows using the indicator.
    /// Empty when the page lists `uses` instead of a matrix.
    cells: Vec<Vec<CoveredRow<'a>>>,
    /// The rubric rows using the indicator, in rubric order (list form only).
    uses: Vec<Use<'a>>,
    covered: bool,
}

#[derive(Serialize)]
struct Use<'a> {
    rubric: &'a str,
    rubric_title: &'a str,
    row: &'a str,
    row_title: &'a str,
}

#[derive(Serialize)]
struct CoveredRow<'a> {
    id: &'a str,
    title: &'a str,
}

pub fn render(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    // Under `dudao serve` the page is keyed by exactly what it reads, so an
    // edit to an indicator's text (not its title) neither makes nor walks
    // the page's lines (0.4 s a rebuild at ×100).
    let project = site.project;
    let indicators: Vec<IndicatorKey> = project
        .catalogue
        .indicators
        .iter()
        .map(|i| {
            let uses = i.used_by.iter().map(|u| (&*u.rubric, &*u.row)).collect();
            (i.number, i.title.as_str(), i.group, uses)
        })
        .collect();
    // A rubric's outline covers its id, title and rows (not the text of its
    // criteria or its notes, which the page does not show).
    let rubrics: Vec<Option<u64>> = project
        .rubrics
        .iter()
        .map(|r| site.part(&Dep::RubricOutline(r.id.clone())))
        .collect();
    site.page_keyed(
        output,
        "coverage/",
        "coverage.html",
        "coverage",
        &(indicators, rubrics),
        || context_of(site),
    )
}

/// What the page shows of an indicator: number, title, group, and the
/// rubric rows using it.
type IndicatorKey<'a> = (u32, &'a str, u32, Vec<(&'a str, &'a str)>);

fn context_of(site: &Site) -> minijinja::Value {
    let project = site.project;
    let matrix = project.rubrics.len() <= MATRIX_MAX_RUBRICS;
    let by_id: HashMap<&str, &Rubric> = project
        .rubrics
        .iter()
        .map(|r| (r.id.as_str(), &**r))
        .collect();
    let lines: Vec<CoverageLine> = project
        .catalogue
        .indicators
        .iter()
        .map(|indicator| {
            let uses: Vec<Use> = if matrix {
                Vec::new()
            } else {
                indicator
                    .used_by
                    .iter()
                    .filter_map(|RowRef { rubric, row }| {
                        let rubric = by_id.get(rubric.as_str())?;
                        let row = rubric.row(row)?;
                        Some(Use {
                            rubric: &rubric.id,
                            rubric_title: &rubric.title,
                            row: &row.id,
                            row_title: &row.title,
                        })
                    })
                    .collect()
            };
            let rubrics = if matrix {
                project.rubrics.as_slice()
            } else {
                &[]
            };
            let cells: Vec<Vec<CoveredRow>> = rubrics
                .iter()
                .map(|rubric| {
                    indicator
                        .used_by
                        .iter()
                        .filter(|RowRef { rubric: r, .. }| *r == rubric.id)
                        .filter_map(|RowRef { row, .. }| rubric.row(row))
                        .map(|row| CoveredRow {
                            id: &row.id,
                            title: &row.title,
                        })
                        .collect()
                })
                .collect();
            CoverageLine {
                number: indicator.number,
                title: &indicator.title,
                group: indicator.group,
                covered: cells.iter().any(|c| !c.is_empty()) || !uses.is_empty(),
                cells,
                uses,
            }
        })
        .collect();
    let uncovered: Vec<u32> = lines
        .iter()
        .filter(|l| !l.covered)
        .map(|l| l.number)
        .collect();
    context! { lines => Serde(&lines), uncovered, matrix }
}
