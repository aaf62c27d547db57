//! Escaping text for the markup dudao writes by hand: the HTML of the
//! 督导意见书 / 整改通知书 and of the summary page, and the WordprocessingML
//! of every .docx. Each writer has a browser twin whose bytes it must match
//! (`esc` in outcome-doc.js and summary.js), hence the two HTML flavours.
//! A bottom layer: used by `export`, `report` and `summary`, imports nothing
//! of ours.

/// `&`, `<`, `>` and `"` as entities: text, and attributes in double quotes.
pub fn html(text: &str) -> String {
    escape(text, false, false)
}

/// As [`html`], and `'` as `&#39;` (the summary page's `esc`).
pub fn html_with_apostrophes(text: &str) -> String {
    escape(text, true, false)
}

/// XML 1.0 text: as [`html`], without the control characters XML forbids
/// (all below U+0020 but tab, line feed and carriage return). The model
/// never has them, but a stray one in a note must not make Word refuse the
/// file.
pub fn xml(text: &str) -> String {
    escape(text, false, true)
}

fn escape(text: &str, apostrophes: bool, xml: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' if apostrophes => out.push_str("&#39;"),
            c if xml && c < '\u{20}' && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_flavour_escapes_what_its_twin_escapes() {
        let text = "<a href=\"x\">Tom's & 李四</a>\u{1}\t\n";
        assert_eq!(
            html(text),
            "&lt;a href=&quot;x&quot;&gt;Tom's &amp; 李四&lt;/a&gt;\u{1}\t\n"
        );
        assert_eq!(
            html_with_apostrophes(text),
            "&lt;a href=&quot;x&quot;&gt;Tom&#39;s &amp; 李四&lt;/a&gt;\u{1}\t\n"
        );
        assert_eq!(
            xml(text),
            "&lt;a href=&quot;x&quot;&gt;Tom's &amp; 李四&lt;/a&gt;\t\n"
        );
    }
}
