//! The self-scoring workbook (.xlsx): the offline twin of the browser form.
//!
//! One row per criterion: the assessor picks 符合 / 基本符合 / 不符合 from a
//! drop-down and, for 基本符合, types the partial score; formulas do the rest
//! (row score, subtotals per stage and first-level group, total, band, veto).
//! Input cells are unlocked, everything else is locked and the sheet is
//! protected without a password, so the formulas survive careless typing
//! but anyone can still unprotect and adapt the sheet.
//!
//! Tools find the results through workbook-level defined names rather than
//! cell addresses: `dudao_total`, `dudao_band`, `dudao_answers`,
//! `dudao_partials`, `dudao_criterion_ids` and `dudao_veto` (documented in
//! docs/exports.md).
//!
//! This module owns the sheet's columns and page setup and assembles the
//! parts: `plan` decides every row, `styles` the cell formats, `frame` the
//! header block and the signatures and notes, `pages` the print scale and
//! page breaks, `table` the scoring table,
//! `results` the 不合格项 and the verdict lines.

mod frame;
mod pages;
mod plan;
mod results;
mod styles;
mod table;

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, ProtectionOptions, Workbook, Worksheet, XlsxError,
};

use super::ExportError;
use crate::model::Rubric;
use frame::{write_header_block, write_signatures_and_notes};
use pages::{Heights, MARGIN_BOTTOM, MARGIN_SIDE, MARGIN_TOP, page_breaks, print_scale};
use plan::{Plan, absolute, column_range, sheet_ref};
use results::write_results;
use styles::Styles;
use table::write_table;

pub const SHEET_NAME: &str = "自评表";

pub const ANSWER_FULL: &str = "符合";
pub const ANSWER_PARTIAL: &str = "基本符合";
pub const ANSWER_NONE: &str = "不符合";
pub const VETO_YES: &str = "是";
pub const VETO_NO: &str = "否";

// Columns of the scoring table.
pub(super) const COL_NUMBER: u16 = 0;
pub(super) const COL_ROW: u16 = 1;
pub(super) const COL_CRITERION: u16 = 2;
pub(super) const COL_POINTS: u16 = 3;
pub(super) const COL_ANSWER: u16 = 4;
pub(super) const COL_PARTIAL: u16 = 5;
pub(super) const COL_SCORE: u16 = 6;
pub(super) const COL_NOTES: u16 = 7;
pub(super) const COL_ID: u16 = 8;
pub(super) const LAST_PRINTED_COL: u16 = COL_NOTES;

/// Widths in Excel character units; a Chinese character takes about two.
pub(super) const WIDTHS: [(u16, f64); 9] = [
    (COL_NUMBER, 5.0),
    (COL_ROW, 15.0),
    // 44: at 42 two criteria of annex 1 (19, 21) wrapped a lone “。” onto a
    // third line.
    (COL_CRITERION, 44.0),
    (COL_POINTS, 6.0),
    (COL_ANSWER, 11.0),
    (COL_PARTIAL, 9.0),
    (COL_SCORE, 7.0),
    (COL_NOTES, 18.0),
    (COL_ID, 24.0),
];

pub(super) const HEADINGS: [&str; 9] = [
    "序号",
    "二级指标",
    "评分标准",
    "分值",
    "评价",
    "基本符合得分",
    "得分",
    "备注（证据、说明）",
    "条目ID",
];

/// Cell addresses the tests and docs rely on, computed from the rubric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkbookLayout {
    /// First and last 0-based sheet rows of the criterion rows.
    pub header_row: u32,
    pub criterion_rows: Vec<u32>,
    pub total_cell: String,
    pub band_cell: String,
    pub veto_answer_cells: Vec<String>,
}

/// The workbook of `rubric`, as the bytes of an .xlsx file.
pub fn scoring_workbook(rubric: &Rubric) -> Result<Vec<u8>, ExportError> {
    build(rubric)
        .and_then(|mut workbook| {
            // Fast deflate: a site holds one workbook per rubric, and the
            // default level cost a third of the exports for files ~25 % smaller.
            workbook.set_zip_compression_level(1);
            workbook.save_to_buffer()
        })
        .map_err(|e| ExportError {
            rubric: rubric.id.clone(),
            file: "Excel",
            message: e.to_string(),
        })
}

/// Where everything lands in the workbook of `rubric`.
pub fn workbook_layout(rubric: &Rubric) -> WorkbookLayout {
    Plan::new(rubric).layout()
}

fn build(rubric: &Rubric) -> Result<Workbook, XlsxError> {
    let plan = Plan::new(rubric);
    let styles = Styles::new();
    let mut workbook = Workbook::new();
    workbook.set_default_format(
        &Format::new()
            .set_font_name("宋体")
            .set_font_size(11)
            .set_font_charset(134),
        18,
        72,
    )?;
    workbook.set_properties(&properties(rubric)?);

    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET_NAME)?;
    for (col, width) in WIDTHS {
        sheet.set_column_width(col, width)?;
    }
    sheet.set_column_hidden(COL_ID)?;

    let mut heights = Heights::default();
    write_header_block(sheet, rubric, &plan, &styles, &mut heights)?;
    write_table(sheet, rubric, &plan, &styles, &mut heights)?;
    write_results(sheet, rubric, &plan, &styles, &mut heights)?;
    let (notes_heading, last_row) =
        write_signatures_and_notes(sheet, rubric, &plan, &styles, &mut heights)?;
    page_setup(sheet, rubric, &plan, last_row)?;
    let scale = print_scale();
    sheet.set_print_scale(scale);
    sheet.set_page_breaks(&page_breaks(
        &plan,
        &heights,
        notes_heading,
        last_row,
        scale,
    ))?;

    let answers = column_range(&plan, COL_ANSWER);
    workbook.define_name(
        "dudao_total",
        &sheet_ref(&absolute(plan.total_row, COL_SCORE)),
    )?;
    workbook.define_name(
        "dudao_band",
        &sheet_ref(&absolute(plan.band_row, COL_ANSWER)),
    )?;
    workbook.define_name("dudao_answers", &sheet_ref(&answers))?;
    workbook.define_name(
        "dudao_partials",
        &sheet_ref(&column_range(&plan, COL_PARTIAL)),
    )?;
    workbook.define_name(
        "dudao_criterion_ids",
        &sheet_ref(&column_range(&plan, COL_ID)),
    )?;
    if let (Some(first), Some(last)) = (plan.veto_rows.first(), plan.veto_rows.last()) {
        workbook.define_name(
            "dudao_veto",
            &sheet_ref(&format!(
                "{}:{}",
                absolute(*first, COL_ANSWER),
                absolute(*last, COL_ANSWER)
            )),
        )?;
    }
    Ok(workbook)
}

/// Fixed metadata: a creation time from the clock would make every build differ.
fn properties(rubric: &Rubric) -> Result<DocProperties, XlsxError> {
    Ok(DocProperties::new()
        .set_title(full_title(rubric))
        .set_subject("督导评分自评工作簿")
        .set_author("dudao")
        .set_comment(format!("由 dudao 根据评分表 {} 生成", rubric.id))
        .set_custom_property("dudao_rubric", rubric.id.as_str())
        .set_custom_property("dudao_content_hash", rubric.content_hash.as_str())
        .set_creation_datetime(&ExcelDateTime::from_ymd(2024, 1, 1)?))
}

pub(super) fn full_title(rubric: &Rubric) -> String {
    match &rubric.label {
        Some(label) => format!("{}({label})", rubric.title),
        None => rubric.title.clone(),
    }
}

pub(super) fn width_of(col: u16) -> f64 {
    WIDTHS[usize::from(col)].1
}

/// Row height in points for `text` wrapped in a cell `width` units wide.
/// Computed rather than left to the application: LibreOffice keeps default
/// heights for rows it did not write, and no application grows merged cells.
pub(super) fn estimated_height(text: &str, width: f64) -> f64 {
    // In 宋体 a Chinese character is about 1.8 digit widths, Latin about 1.
    let units: f64 = text
        .chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 1.9 })
        .sum();
    let lines = (units / (width - 1.5)).ceil().max(1.0);
    lines * 14.0 + 6.0
}

fn page_setup(
    sheet: &mut Worksheet,
    rubric: &Rubric,
    plan: &Plan,
    last_row: u32,
) -> Result<(), XlsxError> {
    sheet.set_paper_size(9); // A4
    sheet.set_portrait();
    sheet.set_margins(
        MARGIN_SIDE,
        MARGIN_SIDE,
        MARGIN_TOP,
        MARGIN_BOTTOM,
        0.3,
        0.3,
    );
    sheet.set_print_center_horizontally(true);
    sheet.set_print_area(0, 0, last_row, LAST_PRINTED_COL)?;
    sheet.set_repeat_rows(plan.header_row, plan.header_row)?;
    // The title on every page's foot: a sheet that comes loose from the
    // others still says which form it belongs to. `&` starts a code there.
    sheet.set_footer(format!(
        "&L{}&R第 &P 页 共 &N 页",
        full_title(rubric).replace('&', "&&")
    ));
    sheet.set_freeze_panes(plan.header_row + 1, 0)?;
    sheet.protect_with_options(&ProtectionOptions {
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::default()
    });
    Ok(())
}
