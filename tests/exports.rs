//! The Word checklist and the Excel workbook of every bundled rubric: what
//! is inside them, that they are byte-deterministic, and that third-party
//! readers open them — python-docx and openpyxl (tests/exports/office.py)
//! and LibreOffice headless, which prints both to PDF. The workbook's
//! formulas are checked against the browser's scoring module in
//! tests/browser/workbook-agreement.test.mjs.
//!
//! The readers come from scripts/install-test-deps (Debian packages
//! libreoffice-writer, libreoffice-calc, python3-openpyxl, python3-docx,
//! poppler-utils).

use std::collections::BTreeMap;
use std::fs;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use dudao::export::{docx_path, rubric_exports, xlsx_path};
use dudao::model::{Project, Rubric};
use serde_json::Value;

const PROJECT: &str = env!("CARGO_MANIFEST_DIR");

fn project() -> &'static Project {
    static PROJECT_MODEL: OnceLock<Project> = OnceLock::new();
    PROJECT_MODEL.get_or_init(|| match dudao::load_project(Path::new(PROJECT)) {
        Ok((project, _)) => project,
        Err(errors) => panic!("the bundled project does not load:\n{errors}"),
    })
}

/// Every bundled rubric's exports, keyed by path.
fn exports() -> &'static BTreeMap<String, Vec<u8>> {
    static EXPORTS: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    EXPORTS.get_or_init(|| {
        project()
            .rubrics
            .iter()
            .flat_map(|rubric| rubric_exports(rubric, base_of(rubric)).unwrap())
            .collect()
    })
}

fn base_of(rubric: &Rubric) -> Option<&'static Rubric> {
    rubric
        .based_on
        .as_deref()
        .and_then(|id| project().rubric(id))
}

fn zip_entries(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a valid zip");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut text = String::new();
            file.read_to_string(&mut text).unwrap();
            (file.name().unwrap().into_owned(), text)
        })
        .collect()
}

fn docx_xml(rubric: &Rubric) -> String {
    zip_entries(&exports()[&docx_path(&rubric.id)])["word/document.xml"].clone()
}

/// The document's text, each paragraph's runs joined (a run boundary is
/// not a text boundary: curly quotes sit in runs of their own).
fn docx_text(xml: &str) -> String {
    xml.split("</w:p>")
        .map(|paragraph| {
            paragraph
                .split("<w:t xml:space=\"preserve\">")
                .skip(1)
                .map(|t| &t[..t.find("</w:t>").unwrap()])
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn xml_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[test]
fn every_bundled_rubric_exports_a_docx_and_an_xlsx() {
    let project = project();
    assert!(project.rubrics.len() >= 2);
    let mut expected = Vec::new();
    for rubric in &project.rubrics {
        expected.push(format!("rubrics/{0}/{0}.docx", rubric.id));
        expected.push(format!("rubrics/{0}/{0}.xlsx", rubric.id));
    }
    expected.sort();
    assert_eq!(exports().keys().cloned().collect::<Vec<_>>(), expected);
    for rubric in &project.rubrics {
        let docx = zip_entries(&exports()[&docx_path(&rubric.id)]);
        for part in [
            "[Content_Types].xml",
            "_rels/.rels",
            "word/document.xml",
            "word/styles.xml",
            "word/_rels/document.xml.rels",
        ] {
            assert!(docx.contains_key(part), "{}: no {part}", rubric.id);
        }
        let xlsx = zip_entries(&exports()[&xlsx_path(&rubric.id)]);
        assert!(xlsx.contains_key("xl/workbook.xml"), "{}", rubric.id);
        assert!(
            xlsx.contains_key("xl/worksheets/sheet1.xml"),
            "{}",
            rubric.id
        );
    }
}

#[test]
fn exports_are_byte_identical_from_build_to_build() {
    for rubric in &project().rubrics {
        let again = rubric_exports(rubric, base_of(rubric)).unwrap();
        for (path, bytes) in again {
            assert!(exports()[&path] == bytes, "{path} differs between two runs");
        }
    }
    // Two separate processes too: hash-map seeds differ between processes.
    let second = tempfile::tempdir().unwrap();
    build_site(&second.path().join("site"));
    for path in exports().keys() {
        let a = fs::read(built_site().join(path)).unwrap();
        let b = fs::read(second.path().join("site").join(path)).unwrap();
        assert!(a == b, "{path} differs between two `dudao build` runs");
        assert!(
            a == exports()[path],
            "{path}: `dudao build` wrote other bytes than rubric_exports"
        );
    }
}

fn build_site(out: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_dudao"))
        .args(["build", "--root", PROJECT, "--output"])
        .arg(out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The bundled project built once by `dudao build`, shared by the tests.
fn built_site() -> &'static Path {
    static SITE: OnceLock<tempfile::TempDir> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        build_site(&dir.path().join("site"));
        dir
    })
    .path()
    .join("site")
    .leak()
}

#[test]
fn rubric_and_checklist_pages_link_to_both_downloads() {
    for rubric in &project().rubrics {
        let id = &rubric.id;
        let page =
            fs::read_to_string(built_site().join(format!("rubrics/{id}/index.html"))).unwrap();
        let checklist =
            fs::read_to_string(built_site().join(format!("rubrics/{id}/checklist/index.html")))
                .unwrap();
        for ext in ["docx", "xlsx"] {
            assert!(
                page.contains(&format!("href=\"{id}.{ext}\" download")),
                "rubric page {id} lacks the .{ext} link"
            );
            assert!(
                checklist.contains(&format!("href=\"../{id}.{ext}\" download")),
                "checklist page {id} lacks the .{ext} link"
            );
            // The links resolve: the file sits next to the rubric page.
            assert!(
                built_site()
                    .join(format!("rubrics/{id}/{id}.{ext}"))
                    .is_file()
            );
        }
    }
}

#[test]
fn docx_is_a4_portrait_with_a_repeated_header_row_and_unsplittable_rows() {
    for rubric in &project().rubrics {
        let xml = docx_xml(rubric);
        assert!(
            xml.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"),
            "{}: not A4 portrait",
            rubric.id
        );
        let rows = xml.matches("<w:tr>").count();
        assert_eq!(
            rows,
            xml.matches("<w:cantSplit/>").count(),
            "{}: every row must be cantSplit",
            rubric.id
        );
        let score_table = xml
            .split("<w:tbl>")
            .find(|table| table.contains("评分标准"))
            .expect("a score table");
        let first_row = score_table.split("</w:tr>").next().unwrap();
        assert!(
            first_row.contains("<w:tblHeader/>") && first_row.contains("评分标准"),
            "{}: the heading row must repeat on every page",
            rubric.id
        );
        assert_eq!(score_table.matches("<w:tblHeader/>").count(), 1);
        assert!(xml.contains("w:eastAsia=\"宋体\""));
        assert!(xml.contains("w:eastAsia=\"微软雅黑\""));
    }
}

#[test]
fn docx_carries_every_criterion_veto_item_header_field_and_note_verbatim() {
    for rubric in &project().rubrics {
        let xml = docx_text(&docx_xml(rubric));
        let mut expected: Vec<&str> = rubric.criteria().map(|c| c.text.as_str()).collect();
        expected.extend(rubric.rows().map(|(_, _, row)| row.title.as_str()));
        expected.extend(rubric.header_fields.iter().map(String::as_str));
        expected.extend(
            rubric
                .veto
                .iter()
                .flat_map(|v| v.items.iter().map(|i| i.text.as_str())),
        );
        for text in expected {
            assert!(
                xml.contains(&xml_escaped(text)),
                "{}: missing `{text}`",
                rubric.id
            );
        }
        for note in &rubric.notes {
            assert!(
                xml.contains(&xml_escaped(note)),
                "{}: missing note",
                rubric.id
            );
        }
        // One 符合 / 基本符合 / 不符合 box per criterion, and 有 / 无 per veto item.
        let boxes = xml.matches("□").count();
        let veto_items = rubric.veto.as_ref().map_or(0, |v| v.items.len());
        assert_eq!(
            boxes,
            3 * rubric.criteria().count() + 2 * veto_items + rubric.bands.len(),
            "{}",
            rubric.id
        );
        for stage in rubric.stages.iter().filter_map(|s| s.title.as_ref()) {
            assert!(xml.contains(&format!("{stage} 小计")), "{}", rubric.id);
        }
    }
}

/// The `<w:tr>` elements of the first table containing `marker`.
fn table_rows<'a>(xml: &'a str, marker: &str) -> Vec<&'a str> {
    let table = xml
        .split("<w:tbl>")
        .find(|t| t.contains(marker))
        .unwrap_or_else(|| panic!("no table with {marker}"));
    let table = &table[..table.find("</w:tbl>").unwrap()];
    table.split("<w:tr>").skip(1).collect()
}

#[test]
fn docx_keeps_subtotals_with_their_group_and_the_veto_table_and_signatures_together() {
    for rubric in &project().rubrics {
        let xml = docx_xml(rubric);
        let rows = table_rows(&xml, "评分标准");
        for (i, row) in rows.iter().enumerate().skip(1) {
            if row.contains(" 小计") || row.contains(">总分<") {
                assert!(
                    rows[i - 1].contains("<w:keepNext/>"),
                    "{}: the row above a subtotal must keep with it",
                    rubric.id
                );
            }
        }
        if rubric.veto.is_some() {
            let veto = table_rows(&xml, ">情形<");
            assert!(
                veto.iter().all(|r| r.contains("<w:keepNext/>")),
                "{}: the 不合格项 table is kept together and with the result",
                rubric.id
            );
        } else {
            assert!(rows.last().unwrap().contains("<w:keepNext/>"));
        }
        // Result heading (style keepNext), result line, band rule and every
        // signature but the last keep with what follows.
        let tail = &xml[xml.rfind(&format!(">{}<", rubric.labels.result)).unwrap()..];
        let paragraphs: Vec<&str> = tail.split("<w:p>").skip(1).collect();
        let signers = &rubric.labels.signatures;
        let last = paragraphs
            .iter()
            .position(|p| p.contains(&format!("{}：", signers[signers.len() - 1])))
            .expect("the last signature line");
        for p in &paragraphs[1..last] {
            assert!(p.contains("<w:keepNext/>"), "{}: {p}", rubric.id);
        }
        assert!(!paragraphs[last].contains("<w:keepNext/>"));
    }
}

#[test]
fn docx_tick_boxes_fonts_language_and_quotes_are_set_for_chinese_print() {
    for rubric in &project().rubrics {
        let xml = docx_xml(rubric);
        for run in xml.split("<w:r>").skip(1) {
            let run = &run[..run.find("</w:r>").unwrap_or(run.len())];
            if !run.contains("<w:t>") && !run.contains("<w:t ") {
                continue;
            }
            assert!(
                run.contains("<w:lang w:val=\"zh-CN\" w:eastAsia=\"zh-CN\"/>"),
                "{}: a run without the zh-CN East Asian language: {run}",
                rubric.id
            );
            // □ at 17 pt prints 3.6 mm wide in LibreOffice (docs/exports.md).
            if run.contains(">□<") {
                assert!(run.contains("<w:sz w:val=\"34\"/>"), "{}: {run}", rubric.id);
            }
            if run.contains('“') || run.contains('”') {
                assert!(
                    run.contains("w:ascii=\"宋体\"") || run.contains("w:ascii=\"微软雅黑\""),
                    "{}: a curly quote in a Latin-font run: {run}",
                    rubric.id
                );
            }
        }
        assert!(
            xml.contains(">√<"),
            "{}: the √ has a run of its own",
            rubric.id
        );
        assert!(
            xml.contains(&format!("满分 {} 分", rubric.total)),
            "{}: the total marks",
            rubric.id
        );
        assert!(!xml.contains("据 annex-"), "{}: an internal id", rubric.id);
        if let Some(base) = base_of(rubric) {
            assert!(
                xml.contains(&format!("据《{}》改编", base.title)),
                "{}: the source rubric by its title",
                rubric.id
            );
        }
        let settings = &zip_entries(&exports()[&docx_path(&rubric.id)])["word/settings.xml"];
        assert!(settings.contains("w:themeFontLang w:val=\"en-US\" w:eastAsia=\"zh-CN\""));
    }
}

// ---------------------------------------------------------------------------
// Third-party readers.

fn python() -> String {
    std::env::var("DUDAO_PYTHON").unwrap_or_else(|_| {
        if Path::new("/usr/bin/python3").exists() {
            "/usr/bin/python3".to_owned()
        } else {
            "python3".to_owned()
        }
    })
}

/// Runs tests/exports/office.py and parses its JSON.
fn office_py(args: &[&Path], command: &str) -> Value {
    let output = Command::new(python())
        .arg(Path::new(PROJECT).join("tests/exports/office.py"))
        .arg(command)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {}: {e}; run scripts/install-test-deps",
                python()
            )
        });
    assert!(
        output.status.success(),
        "office.py {command} failed (needs python3-openpyxl and python3-docx: run scripts/install-test-deps):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn write_exports(dir: &Path) -> Vec<PathBuf> {
    exports()
        .iter()
        .map(|(path, bytes)| {
            let file = dir.join(Path::new(path).file_name().unwrap());
            fs::write(&file, bytes).unwrap();
            file
        })
        .collect()
}

#[test]
fn python_docx_reads_the_checklist_as_written() {
    let dir = tempfile::tempdir().unwrap();
    write_exports(dir.path());
    for rubric in &project().rubrics {
        let doc = office_py(&[&dir.path().join(format!("{}.docx", rubric.id))], "docx");
        assert_eq!(doc["page_width_mm"], 210, "{}", rubric.id);
        assert_eq!(doc["page_height_mm"], 297, "{}", rubric.id);
        assert_eq!(doc["orientation"], 0, "{}: portrait", rubric.id);
        let fonts = doc["east_asia_fonts"].as_array().unwrap();
        assert!(fonts.contains(&Value::from("宋体")) && fonts.contains(&Value::from("微软雅黑")));
        let tables = doc["tables"].as_array().unwrap();
        let score = tables
            .iter()
            .find(|t| {
                t[0]["cells"]
                    .as_array()
                    .unwrap()
                    .contains(&Value::from("评分标准"))
            })
            .expect("score table");
        let score = score.as_array().unwrap();
        assert!(
            score[0]["flags"]
                .as_array()
                .unwrap()
                .contains(&Value::from("tblHeader"))
        );
        assert!(score.iter().all(|row| {
            row["flags"]
                .as_array()
                .unwrap()
                .contains(&Value::from("cantSplit"))
        }));
        let criterion_rows: Vec<&Value> = score
            .iter()
            .filter(|row| row["cells"].as_array().unwrap().len() == 9)
            .skip(1)
            .collect();
        let texts: Vec<String> = rubric.criteria().map(|c| c.text.clone()).collect();
        let read: Vec<String> = criterion_rows
            .iter()
            .map(|row| row["cells"][2].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            read, texts,
            "{}: criteria as python-docx reads them",
            rubric.id
        );
        let total_row = score.last().unwrap()["cells"].as_array().unwrap();
        assert_eq!(total_row[0], "总分", "{}: the notice's word", rubric.id);
        assert_eq!(total_row[1], Value::from(rubric.total.to_string()));
        let paragraphs = doc["paragraphs"].as_array().unwrap();
        assert!(paragraphs.iter().any(|p| {
            p.as_str()
                .unwrap()
                .starts_with(&rubric.labels.signatures[0])
        }));
        assert!(paragraphs.iter().any(|p| {
            p.as_str()
                .unwrap()
                .contains("判定规则（dudao 据通知整理）：")
        }));
    }
}

#[test]
fn openpyxl_reads_the_workbook_inputs_formulas_protection_and_page_setup() {
    let dir = tempfile::tempdir().unwrap();
    write_exports(dir.path());
    for rubric in &project().rubrics {
        let book = office_py(
            &[&dir.path().join(format!("{}.xlsx", rubric.id))],
            "workbook",
        );
        let ids: Vec<&str> = rubric.criteria().map(|c| c.id.as_str()).collect();
        assert_eq!(book["criteria"], serde_json::json!(ids), "{}", rubric.id);
        assert_eq!(book["sheet"], "自评表");
        assert_eq!(book["protected"], true, "{}", rubric.id);
        assert_eq!(book["password"], Value::Null, "no password");
        assert_eq!(book["answer_locked"], false);
        assert_eq!(book["partial_locked"], false);
        assert_eq!(book["score_locked"], true);
        assert_eq!(book["criterion_locked"], true);
        assert_eq!(book["total_locked"], true);
        assert_eq!(book["paper_size"], 9, "A4");
        assert_eq!(book["orientation"], "portrait");
        assert_eq!(book["id_column_hidden"], true);
        // Fit-to-page would make Excel drop the computed page breaks.
        assert_eq!(book["fit_to_page"], false, "{}", rubric.id);
        assert!(
            (50..=80).contains(&book["print_scale"].as_u64().unwrap()),
            "{}: {}",
            rubric.id,
            book["print_scale"]
        );
        assert!(
            !book["row_breaks"].as_array().unwrap().is_empty(),
            "{}: no page breaks of its own",
            rubric.id
        );
        assert!(
            book["print_area"][0]
                .as_str()
                .unwrap()
                .starts_with("$A$1:$H$")
        );
        let header = book["print_title_rows"].as_str().unwrap();
        let freeze = book["freeze_panes"].as_str().unwrap();
        assert_eq!(
            format!(
                "A{}",
                header
                    .split(':')
                    .next()
                    .unwrap()
                    .trim_start_matches('$')
                    .parse::<u32>()
                    .unwrap()
                    + 1
            ),
            freeze,
            "{}: frozen just below the repeated header row",
            rubric.id
        );
        let score = book["score_formula"].as_str().unwrap();
        assert!(
            score.contains("\"符合\"") && score.contains("\"基本符合\""),
            "{score}"
        );
        let band = book["band_formula"].as_str().unwrap();
        // The notice names the first and the last band; any between is
        // dudao's name and shows marked (合格※), as the note under the table says.
        let last = rubric.bands.len() - 1;
        for (i, b) in rubric.bands.iter().enumerate() {
            let shown = if i == 0 || i == last {
                format!("\"{}\"", b.label)
            } else {
                format!("\"{}※\"", b.label)
            };
            assert!(band.contains(&shown), "{band}");
        }
        if rubric.veto.is_some() {
            assert!(band.starts_with("=IF(COUNTIF("), "veto first: {band}");
        }
        let validations = book["validations"].as_array().unwrap();
        let lists: Vec<&str> = validations
            .iter()
            .filter(|v| v["type"] == "list")
            .map(|v| v["formula"].as_str().unwrap())
            .collect();
        assert!(lists.contains(&"\"符合,基本符合,不符合\""), "{lists:?}");
        assert_eq!(lists.contains(&"\"是,否\""), rubric.veto.is_some());
        let partials: Vec<&Value> = validations
            .iter()
            .filter(|v| v["type"] == "custom")
            .collect();
        assert_eq!(
            partials.len(),
            ids.len(),
            "{}: one partial rule per criterion",
            rubric.id
        );
        assert!(
            partials
                .iter()
                .all(|v| v["prompt"].as_str().unwrap().contains("0.5"))
        );
        assert!(book["created"].as_str().unwrap().starts_with("2024-01-01"));
        assert_eq!(
            book["colour_protection_mismatches"],
            serde_json::json!([]),
            "{}: every yellow cell unlocked and every unlocked cell yellow",
            rubric.id
        );
        assert_eq!(
            book["band_cached"],
            format!("未完成 (0/{})", ids.len()),
            "{}: a blank workbook is no verdict",
            rubric.id
        );
        assert!(
            band.contains(&format!("<{},\"未完成 (\"", ids.len())),
            "{}: no band until every criterion is answered: {band}",
            rubric.id
        );
    }
}

/// A LibreOffice user profile of our own, so tests never touch (or wait on)
/// the user's, and can run side by side.
fn soffice(args: &[&std::ffi::OsStr], profile: &Path) {
    let output = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .arg("--headless")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run soffice: {e}; run scripts/install-test-deps"));
    assert!(
        output.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn pdf_pages(pdf: &Path) -> Vec<String> {
    let output = Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

fn pdf_page_size(pdf: &Path) -> String {
    let output = Command::new("pdfinfo").arg(pdf).output().unwrap();
    let info = String::from_utf8(output.stdout).unwrap();
    info.lines()
        .find(|l| l.starts_with("Page size:"))
        .unwrap()
        .to_owned()
}

#[test]
fn libreoffice_prints_every_export_on_a4_with_the_header_on_every_table_page() {
    let dir = tempfile::tempdir().unwrap();
    let files = write_exports(dir.path());
    let profile = dir.path().join("profile");
    for ext in ["docx", "xlsx"] {
        let out = dir.path().join(format!("pdf-{ext}"));
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "--convert-to".as_ref(),
            "pdf".as_ref(),
            "--outdir".as_ref(),
            out.as_os_str(),
        ];
        let inputs: Vec<&PathBuf> = files
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == ext))
            .collect();
        args.extend(inputs.iter().map(|f| f.as_os_str()));
        soffice(&args, &profile);
        for rubric in &project().rubrics {
            let pdf = out.join(format!("{}.pdf", rubric.id));
            assert!(
                pdf.exists(),
                "LibreOffice did not print {}.{ext}",
                rubric.id
            );
            assert!(
                pdf_page_size(&pdf).contains("(A4)"),
                "{}.{ext}: {}",
                rubric.id,
                pdf_page_size(&pdf)
            );
            let pages = pdf_pages(&pdf);
            let squeezed: Vec<String> = pages
                .iter()
                .map(|p| p.chars().filter(|c| !c.is_whitespace()).collect())
                .collect();
            // The table runs from page 1 to the page with 总分; each of
            // those pages starts its table with the heading row.
            let last_table_page = squeezed
                .iter()
                .position(|p| p.contains("总分"))
                .unwrap_or_else(|| panic!("{}.{ext}: no 总分 printed", rubric.id));
            for (i, page) in squeezed.iter().enumerate().take(last_table_page + 1) {
                assert!(
                    page.contains("评分标准") && page.contains("分值") && page.contains("得分"),
                    "{}.{ext}: page {} lacks the table heading",
                    rubric.id,
                    i + 1
                );
            }
            let all: String = squeezed.concat();
            let last = rubric.criteria().last().unwrap();
            // Its first characters: further on, -layout interleaves wrapped
            // lines with the neighbouring cells.
            let head: String = last
                .text
                .chars()
                .filter(|c| !c.is_whitespace())
                .take(6)
                .collect();
            assert!(
                all.contains(&head),
                "{}.{ext}: last criterion not printed",
                rubric.id
            );
            if ext == "docx" {
                assert!(all.contains(&rubric.labels.signatures[0]), "{}", rubric.id);
                assert!(all.contains("判定规则"), "{}", rubric.id);
            }
            signatures_share_their_page_with_the_form(rubric, ext, &pages, &squeezed, &head);
        }
    }
}

/// The page of the signatures also holds the result and the end of the
/// form; no page ends on a heading; in the workbook no column spills onto
/// a page of its own.
fn signatures_share_their_page_with_the_form(
    rubric: &Rubric,
    ext: &str,
    pages: &[String],
    squeezed: &[String],
    last_criterion_head: &str,
) {
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let signer = squeeze(&rubric.labels.signatures[0]);
    let at = squeezed
        .iter()
        .position(|p| p.contains(&signer))
        .unwrap_or_else(|| panic!("{}.{ext}: no signature line printed", rubric.id));
    let page = &squeezed[at];
    let n = at + 1;
    for signer in &rubric.labels.signatures {
        assert!(
            page.contains(&squeeze(signer)),
            "{}.{ext}: the signature lines are split across pages",
            rubric.id
        );
    }
    // The 不合格项 table is never split, and prints with the result.
    for item in rubric.veto.iter().flat_map(|v| &v.items) {
        let head: String = squeeze(&item.text).chars().take(8).collect();
        assert!(
            page.contains(&head),
            "{}.{ext} page {n}: 不合格项 “{head}” not on the page of the signatures",
            rubric.id
        );
    }
    if ext == "xlsx" {
        assert!(
            page.contains(last_criterion_head) && page.contains("评定等级"),
            "{}.xlsx page {n}: the signatures without the last criterion and the result",
            rubric.id
        );
        for (i, (text, squeezed)) in pages.iter().zip(squeezed).enumerate() {
            assert!(
                squeezed.contains("评分标准") && squeezed.contains("备注（证据、说明）"),
                "{}.xlsx page {}: not the whole width of the table (a column spilled)",
                rubric.id,
                i + 1
            );
            let last_line = text
                .lines()
                .map(str::trim)
                .rfind(|l| !l.is_empty() && !squeeze(l).contains("页共"))
                .unwrap_or_default();
            assert!(
                !last_line.starts_with("一级指标：") && !last_line.starts_with("环节："),
                "{}.xlsx page {} ends on a heading: {last_line}",
                rubric.id,
                i + 1
            );
        }
    } else {
        let end = match &rubric.veto {
            Some(veto) => squeeze(&veto.items.last().unwrap().text)
                .chars()
                .take(8)
                .collect(),
            None => "总分".to_owned(),
        };
        assert!(
            page.contains(&squeeze(&rubric.labels.result)) && page.contains(&end),
            "{}.docx page {n}: the signatures without the result and the last rows",
            rubric.id
        );
        assert!(
            page.contains("被督导机构名称"),
            "{}.docx page {n}: the signatures on a page that does not name the institution",
            rubric.id
        );
    }
}

/// `bytes` (a .docx) with `from` replaced by `to` in every XML part.
fn docx_with(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
    use std::io::Write as _;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, text) in zip_entries(bytes) {
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(text.replace(from, to).as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Page `page` of `pdf` as a grey-scale bitmap at 100 dpi.
fn rendered_page(pdf: &Path, page: u32) -> Vec<u8> {
    let prefix = pdf.with_extension(format!("p{page}"));
    let status = Command::new("pdftoppm")
        .args(["-r", "100", "-gray", "-singlefile"])
        .args(["-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .expect("pdftoppm (poppler-utils)");
    assert!(status.success());
    fs::read(prefix.with_extension(format!("p{page}.pgm"))).unwrap()
}

/// pdffonts cannot say which face LibreOffice used: every face of the Noto
/// CJK collection shares one CFF table, named …CJKjp…, so an SC run prints
/// as “NotoSansCJKjp” too. The glyphs tell: the checklist, whose East Asian
/// runs name 宋体 and 微软雅黑 (absent here) with the language zh-CN, prints
/// pixel for pixel like a copy that names Noto Sans CJK SC outright, and
/// unlike a copy tagged ja-JP, whose substitute draws Japanese glyph forms.
#[test]
fn libreoffice_draws_the_docx_in_the_simplified_chinese_face() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = &exports()[&docx_path("violations")];
    let sc = docx_with(
        &docx_with(
            bytes,
            "w:eastAsia=\"宋体\"",
            "w:eastAsia=\"Noto Sans CJK SC\"",
        ),
        "w:eastAsia=\"微软雅黑\"",
        "w:eastAsia=\"Noto Sans CJK SC\"",
    );
    let ja = docx_with(bytes, "\"zh-CN\"", "\"ja-JP\"");
    assert!(
        &sc != bytes && &ja != bytes,
        "the copies differ from the built file"
    );
    let files = [("as-built", bytes.clone()), ("sc", sc), ("ja", ja)];
    let mut args: Vec<std::ffi::OsString> =
        ["--convert-to", "pdf", "--outdir"].map(Into::into).to_vec();
    args.push(dir.path().into());
    for (name, bytes) in &files {
        let file = dir.path().join(format!("{name}.docx"));
        fs::write(&file, bytes).unwrap();
        args.push(file.into());
    }
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    soffice(&args, &dir.path().join("profile"));
    let page = |name: &str| rendered_page(&dir.path().join(format!("{name}.pdf")), 1);
    let built = page("as-built");
    assert!(
        built == page("sc"),
        "the checklist's Chinese text is not drawn in Noto Sans CJK SC"
    );
    assert!(
        built != page("ja"),
        "the language tag does not choose the glyphs: a ja-JP copy prints the same"
    );
}
