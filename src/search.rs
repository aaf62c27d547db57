//! The search index: the model → `static/search-index.js`.
//!
//! Chinese has no spaces, so words cannot be split on them (this is why
//! lunr/elasticlunr find nothing for 考评员). Every run of CJK characters is
//! indexed as its overlapping pairs (bigrams), and every run of ASCII
//! letters/digits as one word. A query is cut the same way, so 题库 matches
//! inside 题库管理系统 and 考评员 is 考评 + 评员 — with no dictionary to ship or
//! keep in step between Rust and the browser; a one-character query matches
//! every pair holding the character. The browser half (`themes/default/static/js/
//! search-engine.js`) implements the same rules; both are checked against
//! `tests/search_tokenizer_vectors.json`.
//!
//! The index ships as a classic script that sets a global, because Chromium
//! blocks `fetch` on `file://`; the page injects it on the first keystroke or
//! focus of the search box, so reading a page costs nothing. It carries the
//! document texts too (the browser needs them for snippets and phrase
//! checks) and, per term, each document's BM25F weight precomputed here, so a
//! query in the browser is a few array walks and a sum.

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Parser, TagEnd};
use serde::Serialize;

use crate::model::{Kind, Project, Rubric};

/// Bumped when the shape of the shipped index changes; the browser refuses
/// an index of another version instead of misreading it.
pub const INDEX_VERSION: u32 = 1;

/// Where the index lands in the site.
pub const INDEX_PATH: &str = "static/search-index.js";

const TITLE_BOOST: f64 = 3.0;
const BODY_BOOST: f64 = 1.0;
/// Group, stage and rubric titles around a row: enough to break ties towards
/// the right section, too little to outrank a row that says the words.
const CONTEXT_BOOST: f64 = 0.3;
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Weights ship as integers: tenths of a BM25F score. Finer steps change no
/// ranking in the query set and cost a third more gzip bytes.
const WEIGHT_SCALE: f64 = 10.0;

// ---------------------------------------------------------------- tokenizer

/// Folds full-width ASCII (ＡＢＣ１２３，) to ASCII and A–Z to a–z. Every
/// character maps to exactly one character of the same UTF-16 length, so
/// offsets into the normalised text are offsets into the original — the
/// browser relies on that to highlight hits in the text as written.
pub fn normalize(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0)
                .unwrap_or(c)
                .to_ascii_lowercase(),
            '\u{3000}' => ' ',
            _ => c.to_ascii_lowercase(),
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CharClass {
    /// Ideographs, kana and hangul: written without spaces, so n-grammed.
    Cjk,
    /// ASCII letters and digits: one token per run.
    Word,
    Separator,
}

fn char_class(c: char) -> CharClass {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' => CharClass::Word,
        '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}' => CharClass::Cjk,
        _ => CharClass::Separator,
    }
}

/// Maximal runs of one class (separators dropped), in text order.
fn runs(normalized: &str) -> Vec<(CharClass, Vec<char>)> {
    let mut runs: Vec<(CharClass, Vec<char>)> = Vec::new();
    for c in normalized.chars() {
        let class = char_class(c);
        if class == CharClass::Separator {
            runs.push((CharClass::Separator, Vec::new()));
            continue;
        }
        match runs.last_mut() {
            Some((last, chars)) if *last == class => chars.push(c),
            _ => runs.push((class, vec![c])),
        }
    }
    runs.retain(|(class, _)| *class != CharClass::Separator);
    runs
}

/// The terms the index stores for `text`, in order, with repeats: each
/// ASCII word, each overlapping pair of a CJK run, and a CJK run of one
/// character as itself. Single characters of longer runs are not stored:
/// the browser answers a one-character query from the pairs that hold the
/// character, which halves the index.
pub fn index_terms(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    for (class, chars) in runs(&normalize(text)) {
        if class == CharClass::Cjk && chars.len() > 1 {
            terms.extend(chars.windows(2).map(|w| w.iter().collect::<String>()));
        } else {
            terms.push(chars.iter().collect());
        }
    }
    terms
}

/// The terms a query looks up: the index terms of the query, first
/// occurrence only.
pub fn query_terms(text: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for term in index_terms(text) {
        if !terms.contains(&term) {
            terms.push(term);
        }
    }
    terms
}

// ---------------------------------------------------------------- documents

/// One search result: a page, or a place on a page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    /// Stable id, e.g. `indicator:14`, `row:annex-1/plan-safeguards`; tests
    /// and the query set name results by it.
    #[serde(rename = "k")]
    pub key: String,
    /// Site-relative URL, `index.html` named so it works from `file://`.
    #[serde(rename = "u")]
    pub url: String,
    #[serde(rename = "t")]
    pub title: String,
    /// The line under the title: what kind of thing this is, its numbers.
    #[serde(rename = "m")]
    pub meta: String,
    /// Indexed but not shipped: the section titles around the document.
    #[serde(skip)]
    pub context: String,
    /// The body as pieces that each have their own anchor (a rubric row's
    /// criteria), so a hit links to the exact criterion. Shipped as
    /// `[anchor, text]` pairs; an empty anchor means the document's URL.
    #[serde(rename = "s")]
    pub segments: Vec<(String, String)>,
    /// The indicator number a number query (14, 第14项) jumps to.
    #[serde(rename = "n", skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
    /// The indicators a rubric row draws on: a number query (14) lists the
    /// rows under the indicator.
    #[serde(rename = "i", skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<u32>,
    /// From a rubric of ours: it ranks just below an official twin.
    #[serde(rename = "d", skip_serializing_if = "std::ops::Not::not")]
    pub derived: bool,
    /// Rows of derived rubrics that repeat this one word for word, as
    /// `[url, meta]`: shown under this result instead of as results of
    /// their own, so the top three are three different things.
    #[serde(rename = "a", skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<(String, String)>,
}

impl Document {
    fn new(key: String, url: String, title: &str, meta: String) -> Self {
        Document {
            key,
            url,
            title: title.to_string(),
            meta,
            context: String::new(),
            segments: Vec::new(),
            number: None,
            indicators: Vec::new(),
            derived: false,
            also: Vec::new(),
        }
    }

    fn body(mut self, markdown: &str) -> Self {
        self.segments
            .extend(paragraphs(markdown).into_iter().map(|p| (String::new(), p)));
        self
    }
}

/// The plain text of `markdown`, one string per block.
fn paragraphs(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(text) | Event::Code(text) => current.push_str(&text),
            Event::SoftBreak | Event::HardBreak => current.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::Heading(_)
                | TagEnd::CodeBlock
                | TagEnd::TableCell,
            ) if !current.trim().is_empty() => {
                blocks.push(std::mem::take(&mut current).trim().to_string());
            }
            _ => {}
        }
    }
    if !current.trim().is_empty() {
        blocks.push(current.trim().to_string());
    }
    blocks
}

/// 附件1 for a rubric whose source is "人社厅函〔2024〕130号 附件1"; for one
/// of ours, its title marked as ours, so a result never passes our text off
/// as official.
fn rubric_short_name(rubric: &Rubric) -> String {
    match (rubric.kind, rubric.source.as_deref()) {
        (Kind::Official, Some(source)) => source.rsplit(' ').next().unwrap_or(source).to_string(),
        (Kind::Official, None) => rubric.title.clone(),
        (Kind::Derived, _) => format!("{}（dudao 派生，非官方）", rubric.title),
    }
}

fn indicator_list(numbers: &[u32]) -> String {
    let numbers: Vec<String> = numbers.iter().map(u32::to_string).collect();
    format!("指标 {}", numbers.join("、"))
}

/// Every searchable thing in the project, in site order.
pub fn documents(project: &Project) -> Vec<Document> {
    let catalogue = &project.catalogue;
    let mut docs = Vec::new();

    // The notice is long: one document per paragraph, so a paragraph that
    // says the words is not drowned by the length of the rest. They share
    // the key, and the browser shows one result per key.
    let notice = &catalogue.notice;
    for paragraph in paragraphs(&notice.body) {
        let mut doc = Document::new(
            "notice".into(),
            "notice/index.html".into(),
            &notice.title,
            format!("通知 · {}", notice.document_number),
        );
        doc.segments.push((String::new(), paragraph));
        docs.push(doc);
    }
    docs.push(
        Document::new(
            "overview".into(),
            "index.html".into(),
            &catalogue.overview.title,
            "总览".into(),
        )
        .body(&catalogue.overview.body),
    );

    // What the notice leaves to other rules (requirements page): a question
    // like 多少天内要上传证书数据 finds the answer that there is no number.
    let mut unset = Document::new(
        "requirements".into(),
        "requirements/index.html#left-to-other-rules".into(),
        "通知未规定数值的常见问题",
        "数量时限 · dudao 编写".into(),
    );
    for q in crate::evidence::LEFT_TO_OTHER_RULES {
        unset.segments.push((
            String::new(),
            format!(
                "{}指标{}原文：“{}”。{}",
                q.question, q.indicator, q.quote, q.answer
            ),
        ));
    }
    docs.push(unset);

    for group in &catalogue.groups {
        let mut doc = Document::new(
            format!("group:{}", group.number),
            format!("groups/{}/index.html", group.number),
            &group.title,
            format!("一级指标{}", group.numeral),
        )
        .body(&group.description);
        doc.context = "一级指标".into();
        docs.push(doc);
    }

    for indicator in &catalogue.indicators {
        let group = catalogue.group(indicator.group);
        let mut doc = Document::new(
            format!("indicator:{}", indicator.number),
            format!("indicators/{}/index.html", indicator.number),
            &indicator.title,
            match group {
                Some(g) => format!("二级指标 {} · {}、{}", indicator.number, g.numeral, g.title),
                None => format!("二级指标 {}", indicator.number),
            },
        )
        .body(&indicator.explanation);
        doc.context = group.map(|g| g.title.clone()).unwrap_or_default();
        doc.number = Some(indicator.number);
        docs.push(doc);
    }

    for footnote in &catalogue.footnotes {
        docs.push(
            Document::new(
                format!("footnote:{}", footnote.number),
                format!(
                    "indicators/{}/index.html#fn-{}",
                    footnote.indicator, footnote.number
                ),
                &format!("注{}", footnote.marker),
                format!("脚注 · 适用于{}", indicator_list(&footnote.applies_to)),
            )
            .body(&footnote.text),
        );
    }

    for rubric in &project.rubrics {
        docs.extend(rubric_documents(rubric));
    }
    // The numbers the text sets, one document each (crate::evidence).
    docs.extend(crate::evidence::search_documents(project));
    fold_repeats(docs)
}

/// Folds each derived document whose title and text repeat an official one
/// into that one's `also`, and drops from the other derived documents the
/// pieces copied verbatim from official text (notes, criteria): the
/// official place answers for them, and the index does not carry them twice.
fn fold_repeats(docs: Vec<Document>) -> Vec<Document> {
    let texts =
        |d: &Document| -> Vec<String> { d.segments.iter().map(|(_, t)| t.clone()).collect() };
    let official_texts: std::collections::BTreeSet<String> =
        docs.iter().filter(|d| !d.derived).flat_map(texts).collect();
    let mut kept: Vec<Document> = Vec::with_capacity(docs.len());
    let mut official: BTreeMap<(String, Vec<String>), usize> = BTreeMap::new();
    for mut doc in docs {
        let signature = (doc.title.clone(), texts(&doc));
        if !doc.derived {
            official.entry(signature).or_insert(kept.len());
        } else if let Some(&at) = official.get(&signature) {
            kept[at].also.push((doc.url, doc.meta));
            continue;
        } else {
            doc.segments
                .retain(|(_, text)| !official_texts.contains(text));
        }
        kept.push(doc);
    }
    kept
}

fn rubric_documents(rubric: &Rubric) -> Vec<Document> {
    let short = rubric_short_name(rubric);
    let page = format!("rubrics/{}/index.html", rubric.id);
    let derived = rubric.kind == Kind::Derived;
    let mut docs = Vec::new();

    let mut doc = Document::new(
        format!("rubric:{}", rubric.id),
        page.clone(),
        &rubric.title,
        format!("评分表 · {short}"),
    );
    doc.segments
        .push((String::new(), rubric.scoring_rule.clone()));
    for note in &rubric.notes {
        doc = doc.body(note);
    }
    docs.push(doc);

    for (stage, group, row) in rubric.rows() {
        let mut where_ = vec![short.clone()];
        where_.extend(stage.title.clone());
        where_.push(group.title.clone());
        where_.push(indicator_list(&row.indicators));
        let mut doc = Document::new(
            format!("row:{}/{}", rubric.id, row.id),
            format!("{page}#row-{}", row.id),
            &row.title,
            where_.join(" · "),
        );
        doc.context = [
            rubric.title.as_str(),
            stage.title.as_deref().unwrap_or(""),
            &group.title,
        ]
        .join(" ");
        doc.indicators = row.indicators.clone();
        doc.segments = row
            .criteria
            .iter()
            .map(|c| (format!("c-{}", c.id), c.text.clone()))
            .collect();
        docs.push(doc);
    }

    if let Some(veto) = &rubric.veto {
        for item in &veto.items {
            let mut doc = Document::new(
                format!("veto:{}/{}", rubric.id, item.id),
                format!("{page}#veto-{}", item.id),
                &veto.title,
                format!("{short} · 否决项"),
            );
            doc.context = [rubric.title.as_str(), veto.intro.as_deref().unwrap_or("")].join(" ");
            doc.segments.push((String::new(), item.text.clone()));
            docs.push(doc);
        }
    }
    for doc in &mut docs {
        doc.derived = derived;
    }
    docs
}

// ---------------------------------------------------------------- the index

#[derive(Debug, Serialize)]
pub struct Index {
    #[serde(rename = "v")]
    pub version: u32,
    pub docs: Vec<Document>,
    /// term → `[doc, weight, doc, weight, …]`, docs ascending, each doc
    /// number given as the gap from the previous one (small numbers
    /// compress better).
    pub terms: BTreeMap<String, Vec<u32>>,
}

/// Builds the index: BM25F over title, body and context, so a word in a
/// title counts three times one in the body, and long bodies (the notice)
/// do not win on length alone.
pub fn build_index(project: &Project) -> Index {
    let docs = documents(project);
    let fields: Vec<[(f64, Vec<String>); 3]> = docs
        .iter()
        .map(|d| {
            let body: Vec<String> = d
                .segments
                .iter()
                .flat_map(|(_, t)| index_terms(t))
                .collect();
            [
                (TITLE_BOOST, index_terms(&d.title)),
                (BODY_BOOST, body),
                (CONTEXT_BOOST, index_terms(&d.context)),
            ]
        })
        .collect();
    let average_len: Vec<f64> = (0..3)
        .map(|f| {
            let total: usize = fields.iter().map(|d| d[f].1.len()).sum();
            (total as f64 / docs.len().max(1) as f64).max(1.0)
        })
        .collect();

    // term → doc → saturating-before BM25F term frequency
    let mut frequencies: BTreeMap<&str, BTreeMap<usize, f64>> = BTreeMap::new();
    for (doc, doc_fields) in fields.iter().enumerate() {
        for (f, (boost, terms)) in doc_fields.iter().enumerate() {
            let norm = 1.0 - B + B * terms.len() as f64 / average_len[f];
            for term in terms {
                *frequencies
                    .entry(term.as_str())
                    .or_default()
                    .entry(doc)
                    .or_default() += boost / norm;
            }
        }
    }

    let n = docs.len() as f64;
    let terms = frequencies
        .into_iter()
        .map(|(term, postings)| {
            let df = postings.len() as f64;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let mut previous = 0;
            let flat = postings
                .into_iter()
                .flat_map(|(doc, tf)| {
                    let score = idf * tf * (K1 + 1.0) / (K1 + tf);
                    let weight = (score * WEIGHT_SCALE).round().max(1.0) as u32;
                    let gap = doc - previous;
                    previous = doc;
                    [gap as u32, weight]
                })
                .collect();
            (term.to_string(), flat)
        })
        .collect();

    Index {
        version: INDEX_VERSION,
        docs,
        terms,
    }
}

/// The index as the classic script the search box injects.
pub fn index_script(project: &Project) -> Vec<u8> {
    let json = serde_json::to_string(&build_index(project)).expect("the index always serialises");
    format!("window.DUDAO_SEARCH_INDEX={json};\n").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Vectors {
        vectors: Vec<Vector>,
    }

    #[derive(serde::Deserialize)]
    struct Vector {
        text: String,
        normalized: String,
        index: Vec<String>,
        query: Vec<String>,
    }

    #[test]
    fn tokenizer_matches_the_shared_vectors() {
        let vectors: Vectors =
            serde_json::from_str(include_str!("../tests/search_tokenizer_vectors.json"))
                .expect("the vectors file is valid JSON");
        assert!(vectors.vectors.len() >= 10);
        for v in vectors.vectors {
            assert_eq!(normalize(&v.text), v.normalized, "normalize({:?})", v.text);
            assert_eq!(index_terms(&v.text), v.index, "index_terms({:?})", v.text);
            assert_eq!(query_terms(&v.text), v.query, "query_terms({:?})", v.text);
        }
    }

    #[test]
    fn normalizing_keeps_the_utf16_length() {
        let text = "第１４项　ＡＢＣ考评员𠀀";
        assert_eq!(
            normalize(text).encode_utf16().count(),
            text.encode_utf16().count()
        );
    }

    #[test]
    fn every_query_term_of_an_indexed_word_is_an_index_term() {
        let indexed = index_terms("应配备专用的题库管理系统，能够满足组卷规则要求");
        for query in ["题库", "管理系统", "题库管理系统", "组卷", "满足"] {
            for term in query_terms(query) {
                assert!(indexed.contains(&term), "{term} of {query}");
            }
        }
    }

    fn bundled_project() -> Project {
        crate::load_project(std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
            .expect("the bundled content loads")
            .0
    }

    #[test]
    fn every_key_of_the_query_set_names_a_document() {
        let keys: std::collections::BTreeSet<String> = documents(&bundled_project())
            .into_iter()
            .map(|d| d.key)
            .collect();
        let set: serde_json::Value =
            serde_json::from_str(include_str!("../tests/search_queries.json")).unwrap();
        for query in set["queries"].as_array().unwrap() {
            for key in ["expect", "accept"]
                .iter()
                .filter_map(|field| query[field].as_array())
                .flatten()
            {
                let key = key.as_str().unwrap();
                assert!(keys.contains(key), "{}: no document {key}", query["q"]);
            }
        }
    }

    #[test]
    fn a_derived_row_that_repeats_an_official_one_is_folded_into_it() {
        let docs = documents(&bundled_project());
        let official = docs
            .iter()
            .find(|d| d.key == "row:annex-1/basic-info")
            .unwrap();
        assert!(
            official
                .also
                .iter()
                .any(|(url, _)| url.starts_with("rubrics/theory-venue/")),
            "{:?}",
            official.also
        );
        assert!(!docs.iter().any(|d| d.key == "row:theory-venue/basic-info"));
        let official_texts: Vec<&str> = docs
            .iter()
            .filter(|d| !d.derived)
            .flat_map(|d| d.segments.iter().map(|(_, t)| t.as_str()))
            .collect();
        for doc in docs.iter().filter(|d| d.derived) {
            for (_, text) in &doc.segments {
                assert!(
                    !official_texts.contains(&text.as_str()),
                    "{}: {text}",
                    doc.key
                );
            }
        }
    }

    #[test]
    fn the_index_script_is_deterministic_and_sets_one_global() {
        let project = bundled_project();
        let first = index_script(&project);
        assert_eq!(first, index_script(&project));
        let text = String::from_utf8(first).unwrap();
        let json = text
            .strip_prefix("window.DUDAO_SEARCH_INDEX=")
            .and_then(|t| t.strip_suffix(";\n"))
            .expect("one assignment");
        let index: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(index["v"], INDEX_VERSION);
        // Postings are [gap, weight] pairs whose gaps add up to real documents.
        let docs = index["docs"].as_array().unwrap().len() as u64;
        for (term, postings) in index["terms"].as_object().unwrap() {
            let postings = postings.as_array().unwrap();
            assert_eq!(postings.len() % 2, 0, "{term}");
            let last: u64 = postings
                .iter()
                .step_by(2)
                .map(|g| g.as_u64().unwrap())
                .sum();
            assert!(last < docs, "{term}");
            assert!(
                postings
                    .iter()
                    .skip(1)
                    .step_by(2)
                    .all(|w| w.as_u64().unwrap() >= 1)
            );
        }
    }

    #[test]
    fn markdown_becomes_plain_paragraphs() {
        assert_eq!(
            paragraphs("第一段**加粗**\n续行。\n\n- 条目 `代码`\n"),
            vec!["第一段加粗 续行。", "条目 代码"]
        );
    }
}
