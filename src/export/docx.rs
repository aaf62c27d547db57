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

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::{ExportError, SIGNERS, band_rule};
use crate::model::{Kind, Points, Rubric};

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

/// Body text 宋体, headings 微软雅黑: what Chinese office PCs have.
const BODY_FONT: &str = "宋体";
const HEADING_FONT: &str = "微软雅黑";
const LATIN_FONT: &str = "Times New Roman";

const STAGE_SHADE: &str = "D9D9D9";
const GROUP_SHADE: &str = "F2F2F2";

/// The Word checklist of `rubric`, as the bytes of a .docx file.
pub fn checklist_docx(rubric: &Rubric) -> Result<Vec<u8>, ExportError> {
    let parts: [(&str, String); 9] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_owned()),
        ("_rels/.rels", PACKAGE_RELS.to_owned()),
        ("docProps/core.xml", core_properties(rubric)),
        ("docProps/app.xml", APP_PROPERTIES.to_owned()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_owned()),
        ("word/document.xml", document(rubric)),
        ("word/styles.xml", styles()),
        ("word/settings.xml", SETTINGS.to_owned()),
        ("word/footer1.xml", footer()),
    ];
    let font_table = ("word/fontTable.xml", FONT_TABLE.to_owned());
    zip_parts(parts.iter().chain(std::iter::once(&font_table))).map_err(|e| ExportError {
        rubric: rubric.id.clone(),
        file: "Word",
        message: e.to_string(),
    })
}

fn zip_parts<'a>(
    parts: impl Iterator<Item = &'a (&'a str, String)>,
) -> zip::result::ZipResult<Vec<u8>> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        // Fast deflate, as for the workbooks (see xlsx.rs).
        .compression_level(Some(1))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, xml) in parts {
        zip.start_file(*name, options)?;
        zip.write_all(xml.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

fn document(rubric: &Rubric) -> String {
    let mut body = String::new();
    title_block(&mut body, rubric);
    header_fields(&mut body, rubric);
    body.push_str(&paragraph(
        &ppr().spacing(120, 60).build(),
        &run(
            &format!(
                "评分规则：{}。在对应方框内打“√”，并填写得分。",
                super::scoring_rule(rubric)
            ),
            Font::Body,
            21,
            false,
        ),
    ));
    score_table(&mut body, rubric);
    veto_section(&mut body, rubric);
    result_section(&mut body, rubric);
    signatures(&mut body);
    notes_section(&mut body, rubric);
    format!(
        "{XML_DECL}<w:document {NS_W} {NS_R}><w:body>{body}<w:sectPr>\
         <w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/>\
         <w:pgSz w:w=\"{PAGE_WIDTH}\" w:h=\"{PAGE_HEIGHT}\"/>\
         <w:pgMar w:top=\"1020\" w:right=\"{SIDE_MARGIN}\" w:bottom=\"1020\" w:left=\"{SIDE_MARGIN}\" \
         w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/>\
         <w:cols w:space=\"425\"/><w:docGrid w:type=\"lines\" w:linePitch=\"312\"/>\
         </w:sectPr></w:body></w:document>"
    )
}

fn title_block(body: &mut String, rubric: &Rubric) {
    let title = match &rubric.label {
        Some(label) => format!("{}（{label}）", rubric.title),
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
            .map(|source| format!("依据：{source}")),
        Kind::Derived => Some(match &rubric.based_on {
            Some(base) => format!("dudao 编写的指引，非官方文本（据 {base} 改编）"),
            None => "dudao 编写的指引，非官方文本".to_owned(),
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
                &format!("{title}（{} 分）", stage.points),
                STAGE_SHADE,
            ));
        }
        for group in &stage.groups {
            rows.push_str(&banner_row(
                &format!("{}（{} 分）", group.title, group.points),
                GROUP_SHADE,
            ));
            for scored in &group.rows {
                for (i, criterion) in scored.criteria.iter().enumerate() {
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
                        cell(CellProps::new(COLUMNS[4]), &centered(BOX, false)),
                        cell(CellProps::new(COLUMNS[5]), &centered(BOX, false)),
                        cell(CellProps::new(COLUMNS[6]), &centered(BOX, false)),
                        cell(CellProps::new(COLUMNS[7]), &centered("", false)),
                        cell(CellProps::new(COLUMNS[8]), &centered("", false)),
                    ];
                    rows.push_str(&row(&TrProps::default(), &cells.concat()));
                }
            }
            rows.push_str(&subtotal_row(
                &format!("{} 小计", group.title),
                group.points,
                GROUP_SHADE,
            ));
        }
        if let Some(title) = &stage.title {
            rows.push_str(&subtotal_row(
                &format!("{title} 小计"),
                stage.points,
                STAGE_SHADE,
            ));
        }
    }
    rows.push_str(&subtotal_row("合计", rubric.total, STAGE_SHADE));
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
            &TrProps::default(),
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
                cell(CellProps::new(widths[2]), &centered(BOX, false)),
                cell(CellProps::new(widths[3]), &centered(BOX, false)),
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
    body.push_str(&table(&widths, true, &rows));
}

/// 督导结果: the total to write in, one box per band, and the band rule.
fn result_section(body: &mut String, rubric: &Rubric) {
    body.push_str(&heading("督导结果"));
    let mut line = String::from("总得分：__________ 分　　督导结果：");
    for band in &rubric.bands {
        let _ = write!(line, "{BOX} {}　", band.label);
    }
    body.push_str(&paragraph(
        &ppr().keep_next().spacing(60, 60).build(),
        &run(line.trim_end(), Font::Body, 21, false),
    ));
    body.push_str(&paragraph(
        &ppr().spacing(0, 60).jc("both").build(),
        &run(&band_rule(rubric), Font::Body, 20, false),
    ));
}

fn signatures(body: &mut String) {
    for signer in SIGNERS {
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
        body.push_str(&paragraph(
            &format!(
                "<w:pPr><w:keepNext/>{tabs}<w:spacing w:before=\"400\" w:after=\"0\"/></w:pPr>"
            ),
            &runs,
        ));
    }
}

/// The rubric's own notes (说明), verbatim and numbered.
fn notes_section(body: &mut String, rubric: &Rubric) {
    if rubric.notes.is_empty() {
        return;
    }
    body.push_str(&heading("说明"));
    for (i, note) in rubric.notes.iter().enumerate() {
        body.push_str(&paragraph(
            &ppr().spacing(0, 40).hanging(420).jc("both").build(),
            &run(&format!("{}．{note}", i + 1), Font::Body, 19, false),
        ));
    }
}

const TAB_RUN: &str = "<w:r><w:tab/></w:r>";

fn heading(text: &str) -> String {
    paragraph(
        "<w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr>",
        &run(text, Font::Heading, 24, true),
    )
}

/// Centred text; a `\n` becomes a line break, as in the HTML checklist's
/// 基本<br>符合 heading.
fn centered(text: &str, bold: bool) -> String {
    let runs: Vec<String> = text
        .split('\n')
        .map(|line| run(line, Font::Body, 20, bold))
        .collect();
    paragraph(
        &ppr().jc("center").build(),
        &runs.join("<w:r><w:br/></w:r>"),
    )
}

#[derive(Clone, Copy)]
enum Font {
    Body,
    Heading,
}

/// One run of text; `half_points` is Word's unit for font size.
fn run(text: &str, font: Font, half_points: u32, bold: bool) -> String {
    if text.is_empty() {
        return String::new();
    }
    let east_asia = match font {
        Font::Body => BODY_FONT,
        Font::Heading => HEADING_FONT,
    };
    let bold = if bold { "<w:b/><w:bCs/>" } else { "" };
    format!(
        "<w:r><w:rPr><w:rFonts w:ascii=\"{LATIN_FONT}\" w:hAnsi=\"{LATIN_FONT}\" \
         w:eastAsia=\"{east_asia}\" w:cs=\"{LATIN_FONT}\" w:hint=\"eastAsia\"/>{bold}\
         <w:sz w:val=\"{half_points}\"/><w:szCs w:val=\"{half_points}\"/></w:rPr>\
         <w:t xml:space=\"preserve\">{}</w:t></w:r>",
        escape(text)
    )
}

fn paragraph(ppr: &str, runs: &str) -> String {
    format!("<w:p>{ppr}{runs}</w:p>")
}

/// Paragraph properties in schema order (keepNext, spacing, ind, jc).
#[derive(Default)]
struct PPr {
    keep_next: bool,
    spacing: Option<(u32, u32)>,
    hanging: Option<u32>,
    jc: Option<&'static str>,
}

fn ppr() -> PPr {
    PPr::default()
}

impl PPr {
    fn keep_next(mut self) -> Self {
        self.keep_next = true;
        self
    }
    fn spacing(mut self, before: u32, after: u32) -> Self {
        self.spacing = Some((before, after));
        self
    }
    fn hanging(mut self, twips: u32) -> Self {
        self.hanging = Some(twips);
        self
    }
    fn jc(mut self, jc: &'static str) -> Self {
        self.jc = Some(jc);
        self
    }
    fn build(self) -> String {
        let mut xml = String::from("<w:pPr>");
        if self.keep_next {
            xml.push_str("<w:keepNext/>");
        }
        if let Some((before, after)) = self.spacing {
            let _ = write!(
                xml,
                "<w:spacing w:before=\"{before}\" w:after=\"{after}\"/>"
            );
        }
        if let Some(hanging) = self.hanging {
            let _ = write!(xml, "<w:ind w:left=\"{hanging}\" w:hanging=\"{hanging}\"/>");
        }
        if let Some(jc) = self.jc {
            let _ = write!(xml, "<w:jc w:val=\"{jc}\"/>");
        }
        xml.push_str("</w:pPr>");
        xml
    }
}

fn table(grid: &[u32], bordered: bool, rows: &str) -> String {
    let width: u32 = grid.iter().sum();
    let borders = if bordered {
        "<w:tblBorders><w:top w:val=\"single\" w:sz=\"6\" w:space=\"0\" w:color=\"000000\"/>\
         <w:left w:val=\"single\" w:sz=\"6\" w:space=\"0\" w:color=\"000000\"/>\
         <w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"0\" w:color=\"000000\"/>\
         <w:right w:val=\"single\" w:sz=\"6\" w:space=\"0\" w:color=\"000000\"/>\
         <w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
         <w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/></w:tblBorders>"
    } else {
        "<w:tblBorders><w:top w:val=\"nil\"/><w:left w:val=\"nil\"/><w:bottom w:val=\"nil\"/>\
         <w:right w:val=\"nil\"/><w:insideH w:val=\"nil\"/><w:insideV w:val=\"nil\"/></w:tblBorders>"
    };
    let grid: String = grid
        .iter()
        .map(|w| format!("<w:gridCol w:w=\"{w}\"/>"))
        .collect();
    format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"{width}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/>{borders}\
         <w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:top w:w=\"30\" w:type=\"dxa\"/>\
         <w:left w:w=\"80\" w:type=\"dxa\"/><w:bottom w:w=\"30\" w:type=\"dxa\"/>\
         <w:right w:w=\"80\" w:type=\"dxa\"/></w:tblCellMar>\
         <w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"1\" \
         w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/>\
         </w:tblPr><w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>\
         <w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\"/></w:pPr></w:p>"
    )
}

#[derive(Default)]
struct TrProps {
    repeat_as_header: bool,
    min_height: Option<u32>,
}

/// Every row is `cantSplit`: a criterion and its boxes never straddle a page.
fn row(props: &TrProps, cells: &str) -> String {
    let mut tr = String::from("<w:trPr><w:cantSplit/>");
    if let Some(height) = props.min_height {
        let _ = write!(tr, "<w:trHeight w:val=\"{height}\" w:hRule=\"atLeast\"/>");
    }
    if props.repeat_as_header {
        tr.push_str("<w:tblHeader/>");
    }
    tr.push_str("</w:trPr>");
    format!("<w:tr>{tr}{cells}</w:tr>")
}

#[derive(Clone, Copy, PartialEq)]
enum VMerge {
    None,
    Restart,
    Continue,
}

struct CellProps {
    width: u32,
    span: usize,
    vmerge: VMerge,
    shade: Option<String>,
    bottom_rule: bool,
}

impl CellProps {
    fn new(width: u32) -> Self {
        CellProps {
            width,
            span: 1,
            vmerge: VMerge::None,
            shade: None,
            bottom_rule: false,
        }
    }
    fn span(mut self, span: usize) -> Self {
        self.span = span;
        self
    }
    fn vmerge(mut self, vmerge: VMerge) -> Self {
        self.vmerge = vmerge;
        self
    }
    fn shade(mut self, fill: &str) -> Self {
        self.shade = Some(fill.to_owned());
        self
    }
    fn bottom_rule(mut self) -> Self {
        self.bottom_rule = true;
        self
    }
}

/// A table cell; tcPr children in schema order (tcW, gridSpan, vMerge,
/// tcBorders, shd, vAlign).
fn cell(props: CellProps, content: &str) -> String {
    let mut tc = format!("<w:tcPr><w:tcW w:w=\"{}\" w:type=\"dxa\"/>", props.width);
    if props.span > 1 {
        let _ = write!(tc, "<w:gridSpan w:val=\"{}\"/>", props.span);
    }
    match props.vmerge {
        VMerge::None => {}
        VMerge::Restart => tc.push_str("<w:vMerge w:val=\"restart\"/>"),
        VMerge::Continue => tc.push_str("<w:vMerge/>"),
    }
    if props.bottom_rule {
        tc.push_str(
            "<w:tcBorders><w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"0\" w:color=\"000000\"/></w:tcBorders>",
        );
    }
    if let Some(fill) = &props.shade {
        let _ = write!(
            tc,
            "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"{fill}\"/>"
        );
    }
    tc.push_str("<w:vAlign w:val=\"center\"/></w:tcPr>");
    format!("<w:tc>{tc}{content}</w:tc>")
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // XML 1.0 forbids most control characters; the model never has
            // them, but a stray one must not make Word refuse the file.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn core_properties(rubric: &Rubric) -> String {
    let title = match &rubric.label {
        Some(label) => format!("{}（{label}）", rubric.title),
        None => rubric.title.clone(),
    };
    format!(
        "{XML_DECL}<cp:coreProperties \
         xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:title>{}</dc:title><dc:subject>督导检查表</dc:subject><dc:creator>dudao</dc:creator>\
         <dc:description>{}</dc:description></cp:coreProperties>",
        escape(&title),
        escape(&format!("由 dudao 根据评分表 {} 生成", rubric.id))
    )
}

fn footer() -> String {
    let text = |t: &str| run(t, Font::Body, 18, false);
    let field = |instr: &str| {
        format!(
            "<w:fldSimple w:instr=\" {instr} \"><w:r><w:rPr><w:sz w:val=\"18\"/></w:rPr><w:t>1</w:t></w:r></w:fldSimple>"
        )
    };
    format!(
        "{XML_DECL}<w:ftr {NS_W} {NS_R}><w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr>{}{}{}{}{}</w:p></w:ftr>",
        text("第 "),
        field("PAGE"),
        text(" 页 共 "),
        field("NUMPAGES"),
        text(" 页")
    )
}

fn styles() -> String {
    let fonts = |east_asia: &str| {
        format!(
            "<w:rFonts w:ascii=\"{LATIN_FONT}\" w:eastAsia=\"{east_asia}\" w:hAnsi=\"{LATIN_FONT}\" w:cs=\"{LATIN_FONT}\"/>"
        )
    };
    format!(
        "{XML_DECL}<w:styles {NS_W}>\
         <w:docDefaults><w:rPrDefault><w:rPr>{body}<w:kern w:val=\"2\"/><w:sz w:val=\"21\"/>\
         <w:szCs w:val=\"21\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/></w:rPr>\
         </w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"276\" \
         w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>\
         <w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/>\
         <w:qFormat/><w:pPr><w:widowControl w:val=\"0\"/><w:jc w:val=\"left\"/></w:pPr></w:style>\
         <w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/>\
         <w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/>\
         <w:spacing w:before=\"120\" w:after=\"120\"/><w:jc w:val=\"center\"/><w:outlineLvl w:val=\"0\"/></w:pPr>\
         <w:rPr>{heading}<w:b/><w:bCs/><w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/></w:rPr></w:style>\
         <w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/>\
         <w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/>\
         <w:spacing w:before=\"240\" w:after=\"80\"/><w:outlineLvl w:val=\"1\"/></w:pPr>\
         <w:rPr>{heading}<w:b/><w:bCs/><w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/></w:rPr></w:style>\
         <w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>\
         <w:uiPriority w:val=\"99\"/><w:semiHidden/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/>\
         <w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/>\
         <w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>\
         </w:styles>",
        body = fonts(BODY_FONT),
        heading = fonts(HEADING_FONT),
    )
}

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const NS_W: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";
const NS_R: &str =
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/word/fontTable.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml\"/>\
<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\
</Types>";

const PACKAGE_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>\
</Relationships>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rIdSettings\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>\
<Relationship Id=\"rIdFonts\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable\" Target=\"fontTable.xml\"/>\
<Relationship Id=\"rIdFooter\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>\
</Relationships>";

const APP_PROPERTIES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">\
<Application>dudao</Application></Properties>";

/// compatibilityMode 15 keeps Word out of "compatibility mode"; compressed
/// punctuation is what Chinese documents expect.
const SETTINGS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:defaultTabStop w:val=\"420\"/><w:characterSpacingControl w:val=\"compressPunctuation\"/>\
<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>\
</w:settings>";

/// Alternate names let Word and WPS on a non-Chinese system find the fonts.
const FONT_TABLE: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:fonts xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:font w:name=\"宋体\"><w:altName w:val=\"SimSun\"/><w:panose1 w:val=\"02010600030101010101\"/>\
<w:charset w:val=\"86\"/><w:family w:val=\"auto\"/><w:pitch w:val=\"variable\"/></w:font>\
<w:font w:name=\"微软雅黑\"><w:altName w:val=\"Microsoft YaHei\"/><w:panose1 w:val=\"020B0503020204020204\"/>\
<w:charset w:val=\"86\"/><w:family w:val=\"swiss\"/><w:pitch w:val=\"variable\"/></w:font>\
<w:font w:name=\"Times New Roman\"><w:panose1 w:val=\"02020603050405020304\"/><w:charset w:val=\"00\"/>\
<w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font>\
</w:fonts>";
