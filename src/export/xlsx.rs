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

use rust_xlsxwriter::{
    Color, ConditionalFormatFormula, DataValidation, DocProperties, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Formula, ProtectionOptions, Workbook, Worksheet, XlsxError,
};

use super::{ExportError, SIGNERS, band_rule};
use crate::model::{Points, Rubric};

pub const SHEET_NAME: &str = "自评表";

pub const ANSWER_FULL: &str = "符合";
pub const ANSWER_PARTIAL: &str = "基本符合";
pub const ANSWER_NONE: &str = "不符合";
pub const VETO_YES: &str = "是";
pub const VETO_NO: &str = "否";

// Columns of the scoring table.
const COL_NUMBER: u16 = 0;
const COL_ROW: u16 = 1;
const COL_CRITERION: u16 = 2;
const COL_POINTS: u16 = 3;
const COL_ANSWER: u16 = 4;
const COL_PARTIAL: u16 = 5;
const COL_SCORE: u16 = 6;
const COL_NOTES: u16 = 7;
const COL_ID: u16 = 8;
const LAST_PRINTED_COL: u16 = COL_NOTES;

/// Widths in Excel character units; a Chinese character takes about two.
const WIDTHS: [(u16, f64); 9] = [
    (COL_NUMBER, 5.0),
    (COL_ROW, 15.0),
    (COL_CRITERION, 42.0),
    (COL_POINTS, 6.0),
    (COL_ANSWER, 11.0),
    (COL_PARTIAL, 9.0),
    (COL_SCORE, 7.0),
    (COL_NOTES, 18.0),
    (COL_ID, 24.0),
];

const HEADINGS: [&str; 9] = [
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

/// Row positions, decided before anything is written so that a subtotal can
/// point at rows below it.
struct Plan {
    header_row: u32,
    lines: Vec<Line>,
    total_row: u32,
    veto_rows: Vec<u32>,
    band_row: u32,
    reason_row: u32,
    progress_row: u32,
}

enum Line {
    Stage {
        row: u32,
        stage: usize,
        /// Rows of this stage's group headings.
        groups: Vec<u32>,
    },
    Group {
        row: u32,
        stage: usize,
        group: usize,
        first: u32,
        last: u32,
    },
    Criterion {
        row: u32,
        stage: usize,
        group: usize,
        row_index: usize,
        criterion: usize,
        number: usize,
    },
}

/// Rows above the table: title, provenance, header fields (two per row),
/// the live result line.
fn header_field_rows(rubric: &Rubric) -> u32 {
    rubric.header_fields.len().div_ceil(2) as u32
}

impl Plan {
    fn new(rubric: &Rubric) -> Plan {
        let header_row = 2 + header_field_rows(rubric) + 1;
        let mut next = header_row + 1;
        let mut lines = Vec::new();
        let mut number = 0;
        for (s, stage) in rubric.stages.iter().enumerate() {
            let stage_line = stage.title.as_ref().map(|_| {
                lines.push(Line::Stage {
                    row: next,
                    stage: s,
                    groups: Vec::new(),
                });
                next += 1;
                lines.len() - 1
            });
            for (g, group) in stage.groups.iter().enumerate() {
                let group_row = next;
                next += 1;
                let first = next;
                let mut criteria = Vec::new();
                for (r, row) in group.rows.iter().enumerate() {
                    for c in 0..row.criteria.len() {
                        number += 1;
                        criteria.push(Line::Criterion {
                            row: next,
                            stage: s,
                            group: g,
                            row_index: r,
                            criterion: c,
                            number,
                        });
                        next += 1;
                    }
                }
                lines.push(Line::Group {
                    row: group_row,
                    stage: s,
                    group: g,
                    first,
                    last: next - 1,
                });
                lines.extend(criteria);
                if let Some(Line::Stage { groups, .. }) = stage_line.map(|i| &mut lines[i]) {
                    groups.push(group_row);
                }
            }
        }
        let total_row = next;
        // A blank row, the veto heading, one row per veto item.
        let veto_count = rubric.veto.as_ref().map_or(0, |v| v.items.len()) as u32;
        let veto_first = total_row + 3;
        let veto_rows = (veto_first..veto_first + veto_count).collect();
        let after_veto = if veto_count > 0 {
            veto_first + veto_count + 1
        } else {
            total_row + 2
        };
        Plan {
            header_row,
            lines,
            total_row,
            veto_rows,
            band_row: after_veto,
            reason_row: after_veto + 1,
            progress_row: after_veto + 2,
        }
    }

    fn criterion_rows(&self) -> impl Iterator<Item = u32> + '_ {
        self.lines.iter().filter_map(|line| match line {
            Line::Criterion { row, .. } => Some(*row),
            _ => None,
        })
    }

    /// The cells whose sum is the total: stage subtotals when the rubric has
    /// stages, group subtotals otherwise.
    fn top_level_subtotals(&self) -> Vec<u32> {
        let stages: Vec<u32> = self
            .lines
            .iter()
            .filter_map(|line| match line {
                Line::Stage { row, .. } => Some(*row),
                _ => None,
            })
            .collect();
        if !stages.is_empty() {
            return stages;
        }
        self.lines
            .iter()
            .filter_map(|line| match line {
                Line::Group { row, .. } => Some(*row),
                _ => None,
            })
            .collect()
    }

    fn layout(&self) -> WorkbookLayout {
        WorkbookLayout {
            header_row: self.header_row,
            criterion_rows: self.criterion_rows().collect(),
            total_cell: cell(self.total_row, COL_SCORE),
            band_cell: cell(self.band_row, COL_ANSWER),
            veto_answer_cells: self
                .veto_rows
                .iter()
                .map(|&r| cell(r, COL_ANSWER))
                .collect(),
        }
    }
}

/// `A1`-style address of a 0-based row and column.
fn cell(row: u32, col: u16) -> String {
    format!("{}{}", column_letter(col), row + 1)
}

fn column_letter(col: u16) -> char {
    assert!(col < 26, "the workbook uses columns A–Z only");
    char::from(b'A' + col as u8)
}

fn absolute(row: u32, col: u16) -> String {
    format!("${}${}", column_letter(col), row + 1)
}

fn sheet_ref(range: &str) -> String {
    format!("='{SHEET_NAME}'!{range}")
}

struct Styles {
    title: Format,
    subtitle: Format,
    label: Format,
    input: Format,
    heading: Format,
    stage: Format,
    group: Format,
    text: Format,
    centered: Format,
    answer: Format,
    score: Format,
    result_label: Format,
    result: Format,
    note: Format,
}

impl Styles {
    fn new() -> Styles {
        let base = Format::new()
            .set_font_name("宋体")
            .set_font_size(10.5)
            .set_font_charset(134)
            .set_align(FormatAlign::VerticalCenter);
        let boxed = base.clone().set_border(FormatBorder::Thin).set_text_wrap();
        let heading_font = |format: Format| format.set_font_name("微软雅黑").set_bold();
        Styles {
            title: heading_font(base.clone())
                .set_font_size(16)
                .set_align(FormatAlign::Center),
            subtitle: base
                .clone()
                .set_font_size(9)
                .set_font_color(Color::RGB(0x555555))
                .set_text_wrap()
                .set_align(FormatAlign::Center),
            label: base.clone().set_align(FormatAlign::Right).set_text_wrap(),
            input: base
                .clone()
                .set_border_bottom(FormatBorder::Thin)
                .set_unlocked(),
            heading: heading_font(boxed.clone())
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xD9D9D9)),
            stage: heading_font(boxed.clone()).set_background_color(Color::RGB(0xD9D9D9)),
            group: heading_font(boxed.clone()).set_background_color(Color::RGB(0xF2F2F2)),
            text: boxed.clone(),
            centered: boxed.clone().set_align(FormatAlign::Center),
            answer: boxed
                .clone()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xFFFDE7))
                .set_unlocked(),
            score: boxed
                .clone()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xF2F2F2)),
            result_label: heading_font(boxed.clone())
                .set_align(FormatAlign::Right)
                .set_background_color(Color::RGB(0xD9D9D9)),
            result: heading_font(boxed.clone())
                .set_align(FormatAlign::Center)
                .set_font_size(12),
            note: base.set_text_wrap().set_align(FormatAlign::Top),
        }
    }

    fn unlocked_text(&self) -> Format {
        self.text.clone().set_unlocked()
    }
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

    write_header_block(sheet, rubric, &plan, &styles)?;
    write_table(sheet, rubric, &plan, &styles)?;
    write_results(sheet, rubric, &plan, &styles)?;
    let last_row = write_notes(sheet, rubric, &plan, &styles)?;
    page_setup(sheet, &plan, last_row)?;

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

fn full_title(rubric: &Rubric) -> String {
    match &rubric.label {
        Some(label) => format!("{}（{label}）", rubric.title),
        None => rubric.title.clone(),
    }
}

/// `$E$9:$E$60`-style range of one column over the criterion rows.
fn column_range(plan: &Plan, col: u16) -> String {
    let rows: Vec<u32> = plan.criterion_rows().collect();
    let (first, last) = (rows[0], rows[rows.len() - 1]);
    format!("{}:{}", absolute(first, col), absolute(last, col))
}

fn write_header_block(
    sheet: &mut Worksheet,
    rubric: &Rubric,
    plan: &Plan,
    styles: &Styles,
) -> Result<(), XlsxError> {
    sheet.merge_range(
        0,
        0,
        0,
        LAST_PRINTED_COL,
        &format!("{} · 自评工作簿", full_title(rubric)),
        &styles.title,
    )?;
    sheet.set_row_height(0, 30)?;
    let provenance = match (&rubric.source, rubric.kind) {
        (Some(source), crate::model::Kind::Official) => format!("依据：{source}。"),
        _ => "dudao 编写的指引，非官方文本。".to_owned(),
    };
    sheet.merge_range(
        1,
        0,
        1,
        LAST_PRINTED_COL,
        &format!(
            "{provenance}在黄色单元格中选择评价、填写基本符合得分和备注，得分、小计、总分和评定等级自动计算。评分规则：{}。",
            super::scoring_rule(rubric)
        ),
        &styles.subtitle,
    )?;
    sheet.set_row_height(1, 27)?;
    for (i, field) in rubric.header_fields.iter().enumerate() {
        let row = 2 + (i / 2) as u32;
        let last_of_odd_count = i + 1 == rubric.header_fields.len() && i % 2 == 0;
        let (label_cols, value_cols) = match (i % 2, last_of_odd_count) {
            (0, false) => ((0, 1), (2, 2)),
            (0, true) => ((0, 1), (2, LAST_PRINTED_COL)),
            _ => ((3, 4), (5, LAST_PRINTED_COL)),
        };
        sheet.merge_range(
            row,
            label_cols.0,
            row,
            label_cols.1,
            &format!("{field}："),
            &styles.label,
        )?;
        if value_cols.0 == value_cols.1 {
            sheet.write_blank(row, value_cols.0, &styles.input)?;
        } else {
            sheet.merge_range(row, value_cols.0, row, value_cols.1, "", &styles.input)?;
        }
        // Two fields share a row: it must fit the longer label.
        let labels = rubric.header_fields[i - i % 2..]
            .iter()
            .take(2)
            .map(|f| estimated_height(&format!("{f}："), width_of(COL_NUMBER) + width_of(COL_ROW)));
        sheet.set_row_height(row, labels.fold(20.0, f64::max))?;
    }
    // The live result sits above the frozen header, always in view.
    let row = plan.header_row - 1;
    sheet.merge_range(row, 0, row, 1, "督导评分：", &styles.result_label)?;
    sheet.write_formula_with_format(
        row,
        2,
        Formula::new(format!("={}", cell(plan.total_row, COL_SCORE))).set_result("0"),
        &styles.result,
    )?;
    sheet.merge_range(row, 3, row, 4, "评定等级：", &styles.result_label)?;
    sheet.merge_range(row, 5, row, LAST_PRINTED_COL, "", &styles.result)?;
    sheet.write_formula_with_format(
        row,
        5,
        Formula::new(format!("={}", cell(plan.band_row, COL_ANSWER)))
            .set_result(initial_band(rubric)),
        &styles.result,
    )?;
    sheet.set_row_height(row, 22)?;
    Ok(())
}

fn write_table(
    sheet: &mut Worksheet,
    rubric: &Rubric,
    plan: &Plan,
    styles: &Styles,
) -> Result<(), XlsxError> {
    for (col, heading) in HEADINGS.iter().enumerate() {
        sheet.write_with_format(plan.header_row, col as u16, *heading, &styles.heading)?;
    }
    sheet.set_row_height(plan.header_row, 30)?;

    let answer_list = DataValidation::new()
        .allow_list_strings(&[ANSWER_FULL, ANSWER_PARTIAL, ANSWER_NONE])?
        .set_input_title("评价")?
        .set_input_message(
            "从下拉列表选择：符合（满分）、基本符合（在右侧填写得分）、不符合（0分）。",
        )?
        .set_error_title("无效的评价")?
        .set_error_message("请从下拉列表选择：符合、基本符合或不符合。")?;
    // One validation over every criterion run, skipping the heading rows.
    let runs: Vec<String> = plan
        .lines
        .iter()
        .filter_map(|line| match *line {
            Line::Group { first, last, .. } if first <= last => Some(format!(
                "{}:{}",
                cell(first, COL_ANSWER),
                cell(last, COL_ANSWER)
            )),
            _ => None,
        })
        .collect();
    if let Some(first) = plan.criterion_rows().next() {
        sheet.add_data_validation(
            first,
            COL_ANSWER,
            first,
            COL_ANSWER,
            &answer_list.set_multi_range(runs.join(" ")),
        )?;
    }

    for line in &plan.lines {
        match *line {
            Line::Stage {
                row,
                stage,
                ref groups,
            } => {
                let stage = &rubric.stages[stage];
                let title = stage.title.as_deref().unwrap_or_default();
                let sum = groups
                    .iter()
                    .map(|&r| cell(r, COL_SCORE))
                    .collect::<Vec<_>>()
                    .join(",");
                subtotal_line(
                    sheet,
                    row,
                    &format!("环节：{title}"),
                    stage.points,
                    &format!("=SUM({sum})"),
                    &styles.stage,
                )?;
            }
            Line::Group {
                row,
                stage,
                group,
                first,
                last,
            } => {
                let group = &rubric.stages[stage].groups[group];
                subtotal_line(
                    sheet,
                    row,
                    &format!("一级指标：{}", group.title),
                    group.points,
                    &format!("=SUM({}:{})", cell(first, COL_SCORE), cell(last, COL_SCORE)),
                    &styles.group,
                )?;
            }
            Line::Criterion {
                row,
                stage,
                group,
                row_index,
                criterion,
                number,
            } => {
                let scored = &rubric.stages[stage].groups[group].rows[row_index];
                let criterion = &scored.criteria[criterion];
                criterion_line(sheet, row, number, &scored.title, criterion, styles)?;
            }
        }
    }

    let total_cells = plan
        .top_level_subtotals()
        .iter()
        .map(|&r| cell(r, COL_SCORE))
        .collect::<Vec<_>>()
        .join(",");
    subtotal_line(
        sheet,
        plan.total_row,
        "合计",
        rubric.total,
        &format!("=SUM({total_cells})"),
        &styles.stage,
    )?;
    Ok(())
}

/// A stage, group or total line: title across 序号…评分标准, its points, and
/// the formula for its score.
fn subtotal_line(
    sheet: &mut Worksheet,
    row: u32,
    title: &str,
    points: Points,
    formula: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    sheet.merge_range(row, COL_NUMBER, row, COL_CRITERION, title, format)?;
    sheet.set_row_height(row, 20)?;
    sheet.write_number_with_format(row, COL_POINTS, points.as_f64(), format)?;
    sheet.merge_range(row, COL_ANSWER, row, COL_PARTIAL, "", format)?;
    sheet.write_formula_with_format(
        row,
        COL_SCORE,
        Formula::new(formula).set_result("0"),
        format,
    )?;
    sheet.write_with_format(row, COL_NOTES, "", format)?;
    Ok(())
}

fn criterion_line(
    sheet: &mut Worksheet,
    row: u32,
    number: usize,
    row_title: &str,
    criterion: &crate::model::Criterion,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let points = cell(row, COL_POINTS);
    let answer = cell(row, COL_ANSWER);
    let partial = cell(row, COL_PARTIAL);
    sheet.write_number_with_format(row, COL_NUMBER, number as f64, &styles.centered)?;
    sheet.write_with_format(row, COL_ROW, row_title, &styles.text)?;
    sheet.write_with_format(row, COL_CRITERION, &criterion.text, &styles.text)?;
    sheet.set_row_height(
        row,
        estimated_height(&criterion.text, width_of(COL_CRITERION))
            .max(estimated_height(row_title, width_of(COL_ROW))),
    )?;
    sheet.write_number_with_format(row, COL_POINTS, criterion.points.as_f64(), &styles.centered)?;
    sheet.write_blank(row, COL_ANSWER, &styles.answer)?;
    sheet.write_blank(row, COL_PARTIAL, &styles.answer)?;
    // A partial score counts only when it is one the browser form accepts:
    // strictly between 0 and the points, in steps of 0.5.
    let valid_partial = valid_partial_condition(&partial, &points);
    sheet.write_formula_with_format(
        row,
        COL_SCORE,
        Formula::new(format!(
            "=IF({answer}=\"{ANSWER_FULL}\",{points},IF(AND({answer}=\"{ANSWER_PARTIAL}\",{valid_partial}),{partial},0))"
        ))
        .set_result("0"),
        &styles.score,
    )?;
    sheet.write_blank(row, COL_NOTES, &styles.unlocked_text())?;
    sheet.write(row, COL_ID, criterion.id.as_str())?;

    let max_partial = criterion.points.halves().saturating_sub(1);
    let message = if max_partial == 0 {
        "本条目满分不足 1 分，无“基本符合”得分。".to_owned()
    } else if max_partial == 1 {
        format!(
            "仅在评价为“基本符合”时填写：本条目满分 {} 分，基本符合只能得 0.5 分。",
            criterion.points
        )
    } else {
        format!(
            "仅在评价为“基本符合”时填写：大于 0、小于 {} 分，以 0.5 分为单位（0.5 至 {}）。",
            criterion.points,
            Points::from_halves(max_partial)
        )
    };
    let partial_rule = DataValidation::new()
        .allow_custom(Formula::new(format!("={valid_partial}")))
        .set_input_title("基本符合得分")?
        .set_input_message(&message)?
        .set_error_title("得分超出范围")?
        .set_error_message(format!(
            "基本符合得分须大于 0、小于 {} 分，且为 0.5 的整数倍。",
            criterion.points
        ))?;
    sheet.add_data_validation(row, COL_PARTIAL, row, COL_PARTIAL, &partial_rule)?;
    // 基本符合 without a usable partial score scores 0: make that visible.
    sheet.add_conditional_format(
        row,
        COL_PARTIAL,
        row,
        COL_PARTIAL,
        &ConditionalFormatFormula::new()
            .set_rule(Formula::new(format!(
                "=AND({answer}=\"{ANSWER_PARTIAL}\",NOT({valid_partial}))"
            )))
            .set_format(Format::new().set_background_color(Color::RGB(0xF4B6B6))),
    )?;
    Ok(())
}

fn valid_partial_condition(partial: &str, points: &str) -> String {
    format!("AND(ISNUMBER({partial}),{partial}>0,{partial}<{points},MOD({partial}*2,1)=0)")
}

fn write_results(
    sheet: &mut Worksheet,
    rubric: &Rubric,
    plan: &Plan,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let total = cell(plan.total_row, COL_SCORE);
    let veto_count = match (plan.veto_rows.first(), plan.veto_rows.last()) {
        (Some(&first), Some(&last)) => Some(format!(
            "COUNTIF({}:{},\"{VETO_YES}\")",
            cell(first, COL_ANSWER),
            cell(last, COL_ANSWER)
        )),
        _ => None,
    };

    if let Some(veto) = &rubric.veto {
        let heading_row = plan.veto_rows[0] - 1;
        let heading = match &veto.intro {
            Some(intro) => format!("{}：{intro}", veto.title),
            None => format!("{}（发现任一项，无论得分均评定为不合格）", veto.title),
        };
        sheet.merge_range(
            heading_row,
            COL_NUMBER,
            heading_row,
            COL_CRITERION,
            &heading,
            &styles.stage,
        )?;
        let width = width_of(COL_NUMBER) + width_of(COL_ROW) + width_of(COL_CRITERION);
        sheet.set_row_height(heading_row, estimated_height(&heading, width).max(20.0))?;
        sheet.write_with_format(heading_row, COL_POINTS, "", &styles.stage)?;
        sheet.write_with_format(heading_row, COL_ANSWER, "是否发现", &styles.heading)?;
        sheet.merge_range(
            heading_row,
            COL_PARTIAL,
            heading_row,
            LAST_PRINTED_COL,
            "行为描述",
            &styles.heading,
        )?;
        let choice = DataValidation::new()
            .allow_list_strings(&[VETO_YES, VETO_NO])?
            .set_input_title(veto.title.as_str())?
            .set_input_message("发现该行为选“是”：无论得分多少，评定等级均为不合格。")?
            .set_error_title("无效的选择")?
            .set_error_message("请选择“是”或“否”。")?;
        for (i, (item, &row)) in veto.items.iter().zip(&plan.veto_rows).enumerate() {
            sheet.write_number_with_format(row, COL_NUMBER, (i + 1) as f64, &styles.centered)?;
            sheet.merge_range(row, COL_ROW, row, COL_POINTS, &item.text, &styles.text)?;
            sheet.set_row_height(
                row,
                estimated_height(
                    &item.text,
                    width_of(COL_ROW) + width_of(COL_CRITERION) + width_of(COL_POINTS),
                ),
            )?;
            sheet.write_with_format(row, COL_ANSWER, VETO_NO, &styles.answer)?;
            sheet.merge_range(
                row,
                COL_PARTIAL,
                row,
                LAST_PRINTED_COL,
                "",
                &styles.unlocked_text(),
            )?;
            sheet.write(row, COL_ID, item.id.as_str())?;
            sheet.add_data_validation(row, COL_ANSWER, row, COL_ANSWER, &choice)?;
        }
    }

    // The band: veto first, then thresholds from the highest band down.
    let fail_label = formula_text(
        rubric
            .bands
            .last()
            .map_or("不合格", |band| band.label.as_str()),
    );
    let mut band_formula = format!("\"{fail_label}\"");
    for band in rubric.bands.iter().rev().skip(1) {
        band_formula = format!(
            "IF({total}>={},\"{}\",{band_formula})",
            band.min,
            formula_text(&band.label)
        );
    }
    if let Some(count) = &veto_count {
        band_formula = format!("IF({count}>0,\"{fail_label}\",{band_formula})");
    }
    result_line(
        sheet,
        plan.band_row,
        "评定等级",
        Formula::new(format!("={band_formula}")).set_result(initial_band(rubric)),
        styles,
    )?;

    let reason = match &veto_count {
        Some(count) => format!(
            "=IF({count}>0,\"存在{}，无论得分均评定为{fail_label}\",\"按得分 \"&{total}&\" 分评定\")",
            formula_text(rubric.veto.as_ref().map_or("", |v| v.title.as_str()))
        ),
        None => format!("=\"按得分 \"&{total}&\" 分评定\""),
    };
    result_line(
        sheet,
        plan.reason_row,
        "评定说明",
        Formula::new(reason).set_result("按得分 0 分评定"),
        styles,
    )?;

    let answers = column_range(plan, COL_ANSWER).replace('$', "");
    let criteria = plan.criterion_rows().count();
    result_line(
        sheet,
        plan.progress_row,
        "已评条目",
        Formula::new(format!(
            "=(COUNTIF({answers},\"{ANSWER_FULL}\")+COUNTIF({answers},\"{ANSWER_PARTIAL}\")+COUNTIF({answers},\"{ANSWER_NONE}\"))&\" / {criteria}\""
        ))
        .set_result(format!("0 / {criteria}")),
        styles,
    )?;

    for (label, color) in [("优良", 0xC6EFCE), ("合格", 0xDDEBF7), ("不合格", 0xF4B6B6)] {
        sheet.add_conditional_format(
            plan.band_row,
            COL_ANSWER,
            plan.band_row,
            LAST_PRINTED_COL,
            &ConditionalFormatFormula::new()
                .set_rule(Formula::new(format!(
                    "=${}${}=\"{label}\"",
                    column_letter(COL_ANSWER),
                    plan.band_row + 1
                )))
                .set_format(Format::new().set_background_color(Color::RGB(color))),
        )?;
    }
    Ok(())
}

/// The band of an empty workbook (total 0), cached so that a reader that
/// does not recalculate still shows the right value.
fn initial_band(rubric: &Rubric) -> &str {
    rubric
        .band_for(Points(0))
        .map_or("不合格", |band| band.label.as_str())
}

fn result_line(
    sheet: &mut Worksheet,
    row: u32,
    label: &str,
    formula: Formula,
    styles: &Styles,
) -> Result<(), XlsxError> {
    sheet.merge_range(
        row,
        COL_NUMBER,
        row,
        COL_POINTS,
        &format!("{label}："),
        &styles.result_label,
    )?;
    sheet.merge_range(row, COL_ANSWER, row, LAST_PRINTED_COL, "", &styles.result)?;
    sheet.write_formula_with_format(row, COL_ANSWER, formula, &styles.result)?;
    sheet.set_row_height(row, 22)?;
    Ok(())
}

/// Band rules, the rubric's notes and the signature lines, below the
/// results. Returns the last row written.
fn write_notes(
    sheet: &mut Worksheet,
    rubric: &Rubric,
    plan: &Plan,
    styles: &Styles,
) -> Result<u32, XlsxError> {
    let mut row = plan.progress_row + 2;
    sheet.merge_range(
        row,
        COL_NUMBER,
        row,
        LAST_PRINTED_COL,
        "评分说明",
        &styles.group,
    )?;
    row += 1;
    let mut lines = vec![band_rule(rubric)];
    lines.extend(rubric.notes.iter().cloned());
    let width: f64 = WIDTHS[..=LAST_PRINTED_COL as usize]
        .iter()
        .map(|(_, w)| w)
        .sum::<f64>()
        - WIDTHS[0].1;
    for (i, line) in lines.iter().enumerate() {
        sheet.write_number_with_format(row, COL_NUMBER, (i + 1) as f64, &styles.note)?;
        sheet.merge_range(row, COL_ROW, row, LAST_PRINTED_COL, line, &styles.note)?;
        sheet.set_row_height(row, estimated_height(line, width))?;
        row += 1;
    }
    row += 1;
    for signer in SIGNERS {
        sheet.merge_range(
            row,
            COL_NUMBER,
            row,
            COL_ROW,
            &format!("{signer}："),
            &styles.label,
        )?;
        sheet.write_blank(row, COL_CRITERION, &styles.input)?;
        sheet.merge_range(row, COL_POINTS, row, COL_ANSWER, "日期：", &styles.label)?;
        sheet.merge_range(row, COL_PARTIAL, row, LAST_PRINTED_COL, "", &styles.input)?;
        sheet.set_row_height(row, 28)?;
        row += 1;
    }
    Ok(row - 1)
}

fn width_of(col: u16) -> f64 {
    WIDTHS[usize::from(col)].1
}

/// Row height in points for `text` wrapped in a cell `width` units wide.
/// Computed rather than left to the application: LibreOffice keeps default
/// heights for rows it did not write, and no application grows merged cells.
fn estimated_height(text: &str, width: f64) -> f64 {
    // In 宋体 a Chinese character is about 1.8 digit widths, Latin about 1.
    let units: f64 = text
        .chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 1.9 })
        .sum();
    let lines = (units / (width - 1.5)).ceil().max(1.0);
    lines * 14.0 + 6.0
}

fn page_setup(sheet: &mut Worksheet, plan: &Plan, last_row: u32) -> Result<(), XlsxError> {
    sheet.set_paper_size(9); // A4
    sheet.set_portrait();
    sheet.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_print_center_horizontally(true);
    sheet.set_print_area(0, 0, last_row, LAST_PRINTED_COL)?;
    sheet.set_repeat_rows(plan.header_row, plan.header_row)?;
    sheet.set_footer("&C第 &P 页 共 &N 页");
    sheet.set_freeze_panes(plan.header_row + 1, 0)?;
    sheet.protect_with_options(&ProtectionOptions {
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::default()
    });
    Ok(())
}

/// `text` inside a formula's string constant, where `"` is written `""`.
fn formula_text(text: &str) -> String {
    text.replace('"', "\"\"")
}
