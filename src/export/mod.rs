//! Office exports of a rubric: the paper checklist as an editable Word
//! document and the self-scoring Excel workbook.
//!
//! Both are plain functions of a [`Rubric`] and return bytes; the renderer
//! files them under `rubrics/ID/`. Both are byte-deterministic: no clock,
//! no randomness, fixed zip timestamps, so two builds of the same rubric give
//! identical files (the site's build is checked for that).

mod docx;
mod xlsx;

use std::fmt;

use crate::model::{Points, Rubric};

pub use docx::checklist_docx;
pub use xlsx::{WorkbookLayout, scoring_workbook, workbook_layout};

/// Paths (relative to the site root) and bytes of every export of `rubric`.
pub fn rubric_exports(rubric: &Rubric) -> Result<Vec<(String, Vec<u8>)>, ExportError> {
    let id = &rubric.id;
    Ok(vec![
        (docx_path(id), checklist_docx(rubric)?),
        (xlsx_path(id), scoring_workbook(rubric)?),
    ])
}

/// Where the Word checklist of rubric `id` lives, relative to the site root.
pub fn docx_path(id: &str) -> String {
    format!("rubrics/{id}/{id}.docx")
}

/// Where the self-scoring workbook of rubric `id` lives, relative to the site root.
pub fn xlsx_path(id: &str) -> String {
    format!("rubrics/{id}/{id}.xlsx")
}

/// An export that could not be produced. Only a rubric beyond what the file
/// formats allow (e.g. a cell text over Excel's 32 767 characters) gets here.
#[derive(Debug)]
pub struct ExportError {
    pub rubric: String,
    pub file: &'static str,
    pub message: String,
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not write the {} export of rubric `{}`: {}",
            self.file, self.rubric, self.message
        )
    }
}

impl std::error::Error for ExportError {}

/// The rubric's scoring rule without its closing 。, for sentences that add
/// their own.
fn scoring_rule(rubric: &Rubric) -> &str {
    rubric.scoring_rule.trim_end_matches('。')
}

/// The signature lines of the paper checklist, in both exports.
const SIGNERS: [&str; 2] = ["督导(组)员签字", "被督导机构负责人签字"];

/// 判定规则：优良 ≥ 85 分；合格 60 分至 85 分（不含）；不合格 < 60 分；… —
/// the same wording as the HTML checklist.
fn band_rule(rubric: &Rubric) -> String {
    let mut parts = Vec::new();
    let mut upper: Option<Points> = None;
    for band in &rubric.bands {
        parts.push(match (upper, band.min.halves()) {
            (None, _) => format!("{} ≥ {} 分", band.label, band.min),
            (Some(upper), 0) => format!("{} < {upper} 分", band.label),
            (Some(upper), _) => format!("{} {} 分至 {upper} 分（不含）", band.label, band.min),
        });
        upper = Some(band.min);
    }
    if let (Some(veto), Some(fail)) = (&rubric.veto, rubric.bands.last()) {
        parts.push(format!(
            "出现“{}”所列情形之一的，记为{}",
            veto.title, fail.label
        ));
    }
    format!("判定规则：{}。", parts.join("；"))
}
