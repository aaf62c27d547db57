//! The tokenizer the index and the browser share: full-width folding, CJK
//! runs cut into overlapping pairs, ASCII runs kept whole
//! (tests/search_tokenizer_vectors.json holds the cases both must pass).

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
            serde_json::from_str(include_str!("../../tests/search_tokenizer_vectors.json"))
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
}
