//! `dudao serve`'s incremental rebuild gives, after an edit to each kind of
//! source file, exactly the site a full build of the edited project gives,
//! byte for byte, while rendering only the pages that read what changed.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{copy_tree, manifest_dir};
use dudao::serve::Files;
use dudao::serve::rebuild::Rebuilder;

fn project() -> tempfile::TempDir {
    let project = tempfile::tempdir().unwrap();
    for part in ["content", "rubrics", "themes"] {
        copy_tree(&manifest_dir().join(part), &project.path().join(part), &[]);
    }
    fs::copy(
        manifest_dir().join("dudao.toml"),
        project.path().join("dudao.toml"),
    )
    .unwrap();
    project
}

/// Replaces the first `from` in `file` (under `root`) with `to`.
fn edit(root: &Path, file: &str, from: &str, to: &str) -> PathBuf {
    let path = root.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} holds {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path
}

fn full_build(root: &Path) -> Files {
    Rebuilder::default()
        .rebuild(root, &[], &Files::new())
        .unwrap_or_else(|e| panic!("{e}"))
        .files
}

fn assert_same_site(incremental: &Files, full: &Files, what: &str) {
    let mut differ: Vec<&String> = full
        .keys()
        .filter(|path| incremental.get(*path) != full.get(*path))
        .chain(incremental.keys().filter(|p| !full.contains_key(*p)))
        .collect();
    differ.sort();
    assert!(
        differ.is_empty(),
        "after {what}, the incremental rebuild differs from a full build in {differ:?}"
    );
}

#[test]
fn an_edit_to_each_kind_of_source_rebuilds_exactly_what_a_full_build_gives() {
    let project = project();
    let root = project.path();
    let mut serve = Rebuilder::default();
    let mut site = serve.rebuild(root, &[], &Files::new()).unwrap().files;
    let pages = site.keys().filter(|p| p.ends_with(".html")).count();

    // (what, file, from, to, at most how many pages may render again)
    let indicator_number = "---\nnumber: 5\n";
    assert!(
        fs::read_to_string(root.join("content/indicators/05.md"))
            .unwrap()
            .starts_with(indicator_number)
    );
    let edits: &[(&str, &str, &str, &str, usize)] = &[
        (
            "an indicator's text",
            "content/indicators/05.md",
            "\n---\n",
            "\n---\n（编辑测试）",
            pages / 3,
        ),
        (
            "an indicator's title",
            "content/indicators/05.md",
            "title: ",
            "title: 改",
            pages,
        ),
        (
            "a group's text",
            "content/groups/02.md",
            "\n---\n",
            "\n---\n（编辑测试）",
            pages / 3,
        ),
        (
            "a footnote",
            "content/footnotes/01.md",
            "下同。",
            "下同（编辑测试）。",
            pages,
        ),
        (
            "the notice",
            "content/notice.md",
            "\n---\n",
            "\n---\n（编辑测试）",
            pages,
        ),
        (
            "the overview",
            "content/overview.md",
            "\n---\n",
            "\n---\n（编辑测试）",
            pages,
        ),
        (
            "a rubric's criterion",
            "rubrics/annex-1.yaml",
            "备案评价范围与机构经营范围相匹配。",
            "备案评价范围与机构经营范围相匹配（改）。",
            pages / 2,
        ),
        (
            "a rubric's title",
            "rubrics/annex-1.yaml",
            "title: 技能人才评价活动现场质量督导评分表",
            "title: 技能人才评价活动现场质量督导评分表（改）",
            pages,
        ),
        (
            "a template",
            "themes/default/templates/base.html",
            "跳到正文",
            "跳到正文内容",
            pages,
        ),
        (
            "a stylesheet",
            "themes/default/static/css/site.css",
            "\n",
            "\n/* edited */\n",
            0,
        ),
        (
            "dudao.toml",
            "dudao.toml",
            "title = \"",
            "title = \"改",
            pages,
        ),
    ];
    for (what, file, from, to, at_most) in edits {
        let changed = edit(root, file, from, to);
        let built = serve
            .rebuild(root, &[changed], &site)
            .unwrap_or_else(|e| panic!("after {what}: {e}"));
        assert_same_site(&built.files, &full_build(root), what);
        assert!(
            built.rendered <= *at_most,
            "after {what}, {} of {pages} pages rendered again (at most {at_most} expected)",
            built.rendered
        );
        site = built.files;
    }

    // The evidence guides are tracked as one: an edit renders every page.
    let evidence = fs::read_dir(root.join("content/evidence/annex-1"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .min()
        .unwrap();
    let text = fs::read_to_string(&evidence).unwrap();
    let edited = text.replacen("\n---\n", "\n---\n（编辑测试）", 1);
    assert_ne!(text, edited, "{} has a front matter", evidence.display());
    fs::write(&evidence, edited).unwrap();
    let built = serve.rebuild(root, &[evidence], &site).unwrap();
    assert_same_site(&built.files, &full_build(root), "an evidence guide");
}

#[test]
fn a_failed_rebuild_leaves_the_next_one_correct() {
    let project = project();
    let root = project.path();
    let mut serve = Rebuilder::default();
    let site = serve.rebuild(root, &[], &Files::new()).unwrap().files;
    let rubric = edit(root, "rubrics/annex-1.yaml", "total: 100", "total: [100");
    let failed = serve.rebuild(root, std::slice::from_ref(&rubric), &site);
    let errors = failed.err().expect("a broken rubric fails the rebuild");
    assert!(
        errors
            .0
            .iter()
            .any(|d| d.file == "rubrics/annex-1.yaml" && d.line.is_some())
    );
    edit(root, "rubrics/annex-1.yaml", "total: [100", "total: 100");
    edit(
        root,
        "content/indicators/05.md",
        "\n---\n",
        "\n---\n（编辑测试）",
    );
    let built = serve.rebuild(root, &[rubric], &site).unwrap();
    assert_same_site(
        &built.files,
        &full_build(root),
        "a failed rebuild and a fix",
    );
}
