//! The verdict below the table: the 不合格项 with their 是/否 choice, and
//! the band, reason and progress lines computed from the answers.

use rust_xlsxwriter::{
    Color, ConditionalFormatFormula, DataValidation, Formula, Worksheet, XlsxError,
};

use super::pages::Heights;
use super::plan::{Plan, cell, column_letter, column_range};
use super::styles::Styles;
use super::*;
use crate::model::Rubric;

pub(super) fn write_results(
    sheet: &mut Worksheet,
    rubric: &Rubric,
    plan: &Plan,
    styles: &Styles,
    heights: &mut Heights,
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
        heights.set(
            sheet,
            heading_row,
            estimated_height(&heading, width).max(20.0),
        )?;
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
            heights.set(
                sheet,
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
    // A band the notice does not name shows as 合格※, the mark its 编者注
    // under the table explains.
    for (i, band) in rubric.bands.iter().enumerate().rev().skip(1) {
        band_formula = format!(
            "IF({total}>={},\"{}\",{band_formula})",
            band.min,
            formula_text(&crate::export::band_label(rubric, i))
        );
    }
    // No band until every criterion is answered: a blank or half-filled
    // workbook must not print as a verdict. A 不合格项 found decides at once.
    let answers = column_range(plan, COL_ANSWER).replace('$', "");
    let criteria = plan.criterion_rows().count();
    let answered = answered_count(&answers);
    band_formula = format!(
        "IF({answered}<{criteria},\"{INCOMPLETE} (\"&{answered}&\"/{criteria})\",{band_formula})"
    );
    if let Some(count) = &veto_count {
        band_formula = format!("IF({count}>0,\"{fail_label}\",{band_formula})");
    }
    result_line(
        sheet,
        plan.band_row,
        "评定等级",
        Formula::new(format!("={band_formula}")).set_result(initial_band(rubric)),
        styles,
        heights,
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
        heights,
    )?;

    result_line(
        sheet,
        plan.progress_row,
        "已评条目",
        Formula::new(format!("={answered}&\" / {criteria}\""))
            .set_result(format!("0 / {criteria}")),
        styles,
        heights,
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

/// Shown instead of a band until every criterion is answered.
pub const INCOMPLETE: &str = "未完成";

fn answered_count(answers: &str) -> String {
    format!(
        "(COUNTIF({answers},\"{ANSWER_FULL}\")+COUNTIF({answers},\"{ANSWER_PARTIAL}\")+COUNTIF({answers},\"{ANSWER_NONE}\"))"
    )
}

/// The result of an empty workbook, cached so that a reader that does not
/// recalculate still shows the right value: 未完成 (0/N).
pub(super) fn initial_band(rubric: &Rubric) -> String {
    format!("{INCOMPLETE} (0/{})", rubric.criteria().count())
}

pub(super) fn result_line(
    sheet: &mut Worksheet,
    row: u32,
    label: &str,
    formula: Formula,
    styles: &Styles,
    heights: &mut Heights,
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
    heights.set(sheet, row, 22)?;
    Ok(())
}

/// `text` inside a formula's string constant, where `"` is written `""`.
fn formula_text(text: &str) -> String {
    text.replace('"', "\"\"")
}
