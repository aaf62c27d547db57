//! What frames the table on paper: the title, provenance and header fields
//! with the live result above it, and the scoring notes and signature lines
//! below it.

use rust_xlsxwriter::{Formula, Worksheet, XlsxError};

use super::pages::Heights;
use super::plan::{Plan, cell};
use super::results::initial_band;
use super::styles::Styles;
use super::*;
use crate::export::{band_note, band_rule, full_marks};
use crate::model::Rubric;

pub(super) fn write_header_block(
    sheet: &mut Worksheet,
    rubric: &Rubric,
    plan: &Plan,
    styles: &Styles,
    heights: &mut Heights,
) -> Result<(), XlsxError> {
    sheet.merge_range(
        0,
        0,
        0,
        LAST_PRINTED_COL,
        &format!("{} · 自评工作簿", full_title(rubric)),
        &styles.title,
    )?;
    heights.set(sheet, 0, 30)?;
    let provenance = match (&rubric.source, rubric.kind) {
        (Some(source), crate::model::Kind::Official) => {
            format!("依据：{source} · {}。", full_marks(rubric))
        }
        _ => format!("dudao 编写的指引，非官方文本 · {}。", full_marks(rubric)),
    };
    sheet.merge_range(
        1,
        0,
        1,
        LAST_PRINTED_COL,
        &format!(
            "{provenance}只有黄色单元格可以填写：评价、基本符合得分、备注、表头、行为描述和签字日期；得分、小计、总分和评定等级自动计算。评分规则：{}",
            rubric.scoring_rule
        ),
        &styles.subtitle,
    )?;
    heights.set(sheet, 1, 27)?;
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
        heights.set(sheet, row, labels.fold(20.0, f64::max))?;
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
    heights.set(sheet, row, 22)?;
    Ok(())
}

/// The signature lines below the result, then our band rule with its 编者注
/// and the rubric's 备注, in the paper checklist's order. Returns the row of
/// the 备注 heading, if any, and the last row written.
pub(super) fn write_signatures_and_notes(
    sheet: &mut Worksheet,
    rubric: &Rubric,
    plan: &Plan,
    styles: &Styles,
    heights: &mut Heights,
) -> Result<(Option<u32>, u32), XlsxError> {
    for (signer, row) in rubric
        .labels
        .signatures
        .iter()
        .zip(plan.signature_rows.clone())
    {
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
        heights.set(sheet, row, 28.0)?;
    }
    let mut row = plan.signature_rows.end.max(plan.progress_row + 1) + 1;
    let width: f64 = WIDTHS[..=LAST_PRINTED_COL as usize]
        .iter()
        .map(|(_, w)| w)
        .sum::<f64>()
        - WIDTHS[0].1;
    // Our band rule and its 编者注 first, unnumbered; then the rubric's
    // 备注 with the notice's own numbering.
    let ours = std::iter::once(band_rule(rubric)).chain(band_note(rubric));
    for line in ours {
        sheet.merge_range(row, COL_NUMBER, row, LAST_PRINTED_COL, &line, &styles.note)?;
        heights.set(sheet, row, estimated_height(&line, width + WIDTHS[0].1))?;
        row += 1;
    }
    let mut notes_heading = None;
    if !rubric.notes.is_empty() {
        sheet.merge_range(
            row,
            COL_NUMBER,
            row,
            LAST_PRINTED_COL,
            "备注",
            &styles.group,
        )?;
        notes_heading = Some(row);
        row += 1;
    }
    for (i, line) in rubric.notes.iter().enumerate() {
        sheet.write_number_with_format(row, COL_NUMBER, (i + 1) as f64, &styles.note)?;
        sheet.merge_range(row, COL_ROW, row, LAST_PRINTED_COL, line, &styles.note)?;
        heights.set(sheet, row, estimated_height(line, width))?;
        row += 1;
    }
    Ok((notes_heading, row - 1))
}
