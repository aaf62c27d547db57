//! What the Markdown of content files may hold, beyond being Markdown.
//!
//! The sanitiser's HTML parser takes time quadratic in nesting depth
//! (20 000 `>` or `<div>`s took 36 s; docs/benchmarks.md), so nesting is
//! bounded here, and the renderer refuses to sanitise past the same bound.
//! Remote resources (`![](https://…)`, `<img src="https://…">`) would make
//! the site request a third party; the renderer strips them and this module
//! warns where they are.

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::diagnostic::{Diagnostic, Position};
use crate::load::Doc;

/// Deeper than any real document (the bundled content nests 4 levels).
pub const MAX_NESTING: usize = 64;
/// Larger than any real content file by far; a bound so that no single file
/// can stall a build.
pub const MAX_MARKDOWN_BYTES: usize = 1 << 20;

/// The Markdown options the site renders with.
pub fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// What is wrong with a Markdown text, by byte offset into it.
#[derive(Debug, PartialEq, Eq)]
pub enum Problem {
    TooLarge,
    TooDeep(usize),
    RemoteResource(usize, String),
}

/// Every problem of `source`: at most one size or nesting error (the first
/// place), and each remote resource.
pub fn problems(source: &str) -> Vec<Problem> {
    if source.len() > MAX_MARKDOWN_BYTES {
        return vec![Problem::TooLarge];
    }
    let mut found = Vec::new();
    let mut depth = 0usize;
    let mut too_deep = false;
    for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                if is_remote(&dest_url) {
                    found.push(Problem::RemoteResource(range.start, dest_url.to_string()));
                }
                depth += 1;
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Html(html) | Event::InlineHtml(html) => {
                depth = html_depth(&html, depth);
                for url in remote_sources(&html) {
                    found.push(Problem::RemoteResource(range.start, url));
                }
            }
            _ => {}
        }
        if depth > MAX_NESTING && !too_deep {
            too_deep = true;
            found.push(Problem::TooDeep(range.start));
        }
    }
    found
}

/// True when `source` can be sanitised in linear time.
pub fn within_nesting_bound(source: &str) -> bool {
    !problems(source)
        .iter()
        .any(|p| matches!(p, Problem::TooLarge | Problem::TooDeep(_)))
}

/// Diagnostics for the Markdown body of `doc`, located in its file.
pub(super) fn check_doc<T>(doc: &Doc<T>, body: &str, out: &mut Vec<Diagnostic>) {
    for problem in problems(body) {
        let at = |offset: usize| Some(position(body, offset, doc.body_line));
        out.push(match problem {
            Problem::TooLarge => Diagnostic::error(
                &doc.path,
                None,
                format!(
                    "the text is longer than dudao renders ({} KiB)",
                    MAX_MARKDOWN_BYTES / 1024
                ),
            )
            .hint("split it into several files"),
            Problem::TooDeep(offset) => Diagnostic::error(
                &doc.path,
                at(offset),
                format!("the text nests more than {MAX_NESTING} levels deep (quotes, lists or HTML elements)"),
            )
            .hint("flatten it: close the HTML elements you open, and nest quotes and lists only a few levels"),
            Problem::RemoteResource(offset, url) => Diagnostic::warning(
                &doc.path,
                at(offset),
                format!("the remote resource {url} is removed: the site never loads anything from another server"),
            )
            .hint("copy the image into the theme's static/ directory and refer to it there, or link to it with [text](url)"),
        });
    }
}

fn position(body: &str, offset: usize, body_line: u32) -> Position {
    let before = &body[..offset.min(body.len())];
    let line = before.matches('\n').count() as u32;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
    Position {
        line: body_line + line,
        column,
    }
}

/// True for a URL the browser would fetch from another host: any scheme
/// (`https:`, `http:`), or protocol-relative (`//host`, which browsers also
/// accept spelled with backslashes).
pub fn is_remote(url: &str) -> bool {
    let url: String = url
        .trim_matches(|c: char| c.is_ascii_whitespace() || c.is_control())
        .replace('\\', "/")
        .to_ascii_lowercase();
    let scheme_end = url.find(':');
    let path_start = url.find(['/', '?', '#']).unwrap_or(url.len());
    url.starts_with("//") || scheme_end.is_some_and(|end| end < path_start)
}

/// The nesting depth after the tags in a raw HTML fragment. Elements that
/// close themselves (void elements, `p`, `li`, … which the parser closes
/// when a sibling opens) do not count.
fn html_depth(html: &str, mut depth: usize) -> usize {
    const FLAT: [&str; 22] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "!--",
    ];
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let closing = rest.starts_with('/');
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!' || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() || FLAT.contains(&name.as_str()) || name.starts_with('!') {
            continue;
        }
        let self_closing = rest.find('>').is_some_and(|end| rest[..end].ends_with('/'));
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing {
            depth += 1;
        }
    }
    depth
}

/// Remote URLs in resource-loading attributes of a raw HTML fragment.
fn remote_sources(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut urls = Vec::new();
    for attribute in ["src", "srcset", "poster", "background", "data"] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(attribute).map(|i| i + from) {
            from = at + attribute.len();
            let preceded = lower[..at].ends_with(|c: char| c.is_ascii_whitespace());
            let rest = lower[from..].trim_start();
            if !preceded || !rest.starts_with('=') {
                continue;
            }
            let value_start = html.len() - rest.len() + 1;
            let value = html[value_start..].trim_start();
            let (quote, value) = match value.chars().next() {
                Some(q @ ('"' | '\'')) => (Some(q), &value[1..]),
                _ => (None, value),
            };
            let end = match quote {
                Some(q) => value.find(q).unwrap_or(value.len()),
                None => value
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .unwrap_or(value.len()),
            };
            let url = &value[..end];
            if url.split(',').any(is_remote) {
                urls.push(url.to_owned());
            }
        }
    }
    urls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_found_where_it_crosses_the_bound() {
        let quotes = format!("intro\n\n{}", ">".repeat(200));
        assert!(matches!(problems(&quotes)[..], [Problem::TooDeep(offset)] if offset >= 7));
        let divs = "<div>".repeat(100);
        assert!(matches!(problems(&divs)[..], [Problem::TooDeep(_)]));
        let closed = "<div>a</div>".repeat(1000);
        assert_eq!(problems(&closed), []);
        let paragraphs = "<p>a".repeat(1000);
        assert_eq!(problems(&paragraphs), []);
    }

    #[test]
    fn remote_resources_are_found_and_links_are_not() {
        let found = problems(
            "![x](https://e.com/a.png)\n\n<img src=\"//e.com/b.png\"> <img src='local.png'> [ok](https://e.com)\n\n<img src=\\\\e.com/c.png>",
        );
        let urls: Vec<_> = found
            .iter()
            .map(|p| match p {
                Problem::RemoteResource(_, url) => url.as_str(),
                _ => "other",
            })
            .collect();
        assert_eq!(
            urls,
            ["https://e.com/a.png", "//e.com/b.png", "\\\\e.com/c.png"]
        );
        assert!(!is_remote("img/a.png") && !is_remote("a.png?x=http://y"));
        assert!(is_remote(" HTTPS://e.com") && is_remote("\\/e.com"));
    }
}
