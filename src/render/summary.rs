//! `summary/`: 督导汇总, the provincial summary of many assessment files,
//! built entirely in the browser (static/js/summary-model.js and
//! summary.js; docs/summary.md). The page embeds the indicator titles (for
//! the heat map's headers) and which rubric versions the site has (so a
//! drill-down can open the matching assess page).

use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::{Output, Site};
use crate::diagnostic::Diagnostics;

#[derive(Serialize, Hash)]
struct SiteRubric<'a> {
    id: &'a str,
    content_hash: &'a str,
}

/// Under `dudao serve` the page is keyed by what it embeds, and its JSON is
/// made only when it renders.
pub fn render(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    let rubrics: Vec<SiteRubric> = site
        .project
        .rubrics
        .iter()
        .map(|r| SiteRubric {
            id: &r.id,
            content_hash: &r.content_hash,
        })
        .collect();
    let indicators = super::assess::indicator_titles(&site.project.catalogue.indicators);
    site.page_keyed(
        output,
        "summary/",
        "summary.html",
        "summary",
        &(&indicators, &rubrics),
        || {
            let data = serde_json::json!({
                "indicators": indicators,
                "rubrics": rubrics,
            });
            context! { data => Serde(&data) }
        },
    )
}
