//! One copy of the catalogue and of each rubric, written as source files
//! (Markdown with front matter, rubric YAML) the way an author would.

use std::fmt::Write as _;
use std::io;

use dudao::model::{Catalogue, Points, Rubric, RubricGroup};

use crate::Writer;
use crate::text::{Pools, SplitMix64, chinese_numeral, occupation, recombine};

pub fn write_catalogue_copy(
    catalogue: &Catalogue,
    copy: u32,
    pool: &Pools,
    rng: &mut SplitMix64,
    writer: &mut Writer,
) -> io::Result<()> {
    let group_offset = copy * catalogue.groups.len() as u32;
    let indicator_offset = copy * catalogue.indicators.len() as u32;
    let footnote_offset = copy * catalogue.footnotes.len() as u32;
    let width = |n: u32| if n < 100 { 2 } else { n.to_string().len() };
    let tag = occupation(copy);

    for group in &catalogue.groups {
        let number = group.number + group_offset;
        let mut front = String::new();
        field(&mut front, "number", &number.to_string());
        field(&mut front, "numeral", &quote(&chinese_numeral(number)));
        field(
            &mut front,
            "title",
            &quote(&format!("{}（{tag}）", group.title)),
        );
        let body = recombine(&pool.description, &group.description, rng);
        writer.write(
            &format!("content/groups/{number:0w$}.md", w = width(number)),
            &document(&front, &body),
        )?;
    }

    for indicator in &catalogue.indicators {
        let number = indicator.number + indicator_offset;
        let mut front = String::new();
        field(&mut front, "number", &number.to_string());
        field(
            &mut front,
            "group",
            &(indicator.group + group_offset).to_string(),
        );
        field(
            &mut front,
            "title",
            &quote(&format!("{}（{tag}）", indicator.title)),
        );
        let mut body = recombine(&pool.explanation, &indicator.explanation, rng);
        if !indicator.footnotes.is_empty() {
            let numbers: Vec<String> = indicator
                .footnotes
                .iter()
                .map(|f| (f + footnote_offset).to_string())
                .collect();
            field(
                &mut front,
                "footnotes",
                &format!("[{}]", numbers.join(", ")),
            );
            // The marker sits in the text like the source's ①, before the full stop.
            body.pop();
            for footnote in &indicator.footnotes {
                if let Some(f) = catalogue.footnotes.iter().find(|f| f.number == *footnote) {
                    body.push_str(&f.marker);
                }
            }
            body.push('。');
        }
        writer.write(
            &format!("content/indicators/{number:0w$}.md", w = width(number)),
            &document(&front, &body),
        )?;
    }

    for footnote in &catalogue.footnotes {
        let number = footnote.number + footnote_offset;
        let applies_to: Vec<String> = footnote
            .applies_to
            .iter()
            .map(|i| (i + indicator_offset).to_string())
            .collect();
        let mut front = String::new();
        field(&mut front, "number", &number.to_string());
        field(&mut front, "marker", &quote(&footnote.marker));
        field(
            &mut front,
            "indicator",
            &(footnote.indicator + indicator_offset).to_string(),
        );
        field(
            &mut front,
            "applies_to",
            &format!("[{}]", applies_to.join(", ")),
        );
        let body = recombine(&pool.footnote, &footnote.text, rng);
        writer.write(
            &format!("content/footnotes/{number:0w$}.md", w = width(number)),
            &document(&front, &body),
        )?;
    }
    Ok(())
}

/// A derived rubric for copy `copy`: the shape and points of `rubric`, its
/// rows pointing at that copy's indicators, its criteria recombined.
pub fn rubric_copy(
    rubric: &Rubric,
    catalogue: &Catalogue,
    copy: u32,
    pool: &Pools,
    rng: &mut SplitMix64,
) -> (String, String) {
    let indicator_offset = copy * catalogue.indicators.len() as u32;
    let id = format!("{}-s{copy:04}", rubric.id);
    let tag = occupation(copy);
    let mut y = String::new();
    field(&mut y, "id", &id);
    field(&mut y, "title", &quote(&format!("{tag}{}", rubric.title)));
    if let Some(label) = &rubric.label {
        field(&mut y, "label", &quote(label));
    }
    field(&mut y, "kind", "derived");
    field(&mut y, "based_on", &rubric.id);
    field(
        &mut y,
        "rationale",
        &quote(&format!(
            "按{tag}职业（工种）的评价特点，对{}的评分标准作了调整；分值结构不变。",
            rubric.title
        )),
    );
    field(&mut y, "total", &rubric.total.to_string());
    field(&mut y, "scoring_rule", &quote(&rubric.scoring_rule));
    let header: Vec<String> = rubric.header_fields.iter().map(|h| quote(h)).collect();
    field(&mut y, "header_fields", &format!("[{}]", header.join(", ")));

    let write_groups =
        |y: &mut String, groups: &[RubricGroup], indent: &str, rng: &mut SplitMix64| {
            for group in groups {
                let _ = writeln!(y, "{indent}- id: {}", group.id);
                let _ = writeln!(y, "{indent}  title: {}", quote(&group.title));
                let _ = writeln!(y, "{indent}  points: {}", group.points);
                let _ = writeln!(y, "{indent}  rows:");
                for row in &group.rows {
                    let indicators: Vec<String> = row
                        .indicators
                        .iter()
                        .map(|i| (i + indicator_offset).to_string())
                        .collect();
                    let _ = writeln!(y, "{indent}    - id: {}", row.id);
                    let _ = writeln!(y, "{indent}      title: {}", quote(&row.title));
                    let _ = writeln!(y, "{indent}      indicators: [{}]", indicators.join(", "));
                    let _ = writeln!(y, "{indent}      criteria:");
                    for criterion in &row.criteria {
                        let text = recombine(&pool.criterion, &criterion.text, rng);
                        let _ = writeln!(y, "{indent}        - id: {}", criterion.id);
                        let _ = writeln!(y, "{indent}          text: {}", quote(&text));
                        let _ =
                            writeln!(y, "{indent}          points: {}", points(criterion.points));
                    }
                }
            }
        };
    if rubric.has_stages {
        y.push_str("stages:\n");
        for stage in &rubric.stages {
            let _ = writeln!(y, "  - id: {}", stage.id);
            let title = stage.title.as_deref().unwrap_or_default();
            let _ = writeln!(y, "    title: {}", quote(title));
            let _ = writeln!(y, "    points: {}", stage.points);
            let _ = writeln!(y, "    groups:");
            write_groups(&mut y, &stage.groups, "      ", rng);
        }
    } else {
        y.push_str("groups:\n");
        for stage in &rubric.stages {
            write_groups(&mut y, &stage.groups, "  ", rng);
        }
    }
    if let Some(veto) = &rubric.veto {
        y.push_str("veto:\n");
        let _ = writeln!(y, "  title: {}", quote(&veto.title));
        if let Some(intro) = &veto.intro {
            let _ = writeln!(y, "  intro: {}", quote(intro));
        }
        y.push_str("  items:\n");
        for item in &veto.items {
            let _ = writeln!(y, "    - id: {}", item.id);
            let _ = writeln!(y, "      text: {}", quote(&item.text));
        }
    }
    y.push_str("bands:\n");
    for band in &rubric.bands {
        let _ = writeln!(y, "  - id: {}", band.id);
        let _ = writeln!(y, "    label: {}", quote(&band.label));
        let _ = writeln!(y, "    min: {}", band.min);
        if let Some(consequence) = &band.consequence {
            let _ = writeln!(y, "    consequence: {}", quote(consequence));
        }
    }
    if !rubric.notes.is_empty() {
        y.push_str("notes:\n");
        for note in &rubric.notes {
            let _ = writeln!(y, "  - {}", quote(note));
        }
    }
    (id, y)
}

fn points(points: Points) -> String {
    points.to_string()
}

fn field(out: &mut String, key: &str, value: &str) {
    let _ = writeln!(out, "{key}: {value}");
}

/// A YAML double-quoted scalar. JSON string syntax is a subset of it, and
/// serde_json leaves the Chinese readable.
fn quote(text: &str) -> String {
    serde_json::to_string(text).expect("a string always serialises")
}

fn document(front: &str, body: &str) -> String {
    format!("---\n{front}---\n{body}\n")
}
