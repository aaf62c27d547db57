//! WordprocessingML building blocks: runs, paragraphs, tables, rows and
//! cells as XML strings, each with its properties in ECMA-376 schema order
//! (Word refuses a file whose elements are out of sequence).

use std::fmt::Write as _;

pub(super) use crate::escape::xml as escape;

/// Body text 宋体, headings 微软雅黑: what Chinese office PCs have.
pub(super) const BODY_FONT: &str = "宋体";
pub(super) const HEADING_FONT: &str = "微软雅黑";
pub(super) const LATIN_FONT: &str = "Times New Roman";

pub(super) const TAB_RUN: &str = "<w:r><w:tab/></w:r>";

pub(super) fn heading(text: &str) -> String {
    paragraph(
        "<w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr>",
        &run(text, Font::Heading, 24, true),
    )
}

/// Centred text; a `\n` becomes a line break, as in the HTML checklist's
/// 基本<br>符合 heading.
pub(super) fn centered(text: &str, bold: bool) -> String {
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
pub(super) enum Font {
    Body,
    Heading,
}

/// One run of text; `half_points` is Word's unit for font size.
pub(super) fn run(text: &str, font: Font, half_points: u32, bold: bool) -> String {
    if text.is_empty() {
        return String::new();
    }
    let east_asia = match font {
        Font::Body => BODY_FONT,
        Font::Heading => HEADING_FONT,
    };
    // Curly quotes are shared by Latin and CJK fonts; after an ASCII comma
    // LibreOffice and Word set them in the Latin face, narrow and low. In
    // runs of their own with every slot on the Chinese font they stay
    // full-width (满分,“基本符合” as the notice prints it).
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let split = rest
            .char_indices()
            .find(|&(i, c)| i > 0 && is_quote(c) != is_quote(rest.chars().next().unwrap_or(c)))
            .map_or(rest.len(), |(i, _)| i);
        let (piece, tail) = rest.split_at(split);
        let latin = if piece.starts_with(is_quote) {
            east_asia
        } else {
            LATIN_FONT
        };
        out.push_str(&one_run(piece, latin, east_asia, half_points, bold));
        rest = tail;
    }
    out
}

fn is_quote(c: char) -> bool {
    matches!(c, '“' | '”' | '‘' | '’')
}

/// rPr children in schema order: rFonts, b, bCs, sz, szCs, lang. The
/// explicit zh-CN East Asian language makes a substituting application
/// (LibreOffice on Linux) look for a Chinese face for 宋体.
fn one_run(text: &str, latin: &str, east_asia: &str, half_points: u32, bold: bool) -> String {
    let bold = if bold { "<w:b/><w:bCs/>" } else { "" };
    format!(
        "<w:r><w:rPr><w:rFonts w:ascii=\"{latin}\" w:hAnsi=\"{latin}\" \
         w:eastAsia=\"{east_asia}\" w:cs=\"{latin}\" w:hint=\"eastAsia\"/>{bold}\
         <w:sz w:val=\"{half_points}\"/><w:szCs w:val=\"{half_points}\"/>\
         <w:lang w:val=\"zh-CN\" w:eastAsia=\"zh-CN\"/></w:rPr>\
         <w:t xml:space=\"preserve\">{}</w:t></w:r>",
        escape(text)
    )
}

/// Marks every paragraph of a table row `keepNext`, which keeps the row on
/// the page of the row after it (Word and LibreOffice both honour it).
pub(super) fn keep_with_next(row_xml: &str) -> String {
    row_xml
        .replace("<w:p><w:pPr><w:keepNext/>", "<w:p><w:pPr>")
        .replace("<w:p><w:pPr>", "<w:p><w:pPr><w:keepNext/>")
        .replace("<w:p><w:r>", "<w:p><w:pPr><w:keepNext/></w:pPr><w:r>")
        .replace("<w:p></w:p>", "<w:p><w:pPr><w:keepNext/></w:pPr></w:p>")
}

pub(super) fn paragraph(ppr: &str, runs: &str) -> String {
    format!("<w:p>{ppr}{runs}</w:p>")
}

/// Paragraph properties in schema order (keepNext, spacing, ind, jc).
#[derive(Default)]
pub(super) struct PPr {
    pub(super) keep_next: bool,
    spacing: Option<(u32, u32)>,
    pub(super) hanging: Option<u32>,
    pub(super) jc: Option<&'static str>,
}

pub(super) fn ppr() -> PPr {
    PPr::default()
}

impl PPr {
    pub(super) fn keep_next(mut self) -> Self {
        self.keep_next = true;
        self
    }
    pub(super) fn spacing(mut self, before: u32, after: u32) -> Self {
        self.spacing = Some((before, after));
        self
    }
    pub(super) fn hanging(mut self, twips: u32) -> Self {
        self.hanging = Some(twips);
        self
    }
    pub(super) fn jc(mut self, jc: &'static str) -> Self {
        self.jc = Some(jc);
        self
    }
    pub(super) fn build(self) -> String {
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

pub(super) fn table(grid: &[u32], bordered: bool, rows: &str) -> String {
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
    // The empty paragraph after the table keeps the table's last row's
    // promise: without it a chain of keep-with-next (the 不合格项 table, the
    // result, the signatures) broke right there, and LibreOffice printed
    // the signatures on a page of their own.
    let kept = rows
        .rsplit("<w:p>")
        .next()
        .is_some_and(|last| last.starts_with("<w:pPr><w:keepNext/>"));
    let keep = if kept { "<w:keepNext/>" } else { "" };
    format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"{width}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/>{borders}\
         <w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:top w:w=\"30\" w:type=\"dxa\"/>\
         <w:left w:w=\"80\" w:type=\"dxa\"/><w:bottom w:w=\"30\" w:type=\"dxa\"/>\
         <w:right w:w=\"80\" w:type=\"dxa\"/></w:tblCellMar>\
         <w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"1\" \
         w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/>\
         </w:tblPr><w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>\
         <w:p><w:pPr>{keep}<w:spacing w:before=\"0\" w:after=\"0\"/></w:pPr></w:p>"
    )
}

#[derive(Default)]
pub(super) struct TrProps {
    pub(super) repeat_as_header: bool,
    pub(super) min_height: Option<u32>,
}

/// Every row is `cantSplit`: a criterion and its boxes never straddle a page.
pub(super) fn row(props: &TrProps, cells: &str) -> String {
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
pub(super) enum VMerge {
    None,
    Restart,
    Continue,
}

pub(super) struct CellProps {
    pub(super) width: u32,
    pub(super) span: usize,
    pub(super) vmerge: VMerge,
    pub(super) shade: Option<String>,
    pub(super) bottom_rule: bool,
}

impl CellProps {
    pub(super) fn new(width: u32) -> Self {
        CellProps {
            width,
            span: 1,
            vmerge: VMerge::None,
            shade: None,
            bottom_rule: false,
        }
    }
    pub(super) fn span(mut self, span: usize) -> Self {
        self.span = span;
        self
    }
    pub(super) fn vmerge(mut self, vmerge: VMerge) -> Self {
        self.vmerge = vmerge;
        self
    }
    pub(super) fn shade(mut self, fill: &str) -> Self {
        self.shade = Some(fill.to_owned());
        self
    }
    pub(super) fn bottom_rule(mut self) -> Self {
        self.bottom_rule = true;
        self
    }
}

/// A table cell; tcPr children in schema order (tcW, gridSpan, vMerge,
/// tcBorders, shd, vAlign).
pub(super) fn cell(props: CellProps, content: &str) -> String {
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
