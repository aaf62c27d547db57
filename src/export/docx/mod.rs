//! The paper checklist as an editable Word document (.docx).
//!
//! The WordprocessingML is written by hand and zipped with the `zip` crate
//! (already in the tree through rust_xlsxwriter) rather than through docx-rs:
//! the checklist needs exactly a handful of parts, and the features that make
//! it work on paper — `w:tblHeader` (header row repeated on every page),
//! `w:cantSplit` (no row torn across a page break), East Asian font slots,
//! fixed zip timestamps for byte-identical builds — are one element each
//! here, while docx-rs would add a second XML stack and an image crate for
//! none of them. Element order follows the ECMA-376 schema sequences, which
//! Word enforces.
//!
//! This module lays out the checklist's content, top to bottom; `wml` holds
//! the XML building blocks and `package` the fixed parts and the zip.

mod package;
mod wml;

/// The minimal theme every .docx carries (the 督导意见书 too, src/report/docx.rs).
pub(crate) use package::THEME;

use super::{ExportError, TICK_INSTRUCTION, band_label, band_note, band_rule, full_marks};
use crate::model::{Kind, Points, Rubric};
use package::*;
use wml::*;

/// A4 portrait in twentieths of a point, with 15 mm side margins.
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
const SIDE_MARGIN: u32 = 850;
const TEXT_WIDTH: u32 = PAGE_WIDTH - 2 * SIDE_MARGIN;

/// Same columns as the HTML checklist: 序号, 二级指标, 评分标准, 分值, 符合,
/// 基本符合, 不符合, 得分, 备注 — sums to TEXT_WIDTH.
const COLUMNS: [u32; 9] = [620, 1400, 3420, 640, 580, 720, 780, 620, 1426];
const HEADINGS: [&str; 9] = [
    "序号",
    "二级指标",
    "评分标准",
    "分值",
    "符合",
    "基本\n符合",
    "不符合",
    "得分",
    "备注",
];

/// The box a supervisor ticks. U+25A1 is in GB 2312, so every Chinese font
/// (SimSun included) has it; U+2610 ☐ is not and falls back unevenly.
const BOX: &str = "□";

/// Half-points of the tick box and of the √ in the instruction. □ is about
/// 0.6 em wide in Chinese fonts: 17 pt gives a 3.6 mm box, the HTML
/// checklist's size (measured in docs/exports.md).
const TICK_SIZE: u32 = 34;

/// Criterion rows are at least 8 mm high (454 twips): room to write.
const MIN_ROW_HEIGHT: u32 = 454;

fn tick_box() -> String {
    paragraph(
        &ppr().jc("center").build(),
        &run(BOX, Font::Body, TICK_SIZE, false),
    )
}

fn criterion_row() -> TrProps {
    TrProps {
        min_height: Some(MIN_ROW_HEIGHT),
        ..TrProps::default()
    }
}

const STAGE_SHADE: &str = "D9D9D9";
const GROUP_SHADE: &str = "F2F2F2";

/// The Word checklist of `rubric`, as the bytes of a .docx file.
pub fn checklist_docx(rubric: &Rubric, base: Option<&Rubric>) -> Result<Vec<u8>, ExportError> {
    let parts: [(&str, String); 11] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_owned()),
        ("_rels/.rels", PACKAGE_RELS.to_owned()),
        ("docProps/core.xml", core_properties(rubric)),
        ("docProps/app.xml", APP_PROPERTIES.to_owned()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_owned()),
        ("word/document.xml", document(rubric, base)),
        ("word/styles.xml", styles()),
        ("word/settings.xml", SETTINGS.to_owned()),
        ("word/footer1.xml", footer()),
        ("word/header1.xml", header()),
        ("word/header2.xml", first_page_header()),
    ];
    let extra = [
        ("word/fontTable.xml", FONT_TABLE.to_owned()),
        ("word/theme/theme1.xml", THEME.to_owned()),
    ];
    zip_parts(parts.iter().chain(extra.iter())).map_err(|e| ExportError {
        rubric: rubric.id.clone(),
        file: "Word",
        message: e.to_string(),
    })
}

fn document(rubric: &Rubric, base: Option<&Rubric>) -> String {
    let mut body = String::new();
    title_block(&mut body, rubric, base);
    header_fields(&mut body, rubric);
    // The rule verbatim; our instruction on a line of its own, its √ large
    // enough to read.
    body.push_str(&paragraph(
        &ppr().spacing(120, 0).build(),
        &run(
            &format!("评分规则：{}", rubric.scoring_rule),
            Font::Body,
            21,
            false,
        ),
    ));
    let (before, after) = TICK_INSTRUCTION
        .split_once('√')
        .expect("the instruction names the tick");
    body.push_str(&paragraph(
        &ppr().spacing(0, 60).build(),
        &[
            run(before, Font::Body, 21, false),
            run("√", Font::Body, TICK_SIZE, true),
            run(after, Font::Body, 21, false),
        ]
        .concat(),
    ));
    score_table(&mut body, rubric);
    veto_section(&mut body, rubric);
    result_section(&mut body, rubric);
    signatures(&mut body, rubric);
    notes_section(&mut body, rubric);
    format!(
        "{XML_DECL}<w:document {NS_W} {NS_R}><w:body>{body}<w:sectPr>\
         <w:headerReference w:type=\"default\" r:id=\"rIdHeader\"/>\
         <w:headerReference w:type=\"first\" r:id=\"rIdHeaderFirst\"/>\
         <w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/>\
         <w:footerReference w:type=\"first\" r:id=\"rIdFooter\"/>\
         <w:pgSz w:w=\"{PAGE_WIDTH}\" w:h=\"{PAGE_HEIGHT}\"/>\
         <w:pgMar w:top=\"1020\" w:right=\"{SIDE_MARGIN}\" w:bottom=\"1020\" w:left=\"{SIDE_MARGIN}\" \
         w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/>\
         <w:cols w:space=\"425\"/><w:titlePg/><w:docGrid w:type=\"lines\" w:linePitch=\"312\"/>\
         </w:sectPr></w:body></w:document>"
    )
}

fn title_block(body: &mut String, rubric: &Rubric, base: Option<&Rubric>) {
    // The notice's own brackets: 技能人才评价活动现场质量督导评分表 (示例).
    let title = match &rubric.label {
        Some(label) => format!("{}({label})", rubric.title),
        None => rubric.title.clone(),
    };
    body.push_str(&paragraph(
        "<w:pPr><w:pStyle w:val=\"Title\"/></w:pPr>",
        &run(&title, Font::Heading, 32, true),
    ));
    let provenance = match rubric.kind {
        Kind::Official => rubric
            .source
            .as_ref()
            .map(|source| format!("依据：{source} · {}", full_marks(rubric))),
        Kind::Derived => Some(match base {
            Some(base) => format!(
                "dudao 编写的指引，非官方文本（据《{}》改编） · {}",
                base.title,
                full_marks(rubric)
            ),
            None => format!("dudao 编写的指引，非官方文本 · {}", full_marks(rubric)),
        }),
    };
    if let Some(text) = provenance {
        body.push_str(&paragraph(
            &ppr().jc("center").spacing(0, 120).build(),
            &run(&text, Font::Body, 18, false),
        ));
    }
}

/// 被督导机构名称 … 督导(组)员: label, then a ruled cell to write or type in.
fn header_fields(body: &mut String, rubric: &Rubric) {
    // Wide enough for the longest label on one line, within reason.
    let longest = rubric
        .header_fields
        .iter()
        .map(|f| f.chars().count() as u32 + 1)
        .max()
        .unwrap_or(0);
    let label: u32 = (longest * 210 + 200).clamp(1700, 3000);
    let value: u32 = TEXT_WIDTH / 2 - label;
    let mut rows = String::new();
    for pair in rubric.header_fields.chunks(2) {
        let mut cells = String::new();
        for (i, field) in pair.iter().enumerate() {
            cells.push_str(&cell(
                CellProps::new(label),
                &paragraph(
                    &ppr().spacing(120, 0).build(),
                    &run(&format!("{field}："), Font::Body, 21, false),
                ),
            ));
            let span = if pair.len() == 1 && i == 0 { 3 } else { 1 };
            let width = if span == 3 { TEXT_WIDTH - label } else { value };
            cells.push_str(&cell(
                CellProps::new(width).span(span).bottom_rule(),
                &paragraph(&ppr().spacing(120, 0).build(), ""),
            ));
        }
        rows.push_str(&row(&TrProps::default(), &cells));
    }
    body.push_str(&table(&[label, value, label, value], false, &rows));
}

fn score_table(body: &mut String, rubric: &Rubric) {
    let mut rows = String::new();
    let heading_cells: String = HEADINGS
        .iter()
        .zip(COLUMNS)
        .map(|(text, width)| {
            cell(
                CellProps::new(width).shade(STAGE_SHADE),
                &centered(text, true),
            )
        })
        .collect();
    rows.push_str(&row(
        &TrProps {
            repeat_as_header: true,
            ..TrProps::default()
        },
        &heading_cells,
    ));
    let mut number = 0;
    for stage in &rubric.stages {
        if let Some(title) = &stage.title {
            rows.push_str(&banner_row(
                &format!("{title} ({}分)", stage.points),
                STAGE_SHADE,
            ));
        }
        for group in &stage.groups {
            rows.push_str(&banner_row(
                &format!("{} ({}分)", group.title, group.points),
                GROUP_SHADE,
            ));
            let criteria = group.rows.iter().map(|r| r.criteria.len()).sum::<usize>();
            let mut in_group = 0;
            for scored in &group.rows {
                for (i, criterion) in scored.criteria.iter().enumerate() {
                    in_group += 1;
                    number += 1;
                    let merge = match (scored.criteria.len(), i) {
                        (1, _) => VMerge::None,
                        (_, 0) => VMerge::Restart,
                        _ => VMerge::Continue,
                    };
                    let row_title = if i == 0 { scored.title.as_str() } else { "" };
                    let cells = [
                        cell(
                            CellProps::new(COLUMNS[0]),
                            &centered(&number.to_string(), false),
                        ),
                        cell(
                            CellProps::new(COLUMNS[1]).vmerge(merge),
                            &paragraph("", &run(row_title, Font::Body, 20, false)),
                        ),
                        cell(
                            CellProps::new(COLUMNS[2]),
                            &paragraph(
                                &ppr().jc("both").build(),
                                &run(&criterion.text, Font::Body, 20, false),
                            ),
                        ),
                        cell(
                            CellProps::new(COLUMNS[3]),
                            &centered(&criterion.points.to_string(), false),
                        ),
                        cell(CellProps::new(COLUMNS[4]), &tick_box()),
                        cell(CellProps::new(COLUMNS[5]), &tick_box()),
                        cell(CellProps::new(COLUMNS[6]), &tick_box()),
                        cell(CellProps::new(COLUMNS[7]), &centered("", false)),
                        cell(CellProps::new(COLUMNS[8]), &centered("", false)),
                    ];
                    let tr = row(&criterion_row(), &cells.concat());
                    // The group's last row travels with its 小计, and the
                    // rows of one 二级指标 (one merged cell) with each other.
                    let keep = in_group == criteria || i + 1 < scored.criteria.len();
                    rows.push_str(&if keep { keep_with_next(&tr) } else { tr });
                }
            }
            let subtotal =
                subtotal_row(&format!("{} 小计", group.title), group.points, GROUP_SHADE);
            // A stage's last group subtotal travels with the stage subtotal
            // (or, in a table without stages, with 总分).
            let last_of_stage =
                std::ptr::eq(group, stage.groups.last().expect("a stage has groups"));
            rows.push_str(&if last_of_stage {
                keep_with_next(&subtotal)
            } else {
                subtotal
            });
        }
        if let Some(title) = &stage.title {
            let subtotal = subtotal_row(&format!("{title} 小计"), stage.points, STAGE_SHADE);
            let last = std::ptr::eq(stage, rubric.stages.last().expect("a rubric has stages"));
            rows.push_str(&if last {
                keep_with_next(&subtotal)
            } else {
                subtotal
            });
        }
    }
    // 总分, as the notice's tables say. Without a 不合格项 table it leads
    // straight into the result, so the two stay on one page.
    let total = subtotal_row("总分", rubric.total, STAGE_SHADE);
    rows.push_str(&if rubric.veto.is_none() {
        keep_with_next(&total)
    } else {
        total
    });
    body.push_str(&table(&COLUMNS, true, &rows));
}

/// A stage or first-level heading across the whole table, kept with the
/// rows it introduces.
fn banner_row(text: &str, shade: &str) -> String {
    let content = paragraph(
        &ppr().keep_next().build(),
        &run(text, Font::Heading, 20, true),
    );
    row(
        &TrProps::default(),
        &cell(
            CellProps::new(TEXT_WIDTH).span(COLUMNS.len()).shade(shade),
            &content,
        ),
    )
}

/// 小计 / 合计: label over 序号…评分标准, the points, a blank score cell.
fn subtotal_row(label: &str, points: Points, shade: &str) -> String {
    let label_cell = cell(
        CellProps::new(COLUMNS[0] + COLUMNS[1] + COLUMNS[2])
            .span(3)
            .shade(shade),
        &paragraph(
            &ppr().jc("right").build(),
            &run(label, Font::Body, 20, true),
        ),
    );
    let blank = |props: CellProps| cell(props.shade(shade), &centered("", false));
    let cells = [
        label_cell,
        cell(
            CellProps::new(COLUMNS[3]).shade(shade),
            &centered(&points.to_string(), true),
        ),
        blank(CellProps::new(COLUMNS[4] + COLUMNS[5] + COLUMNS[6]).span(3)),
        blank(CellProps::new(COLUMNS[7])),
        blank(CellProps::new(COLUMNS[8])),
    ];
    row(&TrProps::default(), &cells.concat())
}

/// 不合格项: each situation with 有 / 无 boxes, then room for 行为描述.
fn veto_section(body: &mut String, rubric: &Rubric) {
    let Some(veto) = &rubric.veto else { return };
    body.push_str(&heading(&veto.title));
    if let Some(intro) = &veto.intro {
        body.push_str(&paragraph(
            &ppr().keep_next().spacing(0, 60).build(),
            &run(intro, Font::Body, 21, false),
        ));
    }
    let widths = [620, TEXT_WIDTH - 620 - 2 * 700, 700, 700];
    let headings = ["序号", "情形", "有", "无"];
    let mut rows = row(
        &TrProps {
            repeat_as_header: true,
            ..TrProps::default()
        },
        &headings
            .iter()
            .zip(widths)
            .map(|(text, width)| {
                cell(
                    CellProps::new(width).shade(STAGE_SHADE),
                    &centered(text, true),
                )
            })
            .collect::<String>(),
    );
    for (i, item) in veto.items.iter().enumerate() {
        rows.push_str(&row(
            &criterion_row(),
            &[
                cell(
                    CellProps::new(widths[0]),
                    &centered(&(i + 1).to_string(), false),
                ),
                cell(
                    CellProps::new(widths[1]),
                    &paragraph(
                        &ppr().jc("both").build(),
                        &run(&item.text, Font::Body, 20, false),
                    ),
                ),
                cell(CellProps::new(widths[2]), &tick_box()),
                cell(CellProps::new(widths[3]), &tick_box()),
            ]
            .concat(),
        ));
    }
    rows.push_str(&row(
        &TrProps {
            min_height: Some(1400),
            ..TrProps::default()
        },
        &cell(
            CellProps::new(TEXT_WIDTH).span(widths.len()),
            &paragraph("", &run("行为描述：", Font::Body, 20, true)),
        ),
    ));
    // The whole table, and the result block after it, on one page.
    body.push_str(&table(&widths, true, &keep_with_next(&rows)));
}

/// 督导结果 (or the rubric's own word for it): the total to write in, one
/// box per band, the band rule and its 编者注, all kept with the signatures.
fn result_section(body: &mut String, rubric: &Rubric) {
    body.push_str(&heading(&rubric.labels.result));
    let mut runs = run(
        &format!("总得分：__________ 分　　{}：", rubric.labels.result),
        Font::Body,
        21,
        false,
    );
    for i in 0..rubric.bands.len() {
        runs.push_str(&run(BOX, Font::Body, TICK_SIZE, false));
        runs.push_str(&run(
            &format!(" {}　", band_label(rubric, i)),
            Font::Body,
            21,
            false,
        ));
    }
    body.push_str(&paragraph(
        &ppr().keep_next().spacing(60, 60).build(),
        &runs,
    ));
    body.push_str(&paragraph(
        &ppr().keep_next().spacing(0, 60).jc("both").build(),
        &run(&band_rule(rubric), Font::Body, 20, false),
    ));
}

/// The signature lines; every line but the last keeps with the next, and
/// the result block above keeps with the first, so no signature stands
/// alone on a page.
fn signatures(body: &mut String, rubric: &Rubric) {
    let count = rubric.labels.signatures.len();
    for (i, signer) in rubric.labels.signatures.iter().enumerate() {
        let tabs = "<w:tabs><w:tab w:val=\"left\" w:leader=\"underscore\" w:pos=\"6000\"/>\
             <w:tab w:val=\"left\" w:pos=\"7300\"/></w:tabs>";
        let runs = [
            run(&format!("{signer}："), Font::Body, 21, false),
            TAB_RUN.to_owned(),
            run("　日期：", Font::Body, 21, false),
            TAB_RUN.to_owned(),
            run("　　　年　　月　　日", Font::Body, 21, false),
        ]
        .concat();
        let keep = if i + 1 < count { "<w:keepNext/>" } else { "" };
        body.push_str(&paragraph(
            &format!("<w:pPr>{keep}{tabs}<w:spacing w:before=\"400\" w:after=\"0\"/></w:pPr>"),
            &runs,
        ));
    }
}

/// The rubric's own notes (说明), verbatim and numbered.
fn notes_section(body: &mut String, rubric: &Rubric) {
    if !rubric.notes.is_empty() {
        body.push_str(&heading("备注"));
    }
    // The notes and our 编者注 under them travel as one block: a 编者注 alone
    // on the last page read as an afterthought to nothing.
    let with_note = band_note(rubric).is_some();
    for (i, note) in rubric.notes.iter().enumerate() {
        let keep = with_note || i + 1 < rubric.notes.len();
        let props = ppr().spacing(0, 40).hanging(420).jc("both");
        body.push_str(&paragraph(
            &if keep { props.keep_next() } else { props }.build(),
            &run(&format!("{}．{note}", i + 1), Font::Body, 19, false),
        ));
    }
    // Our reading of the bands, as a note at the foot of the form.
    if let Some(note) = band_note(rubric) {
        body.push_str(&paragraph(
            &ppr().spacing(120, 0).jc("both").build(),
            &run(&note, Font::Body, 18, false),
        ));
    }
}
