//! The scoring table: heading row, stage and group subtotal lines, one line
//! per criterion with its answer drop-down, partial score and score formula,
//! and the total line.

use rust_xlsxwriter::{
    Color, ConditionalFormatFormula, DataValidation, Format, Formula, Worksheet, XlsxError,
};

use super::pages::Heights;
use super::plan::{Line, Plan, cell};
use super::styles::Styles;
use super::*;
use crate::model::{Points, Rubric};

pub(super) fn write_table(
    sheet: &mut Worksheet,
    rubric: &Rubric,
    plan: &Plan,
    styles: &Styles,
    heights: &mut Heights,
) -> Result<(), XlsxError> {
    for (col, heading) in HEADINGS.iter().enumerate() {
        sheet.write_with_format(plan.header_row, col as u16, *heading, &styles.heading)?;
    }
    heights.set(sheet, plan.header_row, 30)?;

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
                    heights,
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
                    heights,
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
                criterion_line(
                    sheet,
                    row,
                    number,
                    &scored.title,
                    criterion,
                    styles,
                    heights,
                )?;
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
        "总分",
        rubric.total,
        &format!("=SUM({total_cells})"),
        &styles.stage,
        heights,
    )?;
    Ok(())
}

/// A stage, group or total line: title across 序号…评分标准, its points, and
/// the formula for its score.
pub(super) fn subtotal_line(
    sheet: &mut Worksheet,
    row: u32,
    title: &str,
    points: Points,
    formula: &str,
    format: &Format,
    heights: &mut Heights,
) -> Result<(), XlsxError> {
    sheet.merge_range(row, COL_NUMBER, row, COL_CRITERION, title, format)?;
    heights.set(sheet, row, 20)?;
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

pub(super) fn criterion_line(
    sheet: &mut Worksheet,
    row: u32,
    number: usize,
    row_title: &str,
    criterion: &crate::model::Criterion,
    styles: &Styles,
    heights: &mut Heights,
) -> Result<(), XlsxError> {
    let points = cell(row, COL_POINTS);
    let answer = cell(row, COL_ANSWER);
    let partial = cell(row, COL_PARTIAL);
    sheet.write_number_with_format(row, COL_NUMBER, number as f64, &styles.centered)?;
    sheet.write_with_format(row, COL_ROW, row_title, &styles.text)?;
    sheet.write_with_format(row, COL_CRITERION, &criterion.text, &styles.text)?;
    heights.set(
        sheet,
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

pub(super) fn valid_partial_condition(partial: &str, points: &str) -> String {
    format!("AND(ISNUMBER({partial}),{partial}>0,{partial}<{points},MOD({partial}*2,1)=0)")
}
