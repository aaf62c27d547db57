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
use std::fmt::Write as _;

use crate::model::{Points, Rubric};

pub(crate) use docx::THEME;
pub use docx::checklist_docx;
pub use xlsx::{WorkbookLayout, scoring_workbook, workbook_layout};

/// Paths (relative to the site root) and bytes of every export of `rubric`.
/// `base` is the rubric a derived rubric is `based_on`: the Word file names
/// it by its title.
pub fn rubric_exports(
    rubric: &Rubric,
    base: Option<&Rubric>,
) -> Result<Vec<(String, Vec<u8>)>, ExportError> {
    let id = &rubric.id;
    Ok(vec![
        (docx_path(id), checklist_docx(rubric, base)?),
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

/// Our instruction for the paper form, printed on its own line under the
/// verbatim scoring rule.
const TICK_INSTRUCTION: &str = "填表说明（dudao）：在对应方框内打“√”，并填写得分。";

/// Marks a band label the notice does not name (see [`band_note`]).
pub(crate) const OURS_MARK: &str = "※";

/// The notice names two results only, 优良 (≥ 85) and 不合格 (< 60): a band
/// between the first and the last is dudao's reading.
pub(crate) fn is_ours(rubric: &Rubric, index: usize) -> bool {
    index > 0 && index + 1 < rubric.bands.len()
}

/// A band's label, with the mark when it is our reading.
fn band_label(rubric: &Rubric, index: usize) -> String {
    let label = &rubric.bands[index].label;
    if is_ours(rubric, index) {
        format!("{label}{OURS_MARK}")
    } else {
        label.clone()
    }
}

/// 判定规则（dudao 据通知整理）：优良 ≥ 85 分；合格※ 60 分至 85 分（不含）；
/// 不合格 < 60 分；… — the same wording as the HTML checklist.
fn band_rule(rubric: &Rubric) -> String {
    let mut parts = Vec::new();
    let mut upper: Option<Points> = None;
    for (i, band) in rubric.bands.iter().enumerate() {
        let label = band_label(rubric, i);
        parts.push(match (upper, band.min.halves()) {
            (None, _) => format!("{label} ≥ {} 分", band.min),
            (Some(upper), 0) => format!("{label} < {upper} 分"),
            (Some(upper), _) => format!("{label} {} 分至 {upper} 分（不含）", band.min),
        });
        upper = Some(band.min);
    }
    if let (Some(veto), Some(fail)) = (&rubric.veto, rubric.bands.last()) {
        parts.push(format!(
            "出现“{}”所列情形之一的，记为{}",
            veto.title, fail.label
        ));
    }
    format!("判定规则（dudao 据通知整理）：{}。", parts.join("；"))
}

/// The 编者注 that goes with a marked band label (the pages' #band-note),
/// or nothing when every band is one the notice names. Also under the band
/// of the 督导意见书 ([`crate::report`]) and, in the browser, scoring.js
/// `bandNote` (the assessment CSV, the documents): the same words.
pub(crate) fn band_names_note(rubric: &Rubric) -> Option<String> {
    let ours: Vec<String> = (0..rubric.bands.len())
        .filter(|&i| is_ours(rubric, i))
        .map(|i| {
            let band = &rubric.bands[i];
            let upper = rubric.bands[i - 1].min;
            format!(
                "“{}”（{} 分至 {upper} 分，不含 {upper} 分）",
                band.label, band.min
            )
        })
        .collect();
    if ours.is_empty() {
        return None;
    }
    Some(format!(
        "{OURS_MARK} 编者注（dudao）：通知只规定两档结果：“≥ 85 分为优良”“<60 分为不合格”。{}是 dudao 对两者之间得分的称呼，便于填写和统计；通知对这一段没有规定名称或处理。",
        ours.concat()
    ))
}

/// [`band_names_note`] with our reading of the 不合格项, at the foot of the
/// Word and Excel forms.
fn band_note(rubric: &Rubric) -> Option<String> {
    let mut note = band_names_note(rubric)?;
    if let (Some(veto), Some(fail)) = (&rubric.veto, rubric.bands.last()) {
        let _ = write!(
            note,
            "出现“{}”所列情形之一的，dudao 的表单和导出文件把结果记为{}，不论得分",
            veto.title, fail.label
        );
        match (&veto.intro, rubric.kind) {
            (Some(intro), crate::model::Kind::Official) => {
                let _ = write!(note, "（通知原文：“{}”）。", intro.trim_end_matches('：'));
            }
            _ => note.push('。'),
        }
    }
    Some(note)
}

/// "满分 100 分" with the provenance line of both exports.
fn full_marks(rubric: &Rubric) -> String {
    format!("满分 {} 分", rubric.total)
}
