//! `dudao build` end to end: the binary on a temp copy of the bundled
//! project, then the written files inspected.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use walkdir::WalkDir;

mod common;

const PROJECT: &str = env!("CARGO_MANIFEST_DIR");

/// A copy of the bundled project (sources only) in a temp dir.
fn copy_project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["content", "rubrics", "themes"] {
        common::copy_tree(&Path::new(PROJECT).join(dir), &tmp.path().join(dir), &[]);
    }
    fs::copy(
        Path::new(PROJECT).join("dudao.toml"),
        tmp.path().join("dudao.toml"),
    )
    .unwrap();
    tmp
}

fn build(root: &Path, output: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dudao"))
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(output)
        .args(extra)
        .output()
        .unwrap()
}

fn build_ok(root: &Path, output: &Path, extra: &[&str]) {
    let result = build(root, output, extra);
    assert!(
        result.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
}

/// Every file under `dir`, relative path → bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(dir).unwrap();
            (
                relative.to_string_lossy().replace('\\', "/"),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn pages(site: &BTreeMap<String, Vec<u8>>) -> impl Iterator<Item = (&String, String)> {
    site.iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes.clone()).unwrap()))
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn building_twice_gives_byte_identical_output() {
    let project = copy_project();
    let out = tempfile::tempdir().unwrap();
    let (first, second) = (out.path().join("a"), out.path().join("b"));
    build_ok(project.path(), &first, &[]);
    build_ok(project.path(), &second, &[]);
    let (first, second) = (snapshot(&first), snapshot(&second));
    assert!(first.len() > 60, "only {} files", first.len());
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &first {
        assert!(bytes == &second[path], "{path} differs between two builds");
    }
}

#[test]
fn every_page_of_the_issue_exists() {
    let project = copy_project();
    let out = tempfile::tempdir().unwrap();
    build_ok(project.path(), &out.path().join("site"), &[]);
    let site = snapshot(&out.path().join("site"));
    let mut expected: Vec<String> = vec![
        "index.html".into(),
        "notice/index.html".into(),
        "coverage/index.html".into(),
        "api/catalog.json".into(),
        "static/css/site.css".into(),
        "static/css/print.css".into(),
        "static/css/checklist.css".into(),
        "static/js/site.js".into(),
    ];
    expected.extend((1..=33).map(|n| format!("indicators/{n}/index.html")));
    expected.extend((1..=12).map(|n| format!("groups/{n}/index.html")));
    for id in ["annex-1", "annex-2"] {
        expected.push(format!("rubrics/{id}/index.html"));
        expected.push(format!("rubrics/{id}/checklist/index.html"));
        expected.push(format!("api/rubrics/{id}.json"));
    }
    for path in &expected {
        assert!(site.contains_key(path), "{path} missing");
    }
    let catalog: serde_json::Value = serde_json::from_slice(&site["api/catalog.json"]).unwrap();
    assert_eq!(
        catalog["catalogue"]["indicators"].as_array().unwrap().len(),
        33
    );
    let annex: serde_json::Value =
        serde_json::from_slice(&site["api/rubrics/annex-1.json"]).unwrap();
    assert_eq!(annex["total"], 100);
}

#[test]
fn rubric_rows_and_criteria_carry_their_model_ids_as_anchors() {
    let project = copy_project();
    let out = tempfile::tempdir().unwrap();
    build_ok(project.path(), &out.path().join("site"), &[]);
    let site = snapshot(&out.path().join("site"));
    let rubric = String::from_utf8(site["rubrics/annex-1/index.html"].clone()).unwrap();
    for anchor in [
        "id=\"row-basic-info\"",
        "id=\"c-licences\"",
        "id=\"stage-before\"",
        "id=\"veto-serious-violation\"",
    ] {
        assert!(rubric.contains(anchor), "rubric page lacks {anchor}");
    }
    assert!(rubric.contains("href=\"../../indicators/1/index.html\""));
    assert!(rubric.contains("编者注"));
    // The indicator page links back to the row, and its footnote marker to the footnote.
    let indicator = String::from_utf8(site["indicators/8/index.html"].clone()).unwrap();
    assert!(indicator.contains("class=\"footnote-ref\" href=\"#fn-1\""));
    assert!(indicator.contains("id=\"fn-1\""));
    let backlinks = indicator.matches("rubrics/annex-1/index.html#row-").count();
    assert!(backlinks >= 1, "indicator 8 has no backlink to annex-1");
    // Footnote ① extends ("下同") to indicator 12, so its page lists it too.
    let twelve = String::from_utf8(site["indicators/12/index.html"].clone()).unwrap();
    assert!(twelve.contains("id=\"fn-1\""));
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let project = copy_project();
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("public");
    build_ok(project.path(), &site, &[]);
    let before = snapshot(&site);

    edit(
        &project.path().join("rubrics/annex-1.yaml"),
        "total: 100",
        "total: 999",
    );
    let result = build(project.path(), &site, &[]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(!result.status.success(), "a broken rubric built");
    assert!(
        stderr.contains("rubrics/annex-1.yaml:"),
        "no located diagnostic:\n{stderr}"
    );
    assert!(stderr.contains("left unchanged"), "{stderr}");
    assert!(snapshot(&site) == before, "the previous site changed");

    // A template error fails the same way, after the content loaded fine.
    edit(
        &project.path().join("rubrics/annex-1.yaml"),
        "total: 999",
        "total: 100",
    );
    fs::write(
        project.path().join("themes/default/templates/coverage.html"),
        "{% extends \"base.html\" %}\n{% block content %}\n{{ lines | no_such_filter }}\n{% endblock %}\n",
    )
    .unwrap();
    let result = build(project.path(), &site, &[]);
    assert!(!result.status.success());
    assert!(snapshot(&site) == before, "the previous site changed");
    let leftovers: Vec<_> = fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        leftovers,
        vec!["public".to_string()],
        "temporary directories left behind"
    );
}

#[test]
fn a_template_error_names_the_template_file_and_line() {
    let project = copy_project();
    let theme = project.path().join("themes/custom/templates");
    fs::create_dir_all(&theme).unwrap();
    fs::write(
        theme.join("notice.html"),
        "{% extends \"base.html\" %}\n{% block content %}\n<p>ok</p>\n{{ catalogue.notice.title | no_such_filter }}\n{% endblock %}\n",
    )
    .unwrap();
    edit(
        &project.path().join("dudao.toml"),
        "theme = \"default\"",
        "theme = \"custom\"",
    );
    let out = tempfile::tempdir().unwrap();
    let result = build(project.path(), &out.path().join("site"), &[]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(!result.status.success());
    assert!(
        stderr.contains("themes/custom/templates/notice.html:4"),
        "the error does not name file and line:\n{stderr}"
    );
    assert!(stderr.contains("no_such_filter"), "{stderr}");

    // A syntax error in a template the theme inherits names the default file.
    fs::write(theme.join("notice.html"), "{% extends \"base.html\" %}\n").unwrap();
    fs::write(
        project.path().join("themes/default/templates/macros.html"),
        "{% macro editorial(text) %}\n\n{% if %}\n{% endmacro %}\n",
    )
    .unwrap();
    let result = build(project.path(), &out.path().join("site"), &[]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(!result.status.success());
    assert!(
        stderr.contains("themes/default/templates/macros.html:3"),
        "the error does not name file and line:\n{stderr}"
    );
}

#[test]
fn a_theme_overrides_the_default_one_file_at_a_time() {
    let project = copy_project();
    let custom = project.path().join("themes/custom");
    fs::create_dir_all(custom.join("templates")).unwrap();
    fs::create_dir_all(custom.join("static/css")).unwrap();
    fs::write(
        custom.join("templates/notice.html"),
        "{% extends \"base.html\" %}{% block title %}通知{% endblock %}{% block content %}<p id=\"custom-notice\">{{ catalogue.notice.document_number }}</p>{% endblock %}\n",
    )
    .unwrap();
    fs::write(
        custom.join("static/css/site.css"),
        "body { color: #123456; }\n",
    )
    .unwrap();
    edit(
        &project.path().join("dudao.toml"),
        "theme = \"default\"",
        "theme = \"custom\"",
    );
    let out = tempfile::tempdir().unwrap();
    build_ok(project.path(), &out.path().join("site"), &[]);
    let site = snapshot(&out.path().join("site"));
    let notice = String::from_utf8(site["notice/index.html"].clone()).unwrap();
    assert!(notice.contains("<p id=\"custom-notice\">人社厅函〔2024〕130号</p>"));
    // base.html still comes from the default theme.
    assert!(notice.contains("<html lang=\"zh-CN\">"));
    let home = String::from_utf8(site["index.html"].clone()).unwrap();
    assert!(
        home.contains("id=\"indicators\""),
        "home page no longer from the default theme"
    );
    assert_eq!(site["static/css/site.css"], b"body { color: #123456; }\n");
    let default_checklist_css = fs::read(
        project
            .path()
            .join("themes/default/static/css/checklist.css"),
    )
    .unwrap();
    assert_eq!(site["static/css/checklist.css"], default_checklist_css);
}

/// A minimal scan of HTML tags: name and attributes of each start tag.
/// Text never holds a raw `<` after escaping, so every `<` opens markup.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        if rest.starts_with('/') || rest.starts_with('!') {
            continue;
        }
        let end = tag_end(rest);
        let inside = &rest[..end];
        let name: String = inside
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        found.push((name.clone(), attributes(&inside[name.len()..])));
        rest = &rest[end..];
        // A script's contents are data, not markup.
        if name == "script"
            && let Some(close) = rest.find("</script>")
        {
            rest = &rest[close..];
        }
    }
    found
}

fn tag_end(text: &str) -> usize {
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i,
            _ => {}
        }
    }
    text.len()
}

fn attributes(mut text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    loop {
        text = text.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if text.is_empty() {
            return out;
        }
        let name_end = text
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(text.len());
        let name = text[..name_end].to_ascii_lowercase();
        text = &text[name_end..];
        let mut value = String::new();
        if let Some(after) = text.trim_start().strip_prefix('=') {
            let after = after.trim_start();
            let (v, rest) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let close = after[1..].find(q).map_or(after.len(), |i| i + 1);
                    (&after[1..close], &after[(close + 1).min(after.len())..])
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            value = v
                .replace("&amp;", "&")
                .replace("&#x3A;", ":")
                .replace("&colon;", ":");
            text = rest;
        }
        out.push((name, value));
    }
}

/// Everything a page could execute: scripts that are not our own files or
/// JSON data blocks, event-handler attributes, script URLs, inline styles.
fn live_code(html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, attrs) in tags(html) {
        let get = |key: &str| {
            attrs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        if name == "script" {
            let ours = get("src").is_some_and(|src| src.contains("static/") && !src.contains(':'));
            let data = get("type") == Some("application/json");
            if !ours && !data {
                problems.push(format!("<script> {attrs:?}"));
            }
        }
        if matches!(name.as_str(), "iframe" | "object" | "embed" | "base") {
            problems.push(format!("<{name}>"));
        }
        for (key, value) in &attrs {
            let squashed: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            if key.starts_with("on") {
                problems.push(format!("<{name} {key}=…>"));
            }
            if key == "style" {
                problems.push(format!("<{name} style=…> (CSP forbids it)"));
            }
            if matches!(
                key.as_str(),
                "href" | "src" | "action" | "formaction" | "xlink:href"
            ) && (squashed.starts_with("javascript:") || squashed.starts_with("data:text/html"))
            {
                problems.push(format!("<{name} {key}={value:?}>"));
            }
        }
    }
    problems
}

#[test]
fn untrusted_text_in_content_and_rubrics_is_inert() {
    let project = copy_project();
    let root = project.path();
    let payload = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    // Markdown bodies: raw HTML and a script link.
    let indicator = root.join("content/indicators/01.md");
    let text = fs::read_to_string(&indicator).unwrap();
    fs::write(
        &indicator,
        format!("{text}\n\n{payload} [点我](javascript:alert(3)) <a href=\"javascript:alert(4)\">x</a>\n"),
    )
    .unwrap();
    edit(
        &root.join("content/groups/01.md"),
        "title: 机构信用",
        "title: \"机构信用<script>alert(5)</script>\"",
    );
    // YAML strings: criterion text, row title, editorial note, veto item, note.
    let rubric = root.join("rubrics/annex-1.yaml");
    edit(
        &rubric,
        "text: 机构证照(企业营业执照/民办非企业资质证书/组织机构代码证)等资料齐备。",
        "text: '机构证照<script>alert(6)</script><img src=x onerror=alert(7)>'",
    );
    edit(
        &rubric,
        "title: 基本情况",
        "title: '基本情况\" onmouseover=\"alert(8)'",
    );
    edit(
        &rubric,
        "- id: serious-violation\n      text: ",
        "- id: serious-violation\n      text: <a href=javascript:alert(9)>违规</a>",
    );
    edit(
        &rubric,
        "notes:\n  - ",
        "notes:\n  - \"</script><script>alert(10)</script>\"\n  - ",
    );
    let out = tempfile::tempdir().unwrap();
    build_ok(
        root,
        &out.path().join("site"),
        &["--base-url", "https://example.org/\"><script>"],
    );

    let site = snapshot(&out.path().join("site"));
    let mut problems = Vec::new();
    for (path, html) in pages(&site) {
        for problem in live_code(&html) {
            problems.push(format!("{path}: {problem}"));
        }
    }
    assert!(
        problems.is_empty(),
        "live code in the output:\n{}",
        problems.join("\n")
    );
    // The payloads did reach the pages, as text.
    let rubric_page = String::from_utf8(site["rubrics/annex-1/index.html"].clone()).unwrap();
    assert!(rubric_page.contains("机构证照&lt;script&gt;alert(6)"));
    let group_page = String::from_utf8(site["groups/1/index.html"].clone()).unwrap();
    assert!(group_page.contains("机构信用&lt;script&gt;alert(5)"));
}

#[test]
fn the_scanner_finds_live_code_when_there_is_some() {
    let found = live_code(
        "<p onclick=\"x()\">a</p><script>alert(1)</script><a href=\" JaVa\nscript:alert(1)\">x</a><div style=\"color:red\"></div>",
    );
    assert_eq!(found.len(), 4, "{found:?}");
    assert!(live_code("<script src=\"../static/js/site.js\"></script><script type=\"application/json\">{\"a\":\"\\u003c\"}</script>").is_empty());
}

#[test]
fn every_page_carries_the_csp_that_netlify_sends() {
    let project = copy_project();
    let out = tempfile::tempdir().unwrap();
    build_ok(project.path(), &out.path().join("site"), &[]);
    let site = snapshot(&out.path().join("site"));
    let policy = dudao::render::CONTENT_SECURITY_POLICY;
    assert!(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"));
    let meta = format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">")
        .replace('\'', "&#x27;");
    for (path, html) in pages(&site) {
        assert!(html.contains(&meta), "{path} lacks the CSP meta tag");
        assert!(
            html.contains("<html lang=\"zh-CN\">"),
            "{path} is not lang=zh-CN"
        );
        assert!(
            live_code(&html).is_empty(),
            "{path}: {:?}",
            live_code(&html)
        );
    }
    let netlify = fs::read_to_string(Path::new(PROJECT).join("netlify.toml")).unwrap();
    let header = netlify
        .lines()
        .find_map(|l| l.trim().strip_prefix("Content-Security-Policy = "))
        .expect("netlify.toml sends a CSP header");
    let header = header.trim_matches('"');
    assert!(
        header.starts_with(&format!("{policy}; ")) && header.contains("frame-ancestors 'none'"),
        "netlify.toml's CSP is not the pages' policy plus frame-ancestors:\n{header}"
    );
}

#[test]
fn the_checklist_has_a_qr_code_only_when_a_base_url_is_set() {
    let project = copy_project();
    let out = tempfile::tempdir().unwrap();
    let (plain, online): (PathBuf, PathBuf) = (out.path().join("a"), out.path().join("b"));
    build_ok(project.path(), &plain, &[]);
    build_ok(
        project.path(),
        &online,
        &["--base-url", "https://dudao.example.org/sub"],
    );
    let checklist =
        |dir: &Path| fs::read_to_string(dir.join("rubrics/annex-1/checklist/index.html")).unwrap();
    assert!(!checklist(&plain).contains("<svg class=\"qr\""));
    let with_qr = checklist(&online);
    assert!(with_qr.contains("<svg class=\"qr\""));
    assert!(with_qr.contains("https://dudao.example.org/sub/rubrics/annex-1/"));
    let result = build(project.path(), &plain, &["--base-url", "dudao.example.org"]);
    assert!(!result.status.success(), "a relative base URL was accepted");
}
