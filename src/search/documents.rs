//! The model → search documents: one per page or place a reader may want
//! (indicator, group, footnote, rubric row, requirement), with the text the
//! browser shows as snippets.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{Event, Parser, TagEnd};
use serde::Serialize;

use crate::model::{Kind, Project, Rubric, requirement_entries};

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
    for q in crate::model::LEFT_TO_OTHER_RULES {
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
                // The scope of “下同” is our reading (the notice lists no indicator).
                format!(
                    "脚注 · “下同”适用于{}（dudao 读法）",
                    indicator_list(&footnote.applies_to)
                ),
            )
            .body(&footnote.text),
        );
    }

    for rubric in &project.rubrics {
        docs.extend(rubric_documents(rubric));
    }
    // The numbers the text sets, one document each.
    docs.extend(requirement_documents(project));
    fold_repeats(docs)
}

/// Folds each derived document whose title and text repeat an official one
/// into that one's `also`, and drops from the other derived documents the
/// pieces copied verbatim from official text (notes, criteria): the
/// official place answers for them, and the index does not carry them twice.
fn fold_repeats(docs: Vec<Document>) -> Vec<Document> {
    /// What becomes of a document: decided first, borrowing the texts, so
    /// no text is copied (every text was, twice, at ×100).
    enum Fate {
        Keep,
        /// Folded into the official document at this index.
        Into(usize),
        /// Kept without the segments marked `false`.
        Trim(Vec<bool>),
    }
    let fates: Vec<Fate> = {
        fn texts(d: &Document) -> Vec<&str> {
            d.segments.iter().map(|(_, t)| t.as_str()).collect()
        }
        let official_texts: HashSet<&str> = docs
            .iter()
            .filter(|d| !d.derived)
            .flat_map(|d| d.segments.iter().map(|(_, t)| t.as_str()))
            .collect();
        let mut official: HashMap<(&str, Vec<&str>), usize> = HashMap::new();
        docs.iter()
            .enumerate()
            .map(|(at, doc)| {
                let signature = (doc.title.as_str(), texts(doc));
                if !doc.derived {
                    official.entry(signature).or_insert(at);
                    Fate::Keep
                } else if let Some(&official) = official.get(&signature) {
                    Fate::Into(official)
                } else {
                    let keep = doc
                        .segments
                        .iter()
                        .map(|(_, t)| !official_texts.contains(t.as_str()));
                    Fate::Trim(keep.collect())
                }
            })
            .collect()
    };
    let mut kept: Vec<Document> = Vec::with_capacity(docs.len());
    let mut place = vec![0; docs.len()];
    for (at, (mut doc, fate)) in docs.into_iter().zip(fates).enumerate() {
        match fate {
            Fate::Into(official) => {
                kept[place[official]].also.push((doc.url, doc.meta));
                continue;
            }
            Fate::Trim(keep) => {
                let mut keep = keep.into_iter();
                doc.segments.retain(|_| keep.next().unwrap_or(true));
            }
            Fate::Keep => {}
        }
        place[at] = kept.len();
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

/// One search document per requirement, so a query such as 工作日 or 1000道题
/// finds the number and jumps to where the text sets it. Each shares the key
/// and title of the indicator or row that sets the number: the browser shows
/// one result per key, so a requirement never crowds out its own source. The
/// quote is not repeated: the source's own document already carries it.
fn requirement_documents(project: &Project) -> Vec<Document> {
    requirement_entries(project)
        .into_iter()
        .map(|entry| Document {
            key: entry.place.clone(),
            url: entry.url.clone(),
            // The place's own title: the number is body text, so it finds
            // its place without outranking what the place is about.
            title: entry.place_title.to_owned(),
            meta: format!("数量时限要求 · {} · {}", entry.kind_label, entry.source),
            context: "迎检准备 数量 时限 要求".to_owned(),
            segments: vec![(String::new(), entry.requirement.text.clone())],
            number: None,
            indicators: Vec::new(),
            derived: !entry.official,
            also: Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
            serde_json::from_str(include_str!("../../tests/search_queries.json")).unwrap();
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
    fn markdown_becomes_plain_paragraphs() {
        assert_eq!(
            paragraphs("第一段**加粗**\n续行。\n\n- 条目 `代码`\n"),
            vec!["第一段加粗 续行。", "条目 代码"]
        );
    }
}
