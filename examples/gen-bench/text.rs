//! Synthetic text: clauses of the bundled text recombined at the original
//! lengths, occupation names, Chinese numerals, and the seeded generator
//! that picks them.

use dudao::model::Project;

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

/// Clauses of the bundled text, the material the copies are recombined from.
pub struct Pools {
    pub explanation: Vec<String>,
    pub description: Vec<String>,
    pub criterion: Vec<String>,
    pub footnote: Vec<String>,
}

impl Pools {
    pub fn from(project: &Project) -> Pools {
        let catalogue = &project.catalogue;
        let criteria: Vec<&str> = project
            .rubrics
            .iter()
            .flat_map(|r| r.criteria())
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
pub fn recombine(pool: &[String], like: &str, rng: &mut SplitMix64) -> String {
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

pub fn occupation(copy: u32) -> String {
    let name = OCCUPATIONS[copy as usize % OCCUPATIONS.len()];
    format!("{name}·{copy}")
}

/// The numeral a group is printed with: 十三, 一百零五, 一千二百, 一万二千.
pub fn chinese_numeral(n: u32) -> String {
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
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform enough in `0..bound` for text recombination; `bound` > 0.
    pub fn below(&mut self, bound: u64) -> u64 {
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
