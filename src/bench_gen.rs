//! `dudao gen-bench`: synthetic projects for the benchmarks (scripts/bench).
//!
//! A scaled project holds `scale` copies of the bundled catalogue and rubrics.
//! Copy 0 is the bundled source verbatim, so `--scale 1` is exactly the
//! bundled project. Every further copy renumbers the groups, indicators and
//! footnotes after the previous copy (the validator wants them numbered
//! straight through), recombines the explanations and criteria from clauses
//! of the bundled text at the original lengths, and turns each bundled rubric
//! into a derived rubric over that copy's indicators, as an institution would
//! tailor one for an occupation. Same seed, same bytes.
//!
//! This is a developer tool: it is hidden from `--help` and nothing in the
//! site depends on it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use dudao::model::{Catalogue, Points, Project, Rubric, RubricGroup};

/// Occupations that tailored rubrics are named after, so generated titles
/// read like a province's catalogue rather than `copy 17`.
const OCCUPATIONS: &[&str] = &[
    "电工",
    "焊工",
    "钳工",
    "车工",
    "育婴员",
    "保育师",
    "中式烹调师",
    "中式面点师",
    "美发师",
    "美容师",
    "汽车维修工",
    "茶艺师",
    "评茶员",
    "养老护理员",
    "健康管理师",
    "家政服务员",
    "电子商务师",
    "互联网营销师",
    "网络与信息安全管理员",
    "企业人力资源管理师",
    "消防设施操作员",
    "保安员",
    "农作物植保员",
    "插花花艺师",
    "工业机器人系统运维员",
    "无人机驾驶员",
    "眼镜验光员",
    "西式面点师",
    "砌筑工",
    "钢筋工",
    "架子工",
    "电梯安装维修工",
];

/// Writes a project scaled `scale` times from the bundled project at `root`
/// into `out`, which must not exist or be empty.
pub fn generate(root: &Path, scale: u32, seed: u64, out: &Path) -> Result<Summary, String> {
    if scale == 0 {
        return Err("--scale must be at least 1".to_owned());
    }
    let project = match dudao::load_project(root) {
        Ok((project, _warnings)) => project,
        Err(errors) => {
            return Err(format!(
                "the bundled project at {} does not pass `dudao check`:\n{errors}",
                root.display()
            ));
        }
    };
    if out.exists()
        && fs::read_dir(out)
            .map_err(|e| format!("cannot read {}: {e}", out.display()))?
            .next()
            .is_some()
    {
        return Err(format!(
            "{} is not empty; gen-bench only writes into a new or empty directory",
            out.display()
        ));
    }

    let mut writer = Writer {
        out: out.to_owned(),
        bytes: 0,
        files: 0,
    };
    copy_bundled(root, &mut writer).map_err(|e| e.to_string())?;

    let pool = Pools::from(&project);
    let guides = indicator_guides(root).map_err(|e| e.to_string())?;
    let mut rng = SplitMix64(seed);
    for copy in 1..scale {
        write_catalogue_copy(&project.catalogue, copy, &pool, &mut rng, &mut writer)
            .map_err(|e| e.to_string())?;
        for indicator in &project.catalogue.indicators {
            if let Some(guide) = guides.get(&indicator.number) {
                let number = indicator.number + copy * project.catalogue.indicators.len() as u32;
                writer
                    .write(
                        &format!("{GUIDES_DIR}/{number:02}.md"),
                        &guide_copy(guide, number),
                    )
                    .map_err(|e| e.to_string())?;
            }
        }
        for rubric in &project.rubrics {
            let (name, text) = rubric_copy(rubric, &project.catalogue, copy, &pool, &mut rng);
            writer
                .write(&format!("rubrics/{name}.yaml"), &text)
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(Summary {
        files: writer.files,
        bytes: writer.bytes,
        groups: project.catalogue.groups.len() as u64 * u64::from(scale),
        indicators: project.catalogue.indicators.len() as u64 * u64::from(scale),
        rubrics: project.rubrics.len() as u64 * u64::from(scale),
    })
}

pub struct Summary {
    pub files: u64,
    pub bytes: u64,
    pub groups: u64,
    pub indicators: u64,
    pub rubrics: u64,
}

struct Writer {
    out: PathBuf,
    bytes: u64,
    files: u64,
}

impl Writer {
    fn write(&mut self, relative: &str, text: &str) -> io::Result<()> {
        let path = self.out.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, text).map_err(|e| with_path(e, &path))?;
        self.bytes += text.len() as u64;
        self.files += 1;
        Ok(())
    }
}

fn with_path(err: io::Error, path: &Path) -> io::Error {
    io::Error::new(err.kind(), format!("{}: {err}", path.display()))
}

/// Copy 0: the source tree as it is, plus whatever else the build reads from
/// the project root (site configuration, a theme).
fn copy_bundled(root: &Path, writer: &mut Writer) -> io::Result<()> {
    for name in ["content", "rubrics", "themes", "dudao.toml"] {
        let from = root.join(name);
        if from.exists() {
            copy_tree(&from, &writer.out.join(name), writer)?;
        }
    }
    Ok(())
}

fn copy_tree(from: &Path, to: &Path, writer: &mut Writer) -> io::Result<()> {
    if from.is_file() {
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)?;
        }
        writer.bytes += fs::copy(from, to).map_err(|e| with_path(e, from))?;
        writer.files += 1;
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = fs::read_dir(from)
        .map_err(|e| with_path(e, from))?
        .map(|e| e.map(|e| e.path()))
        .collect::<io::Result<_>>()?;
    entries.sort();
    for entry in entries {
        let name = entry.file_name().expect("read_dir yields named entries");
        copy_tree(&entry, &to.join(name), writer)?;
    }
    Ok(())
}

/// Where the evidence guides of indicators live (every indicator needs one).
const GUIDES_DIR: &str = "content/evidence/indicators";

/// The bundled indicator guides by indicator number, as text.
fn indicator_guides(root: &Path) -> io::Result<BTreeMap<u32, String>> {
    let mut guides = BTreeMap::new();
    let dir = root.join(GUIDES_DIR);
    if !dir.is_dir() {
        return Ok(guides);
    }
    for entry in fs::read_dir(&dir).map_err(|e| with_path(e, &dir))? {
        let path = entry?.path();
        let text = fs::read_to_string(&path).map_err(|e| with_path(e, &path))?;
        let number = text
            .lines()
            .find_map(|l| l.strip_prefix("indicator:"))
            .and_then(|n| n.trim().parse().ok());
        if let Some(number) = number {
            guides.insert(number, text);
        }
    }
    Ok(guides)
}

/// The guide for a copied indicator: the bundled guide's lists, renumbered.
/// Its `requirements` quote the official explanation, which a copy does not
/// carry, so they are left out.
fn guide_copy(guide: &str, number: u32) -> String {
    let mut out = String::with_capacity(guide.len());
    let mut in_requirements = false;
    for line in guide.split_inclusive('\n') {
        let top_level = line.trim_end() == "---" || !line.starts_with([' ', '-', '\t', '\n']);
        if top_level {
            in_requirements = line.starts_with("requirements:");
        }
        if in_requirements {
            continue;
        }
        if line.starts_with("indicator:") {
            let _ = writeln!(out, "indicator: {number}");
        } else {
            out.push_str(line);
        }
    }
    out
}

/// Clauses of the bundled text, the material the copies are recombined from.
struct Pools {
    explanation: Vec<String>,
    description: Vec<String>,
    criterion: Vec<String>,
    footnote: Vec<String>,
}

impl Pools {
    fn from(project: &Project) -> Pools {
        let catalogue = &project.catalogue;
        let criteria: Vec<&str> = project
            .rubrics
            .iter()
            .flat_map(Rubric::criteria)
            .map(|c| c.text.as_str())
            .collect();
        Pools {
            explanation: clauses(catalogue.indicators.iter().map(|i| i.explanation.as_str())),
            description: clauses(catalogue.groups.iter().map(|g| g.description.as_str())),
            criterion: clauses(criteria.into_iter()),
            footnote: clauses(catalogue.footnotes.iter().map(|f| f.text.as_str())),
        }
    }
}

/// Splits text after each 。；？ into clauses, dropping footnote markers (a
/// copy carries its own).
fn clauses<'a>(texts: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut pool = Vec::new();
    for text in texts {
        let mut clause = String::new();
        for ch in text.chars() {
            if ('①'..='⑳').contains(&ch) || ch == '\n' {
                continue;
            }
            clause.push(ch);
            if matches!(ch, '。' | '；' | '？') {
                let trimmed = clause.trim();
                if trimmed.chars().count() > 1 {
                    pool.push(trimmed.to_owned());
                }
                clause.clear();
            }
        }
        let trimmed = clause.trim();
        if trimmed.chars().count() > 1 {
            pool.push(format!("{trimmed}。"));
        }
    }
    pool
}

/// Recombined text about as long as `like` (±30 %), ending with 。.
fn recombine(pool: &[String], like: &str, rng: &mut SplitMix64) -> String {
    let target = like.chars().count() as u64;
    let target = (target * 7 / 10 + rng.below(target * 6 / 10 + 1)).max(8);
    let mut text = String::new();
    let mut length = 0;
    while length < target {
        let clause = &pool[rng.below(pool.len() as u64) as usize];
        text.push_str(clause);
        length += clause.chars().count() as u64;
    }
    // Every clause ends in 。；？; the text ends a sentence.
    text.pop();
    text.push('。');
    text
}

fn occupation(copy: u32) -> String {
    let name = OCCUPATIONS[copy as usize % OCCUPATIONS.len()];
    format!("{name}·{copy}")
}

fn write_catalogue_copy(
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
fn rubric_copy(
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

/// The numeral a group is printed with: 十三, 一百零五, 一千二百, 一万二千.
fn chinese_numeral(n: u32) -> String {
    const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    fn below_10000(n: u32, out: &mut String) {
        const UNITS: [&str; 4] = ["千", "百", "十", ""];
        let digits = [n / 1000, n / 100 % 10, n / 10 % 10, n % 10];
        let mut pending_zero = false;
        let mut started = false;
        for (digit, unit) in digits.into_iter().zip(UNITS) {
            if digit == 0 {
                pending_zero = started;
                continue;
            }
            if pending_zero {
                out.push('零');
                pending_zero = false;
            }
            out.push(DIGITS[digit as usize]);
            out.push_str(unit);
            started = true;
        }
    }
    if n == 0 {
        return "零".to_owned();
    }
    let mut out = String::new();
    let (high, low) = (n / 10000, n % 10000);
    if high > 0 {
        below_10000(high, &mut out);
        out.push('万');
        if low > 0 && low < 1000 {
            out.push('零');
        }
    }
    if low > 0 {
        below_10000(low, &mut out);
    }
    // 一十三 is read 十三 on its own.
    if (10..20).contains(&n) {
        out.remove(0);
    }
    out
}

/// SplitMix64: tiny, fast, and fully determined by its seed, which is all a
/// benchmark fixture needs from a random number generator.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform enough in `0..bound` for text recombination; `bound` > 0.
    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals_read_as_printed() {
        let cases = [
            (1, "一"),
            (10, "十"),
            (12, "十二"),
            (20, "二十"),
            (24, "二十四"),
            (100, "一百"),
            (105, "一百零五"),
            (110, "一百一十"),
            (1200, "一千二百"),
            (1005, "一千零五"),
            (12000, "一万二千"),
            (10010, "一万零一十"),
        ];
        for (n, numeral) in cases {
            assert_eq!(chinese_numeral(n), numeral, "{n}");
        }
    }

    #[test]
    fn recombined_text_is_near_the_original_length_and_ends_a_sentence() {
        let pool = vec!["甲乙丙丁；".to_owned(), "戊己庚辛。".to_owned()];
        let mut rng = SplitMix64(7);
        let like = "一".repeat(40);
        for _ in 0..50 {
            let text = recombine(&pool, &like, &mut rng);
            let n = text.chars().count();
            assert!((28..=60).contains(&n), "{n}: {text}");
            assert!(text.ends_with('。'), "{text}");
        }
    }
}
