//! Blocks → the A4 HTML document, byte for byte as `standaloneHtml` in
//! static/js/outcome-doc.js.

use super::blocks::{Block, Kind};
use crate::escape::html as escape;

/// The document stylesheet, shared with the site (the page links it).
pub const CSS: &str = include_str!("../../themes/default/static/css/outcome-doc.css");

fn paragraphs(cell: &[String]) -> String {
    cell.iter()
        .map(|p| format!("<p>{}</p>", escape(p)))
        .collect()
}

fn block(b: &Block) -> String {
    match b {
        Block::Title(t) => format!("<h1>{}</h1>", escape(t)),
        Block::Center(t) => format!("<p class=\"doc-center\">{}</p>", escape(t)),
        Block::Addressee(t) => format!("<p class=\"doc-addressee\">{}</p>", escape(t)),
        Block::Heading(t) => format!("<h2>{}</h2>", escape(t)),
        Block::Para(t) => format!("<p>{}</p>", escape(t)),
        Block::Note(t) => format!("<p class=\"doc-note\">{}</p>", escape(t)),
        Block::Quote { paras, cite } => {
            let quoted: String = paras
                .iter()
                .map(|q| format!("<p>“{}”</p>", escape(q)))
                .collect();
            format!(
                "<blockquote>{quoted}<p class=\"doc-cite\">{}</p></blockquote>",
                escape(cite)
            )
        }
        Block::Fields(rows) => {
            let rows: Vec<String> = rows
                .iter()
                .map(|(k, v)| {
                    format!(
                        "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                        escape(k),
                        escape(v)
                    )
                })
                .collect();
            format!(
                "<table class=\"doc-kv\">\n<tbody>\n{}\n</tbody></table>",
                rows.join("\n")
            )
        }
        Block::Table { class, head, rows } => {
            let mut lines = vec![format!("<table class=\"{class}\">")];
            lines.push(format!(
                "<colgroup>{}</colgroup>",
                "<col>".repeat(head.len())
            ));
            let heads: String = head
                .iter()
                .map(|h| format!("<th scope=\"col\">{}</th>", escape(h)))
                .collect();
            lines.push(format!("<thead><tr>{heads}</tr></thead>"));
            lines.push("<tbody>".into());
            for row in rows {
                let cells: String = row
                    .iter()
                    .map(|cell| format!("<td>{}</td>", paragraphs(cell)))
                    .collect();
                lines.push(format!("<tr>{cells}</tr>"));
            }
            lines.push("</tbody></table>".into());
            lines.join("\n")
        }
        Block::Figure { src, text } => format!(
            "<figure><img src=\"{}\" alt=\"\"><figcaption>{}</figcaption></figure>",
            escape(src),
            escape(text)
        ),
        Block::Sign { lines, seal, date } => {
            let signers: String = lines
                .iter()
                .map(|l| format!("<p>{}</p>", escape(l)))
                .collect();
            format!(
                "<div class=\"doc-sign\">{signers}<p class=\"doc-seal\">{}</p><p class=\"doc-date\">{}</p></div>",
                escape(seal),
                escape(date)
            )
        }
    }
}

/// The `<article>` the page shows and prints.
pub fn article(kind: Kind, blocks: &[Block]) -> String {
    let body: Vec<String> = blocks.iter().map(block).collect();
    format!(
        "<article class=\"dudao-doc\" data-doc=\"{}\">\n{}\n</article>\n",
        kind.id(),
        body.join("\n")
    )
}

/// A standalone HTML file with the stylesheet inside.
pub fn standalone(kind: Kind, institution: &str, blocks: &[Block]) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{} · {}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n{}</body>\n</html>\n",
        escape(kind.title()),
        escape(institution),
        article(kind, blocks)
    )
}
