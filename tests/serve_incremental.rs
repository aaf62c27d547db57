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

/// What `dudao build` makes of the project, with no cache, in memory (with
/// the service worker off, as serve has it).
fn full_build(root: &Path) -> Files {
    struct Memory(Files);
    impl dudao::write::SiteWriter for Memory {
        fn write(&mut self, relative: &str, bytes: &[u8]) -> std::io::Result<()> {
            self.0.insert(relative.to_owned(), bytes.to_vec().into());
            Ok(())
        }
    }
    let mut config = dudao::config::Config::load(root).unwrap_or_else(|e| panic!("{e}"));
    config.offline.enabled = false;
    let mut site = Memory(Files::new());
    dudao::build_site(root, &config, None, &mut site).unwrap_or_else(|e| panic!("{e:?}"));
    site.0
}

/// The paths whose bytes differ between two sites, or that only one holds.
fn differing(a: &Files, b: &Files) -> Vec<String> {
    let mut differ: Vec<String> = a
        .keys()
        .filter(|path| a.get(*path) != b.get(*path))
        .chain(b.keys().filter(|p| !a.contains_key(*p)))
        .cloned()
        .collect();
    differ.sort();
    differ
}

fn assert_same_site(incremental: &Files, full: &Files, what: &str) {
    let differ = differing(full, incremental);
    assert!(
        differ.is_empty(),
        "after {what}, the incremental rebuild differs from a full build in {differ:?}"
    );
}

/// The pages an edit to an indicator's explanation may render again: its
/// own, its group's (which prints every explanation of the group), and the
/// coverage page (keyed by walking its context).
const INDICATOR_TEXT_READERS: usize = 3;

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
            // The indicator and its group: no neighbour, rubric or list that
            // names it prints its text.
            INDICATOR_TEXT_READERS,
        ),
        (
            "an indicator's title",
            "content/indicators/05.md",
            "title: ",
            "title: 改",
            pages,
        ),
        (
            "an indicator's editorial note",
            "content/indicators/05.md",
            "title: ",
            "editorial_note: 编辑测试\ntitle: ",
            pages / 3,
        ),
        (
            "a group's title",
            "content/groups/02.md",
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
            "a rubric's row title",
            "rubrics/annex-1.yaml",
            "title: 基本情况",
            "title: 基本情况（改）",
            pages / 2,
        ),
        (
            // Indicator 16's `used_by` changes: its page must list the row,
            // though neither its file nor the rubric's outline changed.
            "which indicators a rubric row cites",
            "rubrics/annex-1.yaml",
            "indicators: [14]",
            "indicators: [14, 16]",
            pages,
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
        let built = rebuild_and_compare(&mut serve, root, &[changed], &site, what);
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
    rebuild_and_compare(&mut serve, root, &[evidence], &site, "an evidence guide");
}

/// Rebuilds after `sources` changed, and checks the result against a full
/// build and the list of changed paths against the two sites.
fn rebuild_and_compare(
    serve: &mut Rebuilder,
    root: &Path,
    sources: &[PathBuf],
    site: &Files,
    what: &str,
) -> dudao::serve::rebuild::Built {
    let built = serve
        .rebuild(root, sources, site)
        .unwrap_or_else(|e| panic!("after {what}: {e}"));
    assert_same_site(&built.files, &full_build(root), what);
    assert_eq!(
        built.changed,
        differing(site, &built.files),
        "after {what}, the paths open pages are told changed"
    );
    built
}

#[test]
fn files_added_renamed_and_deleted_rebuild_what_a_full_build_gives() {
    let project = project();
    let root = project.path();
    let mut serve = Rebuilder::default();
    let mut site = serve.rebuild(root, &[], &Files::new()).unwrap().files;

    let text = fs::read_to_string(root.join("rubrics/theory-venue.yaml")).unwrap();
    let copy = |id: &str| {
        text.replacen("id: theory-venue", &format!("id: {id}"), 1)
            .replacen("title: ", &format!("title: {id} "), 1)
    };
    let added = root.join("rubrics/theory-venue-copy.yaml");
    fs::write(&added, copy("theory-venue-copy")).unwrap();
    let built = rebuild_and_compare(
        &mut serve,
        root,
        std::slice::from_ref(&added),
        &site,
        "a rubric added",
    );
    assert!(
        built
            .files
            .contains_key("rubrics/theory-venue-copy/index.html")
    );
    site = built.files;

    let renamed = root.join("rubrics/theory-venue-moved.yaml");
    fs::remove_file(&added).unwrap();
    fs::write(&renamed, copy("theory-venue-moved")).unwrap();
    let sources = [added, renamed.clone()];
    let built = rebuild_and_compare(&mut serve, root, &sources, &site, "a rubric renamed");
    assert!(
        !built
            .files
            .contains_key("rubrics/theory-venue-copy/index.html")
    );
    site = built.files;

    fs::remove_file(&renamed).unwrap();
    site = rebuild_and_compare(&mut serve, root, &[renamed], &site, "a rubric deleted").files;

    // An indicator (and its guide) added at the end, then deleted: the
    // pages listing the indicators, its neighbour's pager, its group's page.
    let indicator = root.join("content/indicators/34.md");
    let guide = root.join("content/evidence/indicators/34.md");
    let added = |from: &str, to: &Path, number: &str| {
        let text = fs::read_to_string(root.join(from)).unwrap();
        let text = text.replacen(number, &number.replace("33", "34"), 1);
        fs::write(to, text.replacen("信息化", "信息化（新增）", 1)).unwrap();
    };
    added("content/indicators/33.md", &indicator, "number: 33");
    added("content/evidence/indicators/33.md", &guide, "indicator: 33");
    let sources = [indicator.clone(), guide.clone()];
    let built = rebuild_and_compare(&mut serve, root, &sources, &site, "an indicator added");
    assert!(built.files.contains_key("indicators/34/index.html"));
    site = built.files;
    fs::remove_file(&indicator).unwrap();
    fs::remove_file(&guide).unwrap();
    site = rebuild_and_compare(&mut serve, root, &sources, &site, "an indicator deleted").files;

    let asset = root.join("themes/default/static/extra.txt");
    fs::write(&asset, "added").unwrap();
    let built = rebuild_and_compare(
        &mut serve,
        root,
        std::slice::from_ref(&asset),
        &site,
        "an asset added",
    );
    assert_eq!(built.rendered, 0, "an asset no page reads renders no page");
    site = built.files;
    let moved = root.join("themes/default/static/moved.txt");
    fs::rename(&asset, &moved).unwrap();
    let sources = [asset, moved.clone()];
    site = rebuild_and_compare(&mut serve, root, &sources, &site, "an asset renamed").files;
    fs::remove_file(&moved).unwrap();
    rebuild_and_compare(&mut serve, root, &[moved], &site, "an asset deleted");
}

#[test]
fn a_broken_edit_to_each_kind_of_source_is_located_and_its_fix_rebuilds_right() {
    let project = project();
    let root = project.path();
    let mut serve = Rebuilder::default();
    let site = serve.rebuild(root, &[], &Files::new()).unwrap().files;
    // (what, file, from, to)
    let breaks: &[(&str, &str, &str, &str)] = &[
        (
            "an indicator",
            "content/indicators/05.md",
            "title: ",
            "title: [",
        ),
        (
            "a rubric",
            "rubrics/annex-2.yaml",
            "total: 100",
            "total: [100",
        ),
        (
            "a template",
            "themes/default/templates/base.html",
            "</title>",
            "{% if %}</title>",
        ),
        ("dudao.toml", "dudao.toml", "title = \"", "title = \"\"\""),
        (
            "an evidence guide",
            "content/evidence/annex-1/plan.md",
            "\n---\n",
            "\n--\n",
        ),
    ];
    for (what, file, from, to) in breaks {
        let broken = edit(root, file, from, to);
        let errors = serve
            .rebuild(root, std::slice::from_ref(&broken), &site)
            .err()
            .unwrap_or_else(|| panic!("a broken {what} fails the rebuild"));
        assert!(
            errors
                .0
                .iter()
                .any(|d| d.file.ends_with(file) && d.line.is_some()),
            "a broken {what}: the error names {file} and a line: {errors}"
        );
        edit(root, file, to, from);
        let fixed = format!("{what} broken and fixed");
        rebuild_and_compare(&mut serve, root, &[broken], &site, &fixed);
    }
}

/// Serve keeps each file's validation (its Markdown, a rubric's table, a
/// guide's quotes) by its text: a problem in a file no later edit touches
/// must still fail every rebuild, with its location, until it is fixed.
#[test]
fn a_problem_in_a_kept_file_fails_every_rebuild_until_it_is_fixed() {
    let project = project();
    let root = project.path();
    let mut serve = Rebuilder::default();
    let site = serve.rebuild(root, &[], &Files::new()).unwrap().files;
    let too_deep = format!("\n---\n{}深\n", ">".repeat(70));
    // (what, file, from, to, what the error says)
    let problems: &[(&str, &str, &str, &str, &str)] = &[
        (
            "Markdown nested too deep",
            "content/indicators/05.md",
            "\n---\n",
            &too_deep,
            "nests more than",
        ),
        (
            "a rubric whose total is wrong",
            "rubrics/annex-2.yaml",
            "total: 100",
            "total: 99",
            "the declared total is 99",
        ),
        (
            "a guide quoting what the text does not say",
            "content/evidence/indicators/01.md",
            "quote: 近三年内",
            "quote: 近五年内",
            "quote is not in the official text",
        ),
    ];
    for (what, file, from, to, says) in problems {
        let broken = edit(root, file, from, to);
        let mut changed = broken.clone();
        for round in 0..3 {
            let errors = serve
                .rebuild(root, std::slice::from_ref(&changed), &site)
                .err()
                .unwrap_or_else(|| panic!("{what}: rebuild {round} fails"));
            assert!(
                errors.0.iter().any(|d| d.is_error()
                    && d.file.ends_with(file)
                    && d.line.is_some()
                    && d.message.contains(says)),
                "{what}: rebuild {round} names {file}, a line and {says:?}: {errors}"
            );
            // The next rebuild is for an edit elsewhere.
            changed = edit(
                root,
                "content/indicators/06.md",
                "\n---\n",
                &format!("\n---\n（第{round}次）"),
            );
        }
        edit(root, file, to, from);
        let fixed = format!("{what}, kept over rebuilds, then fixed");
        rebuild_and_compare(&mut serve, root, &[broken, changed], &site, &fixed);
    }
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
    let indicator = edit(
        root,
        "content/indicators/05.md",
        "\n---\n",
        "\n---\n（编辑测试）",
    );
    let built = serve.rebuild(root, &[rubric, indicator], &site).unwrap();
    assert_same_site(
        &built.files,
        &full_build(root),
        "a failed rebuild and a fix",
    );
}

/// Whether the rebuild kept `path`'s very buffer (a page reused from the
/// page memo, not rendered again).
fn kept(before: &Files, after: &Files, path: &str) -> bool {
    let (a, b) = (&before[path], &after[path]);
    a.as_ptr() == b.as_ptr() && a.len() == b.len()
}

#[test]
fn the_whole_site_pages_render_again_only_when_what_they_read_changed() {
    let project = project();
    let root = project.path();
    let mut serve = Rebuilder::default();
    let mut site = serve.rebuild(root, &[], &Files::new()).unwrap().files;
    let (coverage, tailor) = ("coverage/index.html", "tailor/index.html");

    // The tailor page carries every indicator's text; coverage none.
    let text = edit(
        root,
        "content/indicators/05.md",
        "\n---\n",
        "\n---\n（编辑测试）",
    );
    let built = rebuild_and_compare(&mut serve, root, &[text], &site, "an indicator's text");
    assert!(kept(&site, &built.files, coverage), "coverage reused");
    assert!(!kept(&site, &built.files, tailor), "tailor rendered again");
    site = built.files;

    // Neither carries a group's text.
    let group = edit(
        root,
        "content/groups/02.md",
        "\n---\n",
        "\n---\n（编辑测试）",
    );
    let built = rebuild_and_compare(&mut serve, root, &[group], &site, "a group's text");
    assert!(kept(&site, &built.files, coverage), "coverage reused");
    assert!(kept(&site, &built.files, tailor), "tailor reused");
    site = built.files;

    // The tailor page carries every rubric whole; the pages that list
    // rubrics or point into their rows print no criterion's text or note.
    let outline_readers = [
        coverage,
        "index.html",
        "notice/index.html",
        "indicators/1/index.html",
        "requirements/index.html",
    ];
    let criterion = edit(
        root,
        "rubrics/annex-1.yaml",
        "备案评价范围与机构经营范围相匹配。",
        "备案评价范围与机构经营范围相匹配（改）。",
    );
    let built = rebuild_and_compare(&mut serve, root, &[criterion], &site, "a criterion");
    for page in outline_readers {
        assert!(kept(&site, &built.files, page), "{page} reused");
    }
    assert!(!kept(&site, &built.files, tailor), "tailor rendered");
    site = built.files;
    let note = edit(
        root,
        "rubrics/annex-1.yaml",
        "\nnotes:\n  - ",
        "\nnotes:\n  - 改",
    );
    let built = rebuild_and_compare(&mut serve, root, &[note], &site, "a rubric's note");
    for page in outline_readers {
        assert!(kept(&site, &built.files, page), "{page} reused");
    }
    for page in [
        "rubrics/annex-1/index.html",
        tailor,
        "assessments/index.html",
    ] {
        assert!(!kept(&site, &built.files, page), "{page} rendered");
    }
    // The Office files and API files of the other rubrics are the very
    // buffers served.
    let edited = dudao::export::docx_path("annex-1");
    let other = dudao::export::docx_path("annex-2");
    assert!(!kept(&site, &built.files, &edited), "{edited} made again");
    assert!(kept(&site, &built.files, &other), "{other} kept");
    assert!(!kept(&site, &built.files, "api/rubrics/annex-1.json"));
    assert!(kept(&site, &built.files, "api/rubrics/annex-2.json"));
    site = built.files;

    // A row's title is in the backlinks of its indicator and in coverage,
    // not in the lists of rubrics.
    let row = edit(
        root,
        "rubrics/annex-1.yaml",
        "title: 基本情况",
        "title: 基本情况（改）",
    );
    let built = rebuild_and_compare(&mut serve, root, &[row], &site, "a row's title");
    for page in [coverage, "indicators/1/index.html"] {
        assert!(!kept(&site, &built.files, page), "{page} rendered");
    }
    for page in ["index.html", "notice/index.html", "indicators/2/index.html"] {
        assert!(kept(&site, &built.files, page), "{page} reused");
    }
    site = built.files;

    // An indicator's title is in both.
    let title = edit(root, "content/indicators/05.md", "title: ", "title: 改");
    let built = rebuild_and_compare(&mut serve, root, &[title], &site, "an indicator's title");
    assert!(!kept(&site, &built.files, coverage), "coverage rendered");
    assert!(!kept(&site, &built.files, tailor), "tailor rendered");
}

/// Serve reads again only the files the watcher names; a change to a
/// directory (created, renamed, removed) names no file in it, so the
/// rebuild reads the whole tree again, and so does any change when the
/// watcher polls.
#[test]
fn directories_created_renamed_and_removed_rebuild_what_a_full_build_gives() {
    let project = project();
    let root = project.path();
    let mut serve = Rebuilder::default();
    let mut site = serve.rebuild(root, &[], &Files::new()).unwrap().files;
    let evidence = root.join("content/evidence");

    // A folder of guides renamed, and a guide in it edited on the way (a
    // checkout): the events name the two folders only.
    let (from, to) = (evidence.join("annex-1"), evidence.join("annex-1-moved"));
    fs::rename(&from, &to).unwrap();
    edit(
        root,
        "content/evidence/annex-1-moved/plan.md",
        "\n---\n",
        "\n---\n（编辑测试）",
    );
    let sources = [from.clone(), to.clone()];
    site = rebuild_and_compare(&mut serve, root, &sources, &site, "a folder renamed").files;

    // A guide moved out of the project (the build fails: its criterion
    // has none), then back in a folder of its own: the events name the
    // file that went, then only the folder that came.
    let outside = tempfile::tempdir().unwrap();
    let parked = outside.path().join("more");
    fs::create_dir(&parked).unwrap();
    let guide = fs::read_dir(&to).unwrap().next().unwrap().unwrap().path();
    let name = guide.file_name().unwrap().to_owned();
    fs::rename(&guide, parked.join(&name)).unwrap();
    let failed = serve.rebuild(root, std::slice::from_ref(&guide), &site);
    assert!(
        failed.is_err(),
        "a criterion without its guide fails the build"
    );
    let made = evidence.join("more");
    fs::rename(&parked, &made).unwrap();
    let sources = [made.clone()];
    site = rebuild_and_compare(&mut serve, root, &sources, &site, "a folder created").files;
    let moved = made.join(&name);
    fs::rename(&moved, &guide).unwrap();
    fs::remove_dir(&made).unwrap();
    let sources = [moved, made];
    site = rebuild_and_compare(&mut serve, root, &sources, &site, "a folder removed").files;

    // A derived rubric's own guide (it inherited its base's) in a folder
    // of its own, then the folder deleted: the events name the folder only.
    let own = evidence.join("combined-venue");
    fs::create_dir(&own).unwrap();
    fs::write(
        own.join("plan.md"),
        "---\nkind: guidance\nrubric: combined-venue\ncriterion: plan\nevidence:\n  - 测试用证据\n---\n",
    )
    .unwrap();
    let sources = [own.clone()];
    site = rebuild_and_compare(&mut serve, root, &sources, &site, "a guide's folder added").files;
    fs::remove_dir_all(&own).unwrap();
    site = rebuild_and_compare(
        &mut serve,
        root,
        &sources,
        &site,
        "a guide's folder deleted",
    )
    .files;

    // A file an editor made and removed before the rebuild read anything.
    let scratch = root.join("content/indicators/4913");
    let built = rebuild_and_compare(&mut serve, root, &[scratch], &site, "a scratch file");
    assert_eq!(
        built.rendered, 0,
        "a file that came and went renders nothing"
    );
    site = built.files;

    // An edit the events do not name is seen only by a full read: what a
    // polling watcher's rebuilder does every time.
    let unnamed = edit(
        root,
        "content/indicators/07.md",
        "\n---\n",
        "\n---\n（未报告的编辑）",
    );
    let named = root.join("content/indicators/08.md");
    let stale = serve
        .rebuild(root, std::slice::from_ref(&named), &site)
        .unwrap();
    assert!(
        stale.changed.is_empty(),
        "an edit no event names is not read: {:?}",
        stale.changed
    );
    serve.rescan_every_time();
    assert!(unnamed.exists());
    rebuild_and_compare(&mut serve, root, &[named], &site, "a polled rebuild");
}

/// `dudao serve` sends the reload when the pages are done, before the
/// whole-site data: the edited page must already be there, changed, with
/// the bytes the whole build ends with, and the data only after.
#[test]
fn the_pages_of_a_rebuild_come_whole_before_its_data() {
    let project = project();
    let root = project.path();
    let mut serve = Rebuilder::default();
    let site = serve.rebuild(root, &[], &Files::new()).unwrap().files;
    let indicator = edit(
        root,
        "content/indicators/05.md",
        "\n---\n",
        "\n---\n（先于数据的页面）",
    );
    let mut pages = None;
    let timeline = dudao::serve::timeline::Timeline::starting("event", std::time::Instant::now());
    let built = serve
        .rebuild_in_two(root, &[indicator], &site, timeline, |so_far, timeline| {
            timeline.mark("sent");
            pages = Some((so_far.files.clone(), so_far.changed.to_vec()));
        })
        .unwrap();
    let (pages, told) = pages.expect("the pages step is handed on");
    let own = "indicators/5/index.html";
    assert!(String::from_utf8_lossy(&pages[own]).contains("（先于数据的页面）"));
    assert!(told.iter().any(|p| p == own), "{told:?}");
    // Every whole-site data file comes after the pages, and only then.
    for data in [
        "static/search-index.js",
        "api/catalog.json",
        "api/evidence.json",
        "tailor/index.html",
        "assessments/index.html",
        "rubrics/annex-1/annex-1.docx",
    ] {
        assert!(!pages.contains_key(data), "{data} is not a page's");
        assert!(built.files.contains_key(data), "{data} is made after");
    }
    // A page is never remade or overwritten by the data step.
    for (path, bytes) in &pages {
        assert_eq!(&built.files[path], bytes, "{path} as the reload had it");
    }
    assert!(told.iter().all(|p| built.changed.contains(p)));
    assert!(built.changed.iter().any(|p| p == "static/search-index.js"));
    assert_same_site(&built.files, &full_build(root), "the two steps");
    let steps = built.timeline.to_string();
    let names: Vec<&str> = steps
        .split(", ")
        .map(|step| step.split(' ').next().unwrap())
        .collect();
    assert_eq!(names, ["load", "pages", "sent", "data"], "{steps}");
}
