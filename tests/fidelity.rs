//! The official pages as rendered, compared with the notice piece by piece.
//!
//! tests/content.rs pins the model to the source; this test pins what a
//! reader sees. The templates mark every piece of official text with
//! `data-source` (official rubrics only); the test builds the site, takes
//! each marked piece (leaving out what is inside an element marked as ours:
//! `editorial`, `ours`, `ours-mark`) and requires it to be in the source
//! (tests/source/, whitespace stripped, as in tests/content.rs), in the
//! source's order. It also requires that what we add is visibly ours: the
//! band the notice does not name (合格) always carries its 编者注 mark, and
//! the official tables say 总分, never 合计.

mod common;

use std::fs;
use std::process::Command;

use common::{SOURCE, strip};

/// A piece of marked official text, in page order.
#[derive(Debug)]
struct Piece {
    text: String,
    /// Header-field labels: the extraction reads the two-column header row
    /// by row, so their order there is not the form's.
    ordered: bool,
}

/// What the scanner found on one page.
#[derive(Debug, Default)]
struct Page {
    pieces: Vec<Piece>,
    /// Text outside official pieces and outside our marked additions, each
    /// node with whether an `ours-mark` link follows it directly.
    unmarked: Vec<(String, bool)>,
}

const VOID: [&str; 10] = [
    "br", "img", "input", "meta", "link", "col", "hr", "wbr", "source", "area",
];
const OURS: [&str; 4] = ["editorial", "editorial-notes", "ours", "ours-mark"];

struct Open {
    name: String,
    classes: String,
    ours: bool,
    /// Index into `pieces` when this element opened a piece.
    piece: Option<usize>,
}

fn decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let Some(semi) = rest[amp..].find(';') else {
            break;
        };
        let entity = &rest[amp + 1..amp + semi];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "amp" => Some('&'),
            "nbsp" => Some('\u{a0}'),
            _ => entity
                .strip_prefix("#x")
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => out.push(c),
            None => out.push_str(&rest[amp..=amp + semi]),
        }
        rest = &rest[amp + semi + 1..];
    }
    out.push_str(rest);
    out
}

fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let at = tag.find(&format!(" {name}"))?;
    let rest = &tag[at + 1 + name.len()..];
    match rest.strip_prefix("=\"") {
        Some(value) => value.split('"').next(),
        None if rest.starts_with([' ', '>', '/']) || rest.is_empty() => Some(""),
        None => None,
    }
}

/// Whether an element opened inside an official checklist (`data-official`
/// on the sheet) holds official text, by the sheet's own markup: criterion
/// and veto texts (`.text`), row titles, points, the stage and group
/// headings, the 总分 row, the 不合格项 intro and the 备注. Subtotal rows are
/// ours.
fn checklist_piece(name: &str, classes: &str, stack: &[Open]) -> bool {
    if !stack.iter().any(|o| o.classes == "\u{0}official") {
        return false;
    }
    let parent = stack.last().map_or("", |o| o.classes.as_str());
    let has = |list: &str, class: &str| list.split(' ').any(|c| c == class);
    let in_subtotal = stack
        .iter()
        .any(|o| has(&o.classes, "group-subtotal") || has(&o.classes, "stage-subtotal"));
    if in_subtotal {
        return false;
    }
    ["text", "row-title", "pts"].iter().any(|c| has(classes, c))
        || (name == "th"
            && ["stage-heading", "group-heading", "total"]
                .iter()
                .any(|c| has(parent, c)))
        || (name == "p" && has(parent, "sheet-veto"))
        || (name == "li"
            && stack
                .iter()
                .rev()
                .nth(1)
                .is_some_and(|o| has(&o.classes, "sheet-notes")))
}

/// A small tag scanner: enough for the site's own well-formed output.
fn scan(html: &str) -> Page {
    let mut page = Page::default();
    let mut stack: Vec<Open> = Vec::new();
    let mut rest = html;
    let mut skip_until: Option<&str> = None;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else { break };
        let text = &rest[..lt];
        if skip_until.is_none() && !text.trim().is_empty() {
            let text = decode(text);
            let ours = stack.iter().any(|o| o.ours);
            let piece = stack.iter().rev().find_map(|o| o.piece);
            match (ours, piece) {
                (true, _) => {}
                (false, Some(i)) => page.pieces[i].text.push_str(&text),
                (false, None) => page.unmarked.push((text, false)),
            }
        }
        let gt = rest[lt..].find('>').expect("tags close") + lt;
        let tag = &rest[lt..=gt];
        rest = &rest[gt + 1..];
        if let Some(end) = skip_until {
            if tag.eq_ignore_ascii_case(end) {
                skip_until = None;
            }
            continue;
        }
        if tag.starts_with("<!") {
            continue;
        }
        if let Some(name) = tag.strip_prefix("</") {
            let name = name.trim_end_matches('>').trim();
            while let Some(open) = stack.pop() {
                if open.name == name {
                    break;
                }
            }
            continue;
        }
        let name: String = tag[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if name == "script" || name == "style" {
            skip_until = Some(if name == "script" {
                "</script>"
            } else {
                "</style>"
            });
            continue;
        }
        let classes = attribute(tag, "class").unwrap_or("");
        let ours = classes.split(' ').any(|c| OURS.contains(&c));
        if classes.split(' ').any(|c| c == "ours-mark")
            && let Some(last) = page.unmarked.last_mut()
        {
            last.1 = true;
        }
        let marked = attribute(tag, "data-source")
            .map(|value| value != "unordered")
            .or_else(|| checklist_piece(&name, classes, &stack).then_some(true));
        let piece = marked.map(|ordered| {
            page.pieces.push(Piece {
                text: String::new(),
                ordered,
            });
            page.pieces.len() - 1
        });
        if VOID.contains(&name.as_str()) || tag.ends_with("/>") {
            continue;
        }
        // An official sheet is remembered as a marker class on its element.
        let classes = if attribute(tag, "data-official").is_some() {
            "\u{0}official".to_owned()
        } else {
            classes.to_owned()
        };
        stack.push(Open {
            name,
            classes,
            ours,
            piece,
        });
    }
    page
}

fn build_site() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let result = Command::new(env!("CARGO_BIN_EXE_dudao"))
        .arg("build")
        .arg("--root")
        .arg(common::manifest_dir())
        .arg("--output")
        .arg(out.path().join("site"))
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    out
}

static SITE: std::sync::LazyLock<tempfile::TempDir> = std::sync::LazyLock::new(build_site);

fn page(relative: &str) -> Page {
    let path = SITE.path().join("site").join(relative);
    scan(&fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// Pieces whose place in our table differs from the extraction's, each
/// explained by an editorial note in the rubric file: the extraction lost
/// annex 1's merged cells and shows 考后 (20分) above 内部督导, which the
/// stage subtotals put in 考中 (rubrics/annex-1.yaml, editorial_notes).
const EXPLAINED_ORDER: [&str; 1] = ["考后(20分)"];

/// Every piece is in the source; ordered pieces follow each other there,
/// starting from `anchor` (where this part of the notice begins).
fn assert_verbatim_in_order(relative: &str, anchor: &str, min_pieces: usize) {
    let page = page(relative);
    assert!(
        page.pieces.len() >= min_pieces,
        "{relative}: {} official pieces marked, expected at least {min_pieces}",
        page.pieces.len()
    );
    let mut at = SOURCE
        .find(&strip(anchor))
        .unwrap_or_else(|| panic!("anchor {anchor} not in the source"));
    let mut problems = Vec::new();
    for piece in &page.pieces {
        let text = strip(&piece.text);
        if text.is_empty() {
            problems.push("an empty piece".to_owned());
            continue;
        }
        if !SOURCE.contains(&text) {
            problems.push(format!("not in the source: {}", piece.text.trim()));
            continue;
        }
        if piece.ordered && !EXPLAINED_ORDER.contains(&text.as_str()) {
            match SOURCE[at..].find(&text) {
                Some(offset) => at += offset,
                None => problems.push(format!("out of the source's order: {}", piece.text.trim())),
            }
        }
    }
    assert!(problems.is_empty(), "{relative}:\n{}", problems.join("\n"));
}

#[test]
fn the_notice_page_is_the_notice() {
    assert_verbatim_in_order(
        "notice/index.html",
        "中华人民共和国人力资源和社会保障部办公厅",
        8,
    );
    let page = page("notice/index.html");
    let texts: Vec<String> = page.pieces.iter().map(|p| strip(&p.text)).collect();
    assert_eq!(
        texts[0], "中华人民共和国人力资源和社会保障部办公厅",
        "letterhead first"
    );
    for line in [
        "(此件主动公开)",
        "(联系单位：中国就业培训技术指导中心)",
        "附件：1.技能人才评价活动现场质量督导评分表",
        "2.职业技能等级认定机构命题质量专项督导评分表",
    ] {
        assert!(
            texts.iter().any(|t| t == line),
            "the notice page lacks {line}"
        );
    }
}

#[test]
fn annex_pages_show_the_official_tables_verbatim() {
    // Title, rule, 3 stages, 12 groups, rows, 42 criteria with points, total,
    // the veto and 5 notes.
    assert_verbatim_in_order("rubrics/annex-1/index.html", "附件 1", 42 * 2 + 20);
    assert_verbatim_in_order("rubrics/annex-2/index.html", "附件 2", 25 * 2 + 10);
}

#[test]
fn annex_checklists_print_the_official_text_verbatim() {
    assert_verbatim_in_order(
        "rubrics/annex-1/checklist/index.html",
        "附件 1",
        42 * 2 + 20,
    );
    assert_verbatim_in_order(
        "rubrics/annex-2/checklist/index.html",
        "附件 2",
        25 * 2 + 10,
    );
}

/// The notice names 优良 and 不合格 only: any other band label must carry
/// the mark linking to our note, on every page that lists the bands.
#[test]
fn the_band_the_notice_does_not_name_is_marked_as_ours_everywhere() {
    let project = &*common::PROJECT;
    for relative in [
        "index.html",
        "rubrics/annex-1/index.html",
        "rubrics/annex-2/index.html",
        "rubrics/annex-1/checklist/index.html",
        "rubrics/annex-2/checklist/index.html",
        "rubrics/violations/checklist/index.html",
    ] {
        let page = page(relative);
        let mut marked = 0;
        for rubric in &project.rubrics {
            for band in &rubric.bands[1..rubric.bands.len() - 1] {
                for (text, followed_by_mark) in &page.unmarked {
                    let negated = format!("不{}", band.label);
                    for (at, _) in text.match_indices(&band.label) {
                        // A band name stands alone or after list punctuation;
                        // inside running text (成绩合格) it is not a band.
                        let before = text[..at].chars().next_back();
                        let listed =
                            before.is_none_or(|c| c.is_whitespace() || "；：，、".contains(c));
                        if text[..at + band.label.len()].ends_with(&negated) || !listed {
                            continue;
                        }
                        assert!(
                            *followed_by_mark && text[at..].trim_end() == band.label,
                            "{relative}: “{}” without its 编者注 mark in “{text}”",
                            band.label
                        );
                        marked += 1;
                    }
                }
            }
        }
        assert!(marked > 0, "{relative}: no band label found to check");
        let html = fs::read_to_string(SITE.path().join("site").join(relative)).unwrap();
        assert!(
            html.contains("id=\"band-note\""),
            "{relative}: the band note is missing"
        );
    }
}

/// The notice ends footnote ① with “下同” and names no indicator: the list
/// of indicators it extends to is our reading, marked and explained.
#[test]
fn the_footnote_scope_reading_is_marked_as_ours() {
    let project = &*common::PROJECT;
    let footnote = &project.catalogue.footnotes[0];
    assert!(!footnote.applies_to.is_empty());
    for number in std::iter::once(footnote.indicator).chain(footnote.applies_to.iter().copied()) {
        let relative = format!("indicators/{number}/index.html");
        let html = fs::read_to_string(SITE.path().join("site").join(&relative)).unwrap();
        let scope = html
            .split("<p class=\"footnote-scope\">")
            .nth(1)
            .and_then(|rest| rest.split("</p>").next())
            .unwrap_or_else(|| panic!("{relative}: no footnote scope line"));
        assert!(
            scope.contains("“下同”适用于指标")
                && scope.ends_with(
                    "<a class=\"ours-mark\" href=\"#footnote-scope-note\" title=\"dudao 的读法，通知未列出\">[编者注]</a>。"
                ),
            "{relative}: the scope reading is not marked as ours: {scope}"
        );
        let note = html
            .split("id=\"footnote-scope-note\"")
            .nth(1)
            .unwrap_or_else(|| panic!("{relative}: the note the mark points to is missing"));
        assert!(note.contains("是 dudao 的读法"), "{relative}: {note}");
        let page = page(&relative);
        assert!(
            !page
                .unmarked
                .iter()
                .any(|(t, _)| t.contains("是 dudao 的读法")),
            "{relative}: the note is not inside an editorial element"
        );
    }
}

#[test]
fn official_tables_say_zongfen_and_beizhu_not_heji_and_shuoming() {
    for relative in [
        "rubrics/annex-1/index.html",
        "rubrics/annex-2/index.html",
        "rubrics/annex-1/checklist/index.html",
        "rubrics/annex-2/checklist/index.html",
    ] {
        let page = page(relative);
        let all: String = page.unmarked.iter().map(|(t, _)| t.as_str()).collect();
        assert!(!all.contains("合计"), "{relative} says 合计");
        assert!(all.contains("备注"), "{relative} lacks 备注");
        assert!(
            !all.contains("（28 分）") && !all.contains("（3 分）"),
            "{relative}: our brackets"
        );
    }
}

#[test]
fn the_scanner_separates_official_ours_and_the_rest() {
    let page = scan(
        "<p data-source>官方<span class=\"ours\">我们</span>文本</p><p>其他 合格</p>\
         <a class=\"ours-mark\" href=\"#n\">[编者注]</a><script>var x = '<p data-source>';</script>",
    );
    assert_eq!(page.pieces.len(), 1);
    assert_eq!(page.pieces[0].text, "官方文本");
    assert_eq!(page.unmarked, vec![("其他 合格".to_owned(), true)]);
}

/// Every HTML file of the site, relative to its root.
fn site_pages() -> Vec<String> {
    fn walk(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<String>) {
        for entry in fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "html") {
                out.push(
                    path.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    let root = SITE.path().join("site");
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out.sort();
    out
}

/// Running text where 合格 is not a band: the candidates who passed, in
/// indicator 31's list of counts.
const NOT_A_BAND: [&str; 1] = ["参考、合格、发证人数"];

/// Where a band name the notice does not use stands unmarked in `page`:
/// a name counts as marked when the `[编者注]` link follows it, or when `※`
/// does and the page carries the ※ 编者注.
fn unmarked_band_names(page: &Page, html: &str, labels: &[&str]) -> Vec<String> {
    let has_star_note = html.contains("※ 编者注");
    let mut found = Vec::new();
    for (text, followed_by_mark) in &page.unmarked {
        for label in labels {
            let negated = format!("不{label}");
            for (at, _) in text.match_indices(label) {
                let before = text[..at].chars().next_back();
                let standing =
                    before.is_none_or(|c| c.is_whitespace() || "；：，、（“".contains(c));
                let in_running_text = NOT_A_BAND
                    .iter()
                    .any(|t| text.contains(t) && t.contains(label));
                if text[..at + label.len()].ends_with(&negated) || !standing || in_running_text {
                    continue;
                }
                let after = &text[at + label.len()..];
                let marked = (after.starts_with('※') && has_star_note)
                    || (*followed_by_mark && after.trim_end().is_empty());
                if !marked {
                    found.push(text.trim().to_owned());
                }
            }
        }
    }
    found
}

/// The pages the browser fills (the workspace, the outcome page, the
/// summary) carry in their built HTML what the marks point to, and no page
/// of the site shows 合格 as a band without its mark.
#[test]
fn no_page_of_the_site_shows_the_band_the_notice_does_not_name_unmarked() {
    let project = &*common::PROJECT;
    let mut labels: Vec<&str> = project
        .rubrics
        .iter()
        .flat_map(|r| {
            r.bands[1..r.bands.len() - 1]
                .iter()
                .map(|b| b.label.as_str())
        })
        .collect();
    labels.sort_unstable();
    labels.dedup();
    assert_eq!(labels, ["合格"]);
    let mut problems = Vec::new();
    let pages = site_pages();
    assert!(pages.len() > 80, "{} pages", pages.len());
    for relative in &pages {
        let html = fs::read_to_string(SITE.path().join("site").join(relative)).unwrap();
        for text in unmarked_band_names(&scan(&html), &html, &labels) {
            problems.push(format!("{relative}: {text}"));
        }
    }
    assert!(
        problems.is_empty(),
        "unmarked band names:\n{}",
        problems.join("\n")
    );
    for (relative, anchor) in [
        ("assessments/index.html", "id=\"band-note\""),
        ("assessments/outcome/index.html", "id=\"band-note\""),
        (
            "summary/index.html",
            "class=\"summary-note ours\" data-band-note>※ 编者注",
        ),
    ] {
        let html = fs::read_to_string(SITE.path().join("site").join(relative)).unwrap();
        assert!(html.contains(anchor), "{relative}: lacks {anchor}");
    }
}
