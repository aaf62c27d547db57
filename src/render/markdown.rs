//! Markdown → sanitised HTML.
//!
//! Content is trusted no more than rubric YAML: raw HTML in it goes through
//! ammonia, so a `<script>` or `onerror=` in a content file arrives inert.

use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, Parser};

/// A footnote marker as it appears in the official text (e.g. `①`) and the
/// anchor of the footnote on the page that shows it.
#[derive(Debug, Clone)]
pub struct FootnoteMarker {
    pub marker: String,
    pub number: u32,
}

/// The anchor id of footnote `number` on any page that lists it.
pub fn footnote_anchor(number: u32) -> String {
    format!("fn-{number}")
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    // Internal anchors only need href; rel="noopener" would be noise on them.
    builder
        .link_rel(None)
        .add_tag_attributes("a", ["class"])
        .url_schemes(["http", "https", "mailto"].into())
        // Links may lead off-site; nothing that loads may (validation warns
        // where such a resource was in the source).
        .attribute_filter(|_element, attribute, value| {
            let loads = matches!(
                attribute,
                "src" | "srcset" | "poster" | "background" | "data"
            );
            if loads && value.split(',').any(crate::validate::markdown::is_remote) {
                None
            } else {
                Some(value.into())
            }
        });
    builder
});

/// Renders `source` to HTML that is safe to insert unescaped. Each footnote
/// marker becomes a link to the footnote's anchor on the same page.
///
/// Text nested deeper than validation allows (only reachable from a theme
/// that renders other fields as Markdown) is shown escaped, not parsed: the
/// sanitiser is quadratic in nesting depth.
pub fn to_html(source: &str, footnotes: &[FootnoteMarker]) -> String {
    if !crate::validate::markdown::within_nesting_bound(source) {
        let escaped = source
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        return format!("<p>{escaped}</p>\n");
    }
    let parser = Parser::new_ext(source, crate::validate::markdown::options());
    let events = parser.flat_map(|event| match event {
        Event::Text(text) if footnotes.iter().any(|f| text.contains(f.marker.as_str())) => {
            link_markers(&text, footnotes)
        }
        other => vec![other],
    });
    let mut html = String::with_capacity(source.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events);
    SANITIZER.clean(&html).to_string()
}

fn link_markers<'a>(text: &str, footnotes: &[FootnoteMarker]) -> Vec<Event<'a>> {
    let mut events = Vec::new();
    let mut rest = text;
    while let Some((at, footnote)) = footnotes
        .iter()
        .filter_map(|f| rest.find(f.marker.as_str()).map(|at| (at, f)))
        .min_by_key(|(at, _)| *at)
    {
        if at > 0 {
            events.push(Event::Text(CowStr::from(rest[..at].to_string())));
        }
        // The marker is trusted content (validated footnote data), but escape
        // it anyway: this string bypasses the Markdown escaper.
        let marker = footnote.marker.replace('&', "&amp;").replace('<', "&lt;");
        events.push(Event::InlineHtml(CowStr::from(format!(
            "<a class=\"footnote-ref\" href=\"#{}\">{marker}</a>",
            footnote_anchor(footnote.number)
        ))));
        rest = &rest[at + footnote.marker.len()..];
    }
    if !rest.is_empty() {
        events.push(Event::Text(CowStr::from(rest.to_string())));
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marker() -> Vec<FootnoteMarker> {
        vec![FootnoteMarker {
            marker: "①".into(),
            number: 1,
        }]
    }

    #[test]
    fn a_footnote_marker_links_to_its_anchor() {
        assert_eq!(
            to_html("规范①要求", &marker()),
            "<p>规范<a class=\"footnote-ref\" href=\"#fn-1\">①</a>要求</p>\n"
        );
    }

    #[test]
    fn remote_resources_are_stripped_and_links_kept() {
        let html = to_html(
            "![a](https://e.com/a.png) <img src=\"//e.com/b.png\"> <img src=\"local.png\"> [l](https://e.com)",
            &[],
        );
        assert_eq!(
            html,
            "<p><img alt=\"a\"> <img> <img src=\"local.png\"> <a href=\"https://e.com\">l</a></p>\n"
        );
    }

    #[test]
    fn nesting_past_the_bound_is_escaped_not_parsed() {
        let deep = "<div>".repeat(20_000);
        let started = std::time::Instant::now();
        let html = to_html(&deep, &[]);
        assert!(html.starts_with("<p>&lt;div&gt;"), "{}", &html[..40]);
        // Sanitising this took 32 s; escaping is instant even unoptimised.
        assert!(started.elapsed().as_secs() < 5);
    }

    #[test]
    fn raw_html_and_script_urls_are_made_inert() {
        let html = to_html(
            "<script>alert(1)</script><img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) <a href=\"javascript:alert(2)\">y</a>",
            &[],
        );
        assert_eq!(
            html, "<img src=\"x\">\n<p><a>x</a> <a>y</a></p>\n",
            "script, handler and script URLs must all be gone"
        );
    }
}
