//! Blocks → the .docx: WordprocessingML written by hand, part for part the
//! same text as `docxParts` in static/js/outcome-doc.js, zipped like the
//! Word checklist (fixed timestamps: same input, same bytes).

use std::io::{Cursor, Write as _};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::blocks::Block;
use super::picture::{self, Picture};
use crate::escape::xml as xml_text;

const W_NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";
/// The DrawingML namespaces of an inline picture, on the document's root.
const DRAWING_NS: &str = "xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"";
const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const LATIN: &str = "Times New Roman";

/// Column widths in twentieths of a point; each table fills the 16 cm text width.
fn widths(class: &str) -> &'static [u32] {
    match class {
        "doc-kv" => &[2540, 6530],
        "doc-lost" => &[726, 3628, 1088, 726, 2902],
        "doc-items" => &[726, 2902, 3265, 1089, 1088],
        _ => &[726, 2721, 3265, 1089, 1269],
    }
}

fn runs(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            format!(
                "<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>",
                xml_text(line)
            )
        })
        .collect::<Vec<_>>()
        .join("<w:r><w:br/></w:r>")
}

fn para(style: &str, text: &str) -> String {
    para_with(style, "", text)
}

/// A paragraph with properties beyond its style (`extra`, e.g. `<w:keepNext/>`).
fn para_with(style: &str, extra: &str, text: &str) -> String {
    let body = if text.is_empty() {
        String::new()
    } else {
        runs(text)
    };
    format!("<w:p><w:pPr><w:pStyle w:val=\"{style}\"/>{extra}</w:pPr>{body}</w:p>")
}

fn cell(width: u32, paragraphs: &[String], header: bool) -> String {
    let shade = if header {
        "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"F2F2F2\"/>"
    } else {
        ""
    };
    let style = if header { "DocCellHead" } else { "DocCell" };
    let body = if paragraphs.is_empty() {
        para("DocCell", "")
    } else {
        paragraphs.iter().map(|p| para(style, p)).collect()
    };
    format!("<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>{shade}</w:tcPr>{body}</w:tc>")
}

fn table(class: &str, head: Option<&[&str]>, rows: &[Vec<Vec<String>>]) -> String {
    let widths = widths(class);
    let borders: String = ["top", "left", "bottom", "right", "insideH", "insideV"]
        .iter()
        .map(|side| {
            format!("<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>")
        })
        .collect();
    let grid: String = widths
        .iter()
        .map(|w| format!("<w:gridCol w:w=\"{w}\"/>"))
        .collect();
    let mut out = format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"9070\" w:type=\"dxa\"/><w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"80\" w:type=\"dxa\"/><w:right w:w=\"80\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
    );
    if let Some(head) = head {
        out.push_str("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
        for (i, h) in head.iter().enumerate() {
            out.push_str(&cell(widths[i], &[(*h).to_owned()], true));
        }
        out.push_str("</w:tr>");
    }
    let tr_pr = if class == "doc-receipt" {
        "<w:trPr><w:trHeight w:val=\"1100\" w:hRule=\"atLeast\"/></w:trPr>"
    } else {
        ""
    };
    for row in rows {
        out.push_str("<w:tr>");
        out.push_str(tr_pr);
        for (i, c) in row.iter().enumerate() {
            out.push_str(&cell(widths[i], c, false));
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    out
}

/// An inline picture, `n`th of the document, in a centred paragraph kept
/// with its caption; its bytes are `media/image<n>.<ext>`, related as
/// `rIdImage<n>`.
fn picture_para(n: usize, p: &Picture) -> String {
    let (cx, cy) = (p.cx, p.cy);
    format!(
        "<w:p><w:pPr><w:pStyle w:val=\"DocFigure\"/></w:pPr><w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\"><wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:docPr id=\"{n}\" name=\"照片 {n}\"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect=\"1\"/></wp:cNvGraphicFramePr><a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:pic><pic:nvPicPr><pic:cNvPr id=\"{n}\" name=\"image{n}.{ext}\"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed=\"rIdImage{n}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>",
        ext = p.ext
    )
}

/// The pictures of the documents' figures, in order; a figure whose photo
/// cannot be read has its caption only.
fn pictures(blocks: &[Block]) -> Vec<Option<Picture>> {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Figure { src, .. } => Some(picture::from_data_uri(src)),
            _ => None,
        })
        .collect()
}

fn block(b: &Block) -> String {
    match b {
        Block::Title(t) => para("DocTitle", t),
        Block::Center(t) => para("DocCenter", t),
        Block::Addressee(t) => para("DocPlain", t),
        Block::Heading(t) => para("DocHeading", t),
        Block::Para(t) => para("DocBody", t),
        Block::Note(t) => para("DocNote", t),
        Block::Quote { paras, cite } => {
            let quoted: String = paras
                .iter()
                .map(|q| para("DocQuote", &format!("“{q}”")))
                .collect();
            quoted + &para("DocCite", cite)
        }
        Block::Fields(rows) => {
            let rows: Vec<Vec<Vec<String>>> = rows
                .iter()
                .map(|(k, v)| vec![vec![k.clone()], vec![v.clone()]])
                .collect();
            table("doc-kv", None, &rows) + &para("DocPlain", "")
        }
        Block::Table { class, head, rows } => {
            table(class, Some(head.as_slice()), rows) + &para("DocPlain", "")
        }
        // Pictures are numbered across the document: see `document`.
        Block::Figure { text, .. } => para("DocCenter", text),
        Block::Sign { lines, seal, date } => {
            let signers: String = lines.iter().map(|l| para("DocSign", l)).collect();
            signers + &para("DocSeal", seal) + &para("DocDate", date)
        }
    }
}

fn document(blocks: &[Block], pictures: &[Option<Picture>]) -> String {
    // The paragraph before the signatures keeps them company: signatures,
    // seal, date and closing note never start a page alone (`documentXml`
    // in outcome-doc.js).
    let mut figures = pictures.iter();
    let mut embedded = 0;
    let body: String = blocks
        .iter()
        .enumerate()
        .map(|(i, b)| match (b, blocks.get(i + 1)) {
            (Block::Para(t), Some(Block::Sign { .. })) => para_with("DocBody", "<w:keepNext/>", t),
            (Block::Note(t), Some(Block::Sign { .. })) => para_with("DocNote", "<w:keepNext/>", t),
            (Block::Figure { text, .. }, _) => match figures.next() {
                Some(Some(p)) => {
                    embedded += 1;
                    picture_para(embedded, p) + &para("DocCenter", text)
                }
                _ => para("DocCenter", text),
            },
            _ => block(b),
        })
        .collect();
    format!(
        "{XML_HEAD}<w:document {W_NS} {DRAWING_NS}><w:body>{body}<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rId3\"/><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1418\" w:right=\"1418\" w:bottom=\"1247\" w:left=\"1418\" w:header=\"851\" w:footer=\"851\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    )
}

fn fonts(east_asia: &str) -> String {
    format!(
        "<w:rFonts w:ascii=\"{LATIN}\" w:hAnsi=\"{LATIN}\" w:eastAsia=\"{east_asia}\" w:cs=\"{LATIN}\"/>"
    )
}

fn size(half: u32) -> String {
    format!("<w:sz w:val=\"{half}\"/><w:szCs w:val=\"{half}\"/>")
}

fn style(id: &str, name: &str, ppr: &str, rpr: &str) -> String {
    format!(
        "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"
    )
}

/// Body 仿宋, title 宋体, headings 黑体, quotes 楷体: a Chinese official form.
fn styles() -> String {
    let (body, title, heading, quote) = ("仿宋", "宋体", "黑体", "楷体");
    let mut out = format!(
        "{XML_HEAD}<w:styles {W_NS}><w:docDefaults><w:rPrDefault><w:rPr>{}{}<w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"360\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>",
        fonts(body),
        size(28)
    );
    let cell_line = "<w:spacing w:line=\"280\" w:lineRule=\"auto\"/>";
    let all = [
        style(
            "DocTitle",
            "dudao 标题",
            "<w:keepNext/><w:spacing w:before=\"120\" w:after=\"240\"/><w:jc w:val=\"center\"/>",
            &format!("{}<w:b/>{}", fonts(title), size(40)),
        ),
        style(
            "DocCenter",
            "dudao 居中",
            "<w:spacing w:after=\"120\"/><w:jc w:val=\"center\"/>",
            "",
        ),
        style(
            "DocFigure",
            "dudao 照片",
            "<w:keepNext/><w:spacing w:before=\"120\" w:after=\"60\" w:line=\"240\" w:lineRule=\"auto\"/><w:jc w:val=\"center\"/>",
            "",
        ),
        style("DocPlain", "dudao 顶格", "", ""),
        style(
            "DocHeading",
            "dudao 节标题",
            "<w:keepNext/><w:spacing w:before=\"240\" w:after=\"60\"/><w:outlineLvl w:val=\"0\"/>",
            &format!("{}<w:b/>", fonts(heading)),
        ),
        style(
            "DocBody",
            "dudao 正文",
            "<w:ind w:firstLineChars=\"200\" w:firstLine=\"560\"/><w:jc w:val=\"both\"/>",
            "",
        ),
        style(
            "DocNote",
            "dudao 说明",
            "<w:spacing w:before=\"120\"/>",
            &size(21),
        ),
        style(
            "DocQuote",
            "dudao 引文",
            "<w:keepNext/><w:ind w:left=\"560\"/><w:jc w:val=\"both\"/>",
            &fonts(quote),
        ),
        style(
            "DocCite",
            "dudao 出处",
            "<w:spacing w:after=\"120\"/><w:jc w:val=\"right\"/>",
            &(fonts(quote) + &size(21)),
        ),
        style("DocCell", "dudao 表格", cell_line, &size(21)),
        style(
            "DocCellHead",
            "dudao 表头",
            &format!("<w:keepNext/>{cell_line}<w:jc w:val=\"center\"/>"),
            &format!("<w:b/>{}", size(21)),
        ),
        style(
            "DocSign",
            "dudao 签字",
            "<w:keepNext/><w:keepLines/><w:spacing w:before=\"240\" w:after=\"120\"/>",
            "",
        ),
        style(
            "DocSeal",
            "dudao 盖章",
            "<w:keepNext/><w:spacing w:before=\"720\" w:after=\"120\"/><w:ind w:right=\"840\"/><w:jc w:val=\"right\"/>",
            "",
        ),
        style(
            "DocDate",
            "dudao 日期",
            // Kept with the closing note, which must not sit alone on a page.
            "<w:keepNext/><w:ind w:right=\"840\"/><w:jc w:val=\"right\"/>",
            "",
        ),
        style(
            "DocFooter",
            "dudao 页脚",
            "<w:jc w:val=\"center\"/>",
            &size(18),
        ),
    ];
    out.push_str(&all.concat());
    out.push_str("</w:styles>");
    out
}

const CONTENT_TYPES: &str = "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/><Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/><Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/><Override PartName=\"/word/fontTable.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml\"/><Override PartName=\"/word/theme/theme1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.theme+xml\"/></Types>";
const PACKAGE_RELS: &str = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
const DOCUMENT_RELS: &str = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/><Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable\" Target=\"fontTable.xml\"/><Relationship Id=\"rId5\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme\" Target=\"theme/theme1.xml\"/></Relationships>";

/// The faces the styles name, with the names Word and WPS know them by on a
/// system that is not Chinese (ECMA-376 expects a font table and a theme;
/// `openxml-audit` reports their absence).
fn font_table() -> String {
    let font = |name: &str, alt: &str, panose: &str, charset: &str, family: &str| {
        let alt = if alt.is_empty() {
            String::new()
        } else {
            format!("<w:altName w:val=\"{alt}\"/>")
        };
        format!(
            "<w:font w:name=\"{name}\">{alt}<w:panose1 w:val=\"{panose}\"/><w:charset w:val=\"{charset}\"/><w:family w:val=\"{family}\"/><w:pitch w:val=\"variable\"/></w:font>"
        )
    };
    let fonts = [
        font("仿宋", "FangSong", "02010609060101010101", "86", "modern"),
        font("宋体", "SimSun", "02010600030101010101", "86", "auto"),
        font("黑体", "SimHei", "02010609060101010101", "86", "modern"),
        font("楷体", "KaiTi", "02010609060101010101", "86", "modern"),
        font(LATIN, "", "02020603050405020304", "00", "roman"),
    ];
    format!("{XML_HEAD}<w:fonts {W_NS}>{}</w:fonts>", fonts.concat())
}

fn settings() -> String {
    format!(
        "{XML_HEAD}<w:settings {W_NS}><w:defaultTabStop w:val=\"420\"/><w:characterSpacingControl w:val=\"compressPunctuation\"/></w:settings>"
    )
}

fn footer() -> String {
    format!(
        "{XML_HEAD}<w:ftr {W_NS}><w:p><w:pPr><w:pStyle w:val=\"DocFooter\"/></w:pPr><w:r><w:t xml:space=\"preserve\">第 </w:t></w:r><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r><w:r><w:t xml:space=\"preserve\"> 页</w:t></w:r></w:p></w:ftr>"
    )
}

/// `[Content_Types].xml`: a Default for each kind of picture there is.
fn content_types(pictures: &[&Picture]) -> String {
    let mut defaults = String::new();
    for (ext, mime) in [("jpeg", "image/jpeg"), ("png", "image/png")] {
        if pictures.iter().any(|p| p.ext == ext) {
            defaults.push_str(&format!(
                "<Default Extension=\"{ext}\" ContentType=\"{mime}\"/>"
            ));
        }
    }
    let xml_default = "<Default Extension=\"xml\" ContentType=\"application/xml\"/>";
    format!(
        "{XML_HEAD}{}",
        CONTENT_TYPES.replacen(xml_default, &format!("{xml_default}{defaults}"), 1)
    )
}

fn document_rels(pictures: &[&Picture]) -> String {
    let images: String = pictures
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let n = i + 1;
            format!(
                "<Relationship Id=\"rIdImage{n}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" Target=\"media/image{n}.{}\"/>",
                p.ext
            )
        })
        .collect();
    format!(
        "{XML_HEAD}{}",
        DOCUMENT_RELS.replacen("</Relationships>", &format!("{images}</Relationships>"), 1)
    )
}

/// Every part of the .docx in zip order, as (name, bytes): the XML parts,
/// then the pictures as `word/media/image<n>.<ext>`.
pub fn parts(blocks: &[Block]) -> Vec<(String, Vec<u8>)> {
    let pictures = pictures(blocks);
    let embedded: Vec<&Picture> = pictures.iter().flatten().collect();
    let mut out: Vec<(String, Vec<u8>)> = [
        ("[Content_Types].xml", content_types(&embedded)),
        ("_rels/.rels", format!("{XML_HEAD}{PACKAGE_RELS}")),
        ("word/_rels/document.xml.rels", document_rels(&embedded)),
        ("word/document.xml", document(blocks, &pictures)),
        ("word/styles.xml", styles()),
        ("word/settings.xml", settings()),
        ("word/footer1.xml", footer()),
        ("word/fontTable.xml", font_table()),
        ("word/theme/theme1.xml", crate::export::THEME.to_owned()),
    ]
    .into_iter()
    .map(|(name, xml)| (name.to_owned(), xml.into_bytes()))
    .collect();
    for (i, p) in embedded.iter().enumerate() {
        out.push((
            format!("word/media/image{}.{}", i + 1, p.ext),
            p.bytes.clone(),
        ));
    }
    out
}

/// The .docx bytes.
pub fn docx(parts: &[(String, Vec<u8>)]) -> zip::result::ZipResult<Vec<u8>> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        zip.start_file(name.as_str(), options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}
