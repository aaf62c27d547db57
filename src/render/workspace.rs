//! `assessments/`: the workspace (评估工作台) that lists every assessment kept
//! in the browser, opens files, merges a team's files; and
//! `assessments/form/`: the scoring form for a stored assessment whose
//! rubric is not one of this site's (tailored elsewhere, or an older version
//! of a bundled rubric). The browser code does the work
//! (static/js/workspace.js, workspace-page.js, workspace-form.js; see
//! docs/assessment.md); the pages embed this site's rubrics, so that version
//! 1 files and localStorage entries, which only name their rubric, can be
//! read, and so that an assessment opens on its rubric's own assess page
//! when the site has it.

use minijinja::Value;
use minijinja::context;
use minijinja::value::Serde;

use std::sync::Arc;

use super::pieces::{Form, Pieces, piece};
use super::theme::ScriptJson;
use super::{Output, Site, json_for_script};
use crate::diagnostic::Diagnostics;
use crate::model::Rubric;

/// Under `dudao serve` both pages are keyed by what they embed (every
/// rubric's `content_hash`, every indicator's title), and their JSON is
/// made only when they render.
pub fn render(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    let rubrics = &site.project.rubrics;
    let hashes: Vec<&str> = rubrics.iter().map(|r| r.content_hash.as_str()).collect();
    let pieces = site.cache.map(|c| &c.pieces);
    // A rubric made by hand, not validated, has no hash to key it by.
    let site_rubrics = || {
        // 13 MB of JSON at ×100: serialised once, not built as template
        // values; under `dudao serve` only an edited rubric is serialised
        // again (`json_for_script` of the list, item by item).
        let json = match hashes.iter().any(|h| h.is_empty()) {
            true => json_for_script(&rubrics.iter().map(|r| &**r).collect::<Vec<_>>()),
            false => rubrics_json(rubrics, pieces),
        };
        context! { site_rubrics => Value::from_object(ScriptJson::new(json)) }
    };
    if hashes.iter().any(|h| h.is_empty()) {
        site.page(
            output,
            "assessments/",
            "assessments.html",
            "assessments",
            site_rubrics(),
        )?;
    } else {
        site.page_keyed(
            output,
            "assessments/",
            "assessments.html",
            "assessments",
            &hashes,
            site_rubrics,
        )?;
    }

    // The assess page frame; workspace-form.js writes the stored
    // assessment's own rubric into #rubric-data before assess.js starts.
    let titles = super::assess::indicator_titles(&site.project.catalogue.indicators);
    site.page_keyed(
        output,
        "assessments/form/",
        "assessment-form.html",
        "assess",
        &titles,
        || {
            let stand_in = super::assess::stand_in_rubric("stored", "已保存的评估");
            context! { rubric => Serde(&stand_in), indicators => Serde(&titles) }
        },
    )
}

/// `json_for_script(rubrics)`, each rubric's part kept by its
/// `content_hash` under `dudao serve`.
fn rubrics_json(rubrics: &[std::sync::Arc<Rubric>], pieces: Option<&Pieces>) -> String {
    let items: Vec<Arc<str>> = rubrics
        .iter()
        .map(|r| {
            piece(pieces, Form::Workspace, &r.content_hash, || {
                json_for_script(&**r)
            })
        })
        .collect();
    // Sized once: 13 MB grown by doubling was copied twice over.
    let mut json = String::with_capacity(items.iter().map(|i| i.len() + 1).sum::<usize>() + 1);
    json.push('[');
    for (at, item) in items.iter().enumerate() {
        if at > 0 {
            json.push(',');
        }
        json.push_str(item);
    }
    json.push(']');
    json
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rubrics_made_piece_by_piece_are_the_list_serialised_whole() {
        let (project, _) = crate::load_project(std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
            .expect("the bundled content loads");
        let whole = json_for_script(&project.rubrics.iter().map(|r| &**r).collect::<Vec<_>>());
        assert_eq!(rubrics_json(&project.rubrics, None), whole);
        let pieces = Pieces::default();
        assert_eq!(rubrics_json(&project.rubrics, Some(&pieces)), whole);
        assert_eq!(rubrics_json(&project.rubrics, Some(&pieces)), whole, "kept");
        assert_eq!(rubrics_json(&[], None), "[]");
    }
}
