//! What the search log keeps of a query: personal details replaced by placeholders before
//! anything is stored.
//!
//! The text is first put in Unicode normalisation form NFKC and lowercased, so that
//! full-width and other compatibility forms (`＠`, `０７７００`, `ＳＷ１Ａ`) read as their
//! plain letters and digits. It is cut into tokens at white space, control characters
//! and invisible formatting characters (zero-width spaces, bidirectional controls), and
//! each token into *atoms*, its runs of letters and digits, so that a detail split by
//! spaces, hyphens, dots, brackets or slashes is matched across them. What is replaced:
//!
//! | placeholder | what |
//! | --- | --- |
//! | `[email]` | a token with `@` and a dot after it; `name @ host.tld` across tokens |
//! | `[reference]` | a receipt reference (`LEDS-7K3M-9QF2-X4TD`, any prefix, any separators, or written without them) |
//! | `[ni-number]` | a National Insurance number (`QQ 12 34 56 C`, any separators) |
//! | `[postcode]` | a UK postcode (`SW1A 1AA`, `sw1a-1aa`, `SW1A1AA`) |
//! | `[phone]` | a run of numbers and number words (English and Welsh: "seven", "oh", "double", "saith") holding 7 digits or more |
//! | `[number]` | any other token holding 7 digits or more |
//!
//! A token any atom of which is in a match is replaced whole. Everything else is kept as
//! typed (after NFKC and lowercasing): words, paragraph numbers such as `4.3`, years and
//! other numbers of up to 6 digits. A run of numbers is scrubbed by its digit count, so
//! two years written together (`2019-2024`) read as `[phone]`: a loss to the report, on
//! the side of the searcher.

use unicode_normalization::UnicodeNormalization;

/// What a match is replaced by.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Email,
    Reference,
    NiNumber,
    Postcode,
    Phone,
    Number,
}

impl Kind {
    fn placeholder(self) -> &'static str {
        match self {
            Kind::Email => "[email]",
            Kind::Reference => "[reference]",
            Kind::NiNumber => "[ni-number]",
            Kind::Postcode => "[postcode]",
            Kind::Phone => "[phone]",
            Kind::Number => "[number]",
        }
    }
}

/// The fewest digits that make a run of numbers a phone number (or a token a number).
const MIN_DIGITS: usize = 7;

/// `text` as the search log keeps it: NFKC, lowercased, personal details replaced,
/// tokens separated by one space. Not shortened.
pub fn scrub(text: &str) -> String {
    let norm: String = text.nfkc().collect::<String>().to_lowercase();
    let tokens: Vec<&str> = norm
        .split(|c: char| c.is_whitespace() || c.is_control() || is_invisible(c))
        .filter(|t| !t.is_empty())
        .collect();
    // Each token's match, if any: (match number, kind).
    let mut marks: Vec<Vec<(usize, Kind)>> = vec![Vec::new(); tokens.len()];
    let mut matches = 0;
    for (i, t) in tokens.iter().enumerate() {
        if looks_like_email(t) {
            marks[i].push((matches, Kind::Email));
            matches += 1;
        } else if *t == "@" && i > 0 && tokens.get(i + 1).is_some_and(|n| n.contains('.')) {
            for mark in &mut marks[i - 1..=i + 1] {
                mark.clear();
                mark.push((matches, Kind::Email));
            }
            matches += 1;
        }
    }
    let atoms: Vec<(usize, &str)> = tokens
        .iter()
        .enumerate()
        .filter(|(i, _)| marks[*i].is_empty())
        .flat_map(|(i, t)| {
            t.split(|c: char| !c.is_alphanumeric())
                .filter(|a| !a.is_empty())
                .map(move |a| (i, a))
        })
        .collect();
    let words: Vec<&str> = atoms.iter().map(|(_, a)| *a).collect();
    let mut a = 0;
    while a < words.len() {
        let Some((len, kind)) = match_at(&words[a..]) else {
            a += 1;
            continue;
        };
        for (token, _) in &atoms[a..a + len] {
            if marks[*token].last().map(|m| m.0) != Some(matches) {
                marks[*token].push((matches, kind));
            }
        }
        matches += 1;
        a += len;
    }
    let mut out: Vec<&str> = Vec::with_capacity(tokens.len());
    let mut last_match = None;
    for (t, m) in tokens.iter().zip(&marks) {
        if m.is_empty() {
            out.push(t);
            last_match = None;
        }
        for &(n, kind) in m {
            if last_match != Some(n) {
                out.push(kind.placeholder());
                last_match = Some(n);
            }
        }
    }
    out.join(" ")
}

/// The detail starting at `words[0]`, as its length in atoms and its kind.
fn match_at(words: &[&str]) -> Option<(usize, Kind)> {
    // A reference's prefix is optional: not taken when the reference that follows would
    // reach further without it ("receipt LEDS 7K3M 9QF2 X4TD").
    reference(words)
        .filter(|&n| reference(&words[1..]).is_none_or(|m| m < n))
        .map(|n| (n, Kind::Reference))
        .or_else(|| ni_number(words).map(|n| (n, Kind::NiNumber)))
        .or_else(|| postcode(words).map(|n| (n, Kind::Postcode)))
        .or_else(|| phone(words).map(|n| (n, Kind::Phone)))
        .or_else(|| (digits(words[0]) >= MIN_DIGITS).then_some((1, Kind::Number)))
        .or_else(|| is_code(words[0]).then_some((1, Kind::Reference)))
}

/// Invisible characters that split tokens: zero-width spaces and joiners, bidirectional
/// controls, the word joiner and its kin, the byte order mark, the soft hyphen.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

fn looks_like_email(t: &str) -> bool {
    match t.split_once('@') {
        Some((user, domain)) => !user.is_empty() && domain.contains('.'),
        None => false,
    }
}

fn digits(s: &str) -> usize {
    s.chars().filter(|c| c.is_numeric()).count()
}

fn letters(s: &str) -> usize {
    s.chars().filter(|c| c.is_alphabetic()).count()
}

/// A receipt reference: an optional prefix of letters and two or three groups of four
/// letters and digits, holding at least two digits and a letter between them.
fn reference(words: &[&str]) -> Option<usize> {
    let group = |w: &&&str| w.chars().count() == 4 && w.chars().all(|c| c.is_ascii_alphanumeric());
    let groups = |from: usize| {
        let n = words[from..].iter().take(3).take_while(group).count();
        let joined: String = words[from..from + n].concat();
        (n >= 2 && digits(&joined) >= 2 && letters(&joined) >= 1).then_some(n)
    };
    let first = words.first()?;
    let prefixed = first.chars().count() <= 12
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && words.len() > 2;
    if prefixed && let Some(n) = groups(1) {
        return Some(n + 1);
    }
    groups(0)
}

/// A code written without separators: eight characters or more, mixing letters and at
/// least three digits (a reference, with or without its prefix).
fn is_code(w: &str) -> bool {
    w.chars().count() >= 8 && digits(w) >= 3 && letters(w) >= 2
}

/// The atoms whose concatenation, taken whole, satisfies `accept`: the longest such
/// prefix of at most `max_chars` characters.
fn joined_match(words: &[&str], max_chars: usize, accept: impl Fn(&str) -> bool) -> Option<usize> {
    let mut joined = String::new();
    let mut best = None;
    for (n, w) in words.iter().enumerate() {
        joined.push_str(w);
        if joined.chars().count() > max_chars {
            break;
        }
        if accept(&joined) {
            best = Some(n + 1);
        }
    }
    best
}

/// A National Insurance number: two letters, six digits and an optional letter A to D.
/// Any two letters, not only the prefixes HMRC issues: a mistyped number is scrubbed too.
fn ni_number(words: &[&str]) -> Option<usize> {
    joined_match(words, 9, |s| {
        let c: Vec<char> = s.chars().collect();
        (c.len() == 8 || c.len() == 9)
            && c[0].is_ascii_lowercase()
            && c[1].is_ascii_lowercase()
            && c[2..8].iter().all(char::is_ascii_digit)
            && c.get(8).is_none_or(|l| ('a'..='d').contains(l))
    })
}

/// A UK postcode, its outward and inward parts written together or apart.
fn postcode(words: &[&str]) -> Option<usize> {
    joined_match(words, 7, |s| {
        s.len() >= 5
            && s.is_ascii()
            && is_inward(&s[s.len() - 3..])
            && is_outward(&s[..s.len() - 3])
    })
}

/// The outward part of a UK postcode: A9, A99, AA9, AA99, A9A, AA9A.
fn is_outward(s: &str) -> bool {
    let c: Vec<char> = s.chars().collect();
    let letter = |i: usize| c.get(i).is_some_and(char::is_ascii_alphabetic);
    let digit = |i: usize| c.get(i).is_some_and(char::is_ascii_digit);
    let alnum = |i: usize| c.get(i).is_some_and(char::is_ascii_alphanumeric);
    match c.len() {
        2 => letter(0) && digit(1),
        3 => letter(0) && (digit(1) && alnum(2) || letter(1) && digit(2)),
        4 => letter(0) && letter(1) && digit(2) && alnum(3),
        _ => false,
    }
}

/// The inward part of a UK postcode: 9AA.
fn is_inward(s: &str) -> bool {
    let c: Vec<char> = s.chars().collect();
    c.len() == 3
        && c[0].is_ascii_digit()
        && c[1].is_ascii_alphabetic()
        && c[2].is_ascii_alphabetic()
}

/// Digits a number word stands for in a spoken number ("double" and "triple" stand for
/// the digit they repeat): English and Welsh.
fn spoken_digits(w: &str) -> Option<usize> {
    match w {
        "zero" | "oh" | "nought" | "nil" | "one" | "two" | "three" | "four" | "five" | "six"
        | "seven" | "eight" | "nine" | "dim" | "un" | "dau" | "dwy" | "tri" | "tair" | "pedwar"
        | "pedair" | "pump" | "chwech" | "saith" | "wyth" | "naw" => Some(1),
        "double" | "dwbl" => Some(1),
        "triple" => Some(2),
        _ => None,
    }
}

/// A run of numbers and number words holding [`MIN_DIGITS`] digits or more.
fn phone(words: &[&str]) -> Option<usize> {
    let mut count = 0;
    let mut n = 0;
    for w in words {
        let d = if w.chars().all(char::is_numeric) {
            digits(w)
        } else if let Some(d) = spoken_digits(w) {
            d
        } else {
            break;
        };
        count += d;
        n += 1;
    }
    (count >= MIN_DIGITS).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::scrub;

    #[test]
    fn personal_details_are_replaced_and_the_rest_kept() {
        let cases: &[(&str, &str)] = &[
            // The cases the attack run found kept as typed.
            ("email jo＠example.com", "email [email]"),
            ("ＪＯ＠ＥＸＡＭＰＬＥ．ＣＯＭ", "[email]"),
            ("call ０７７００ ９００１２３", "call [phone]"),
            ("07700 900 123", "[phone]"),
            ("07700-900-123", "[phone]"),
            (
                "oh seven seven double oh nine oh oh one two three",
                "[phone]",
            ),
            ("07700 nine zero zero one two three", "[phone]"),
            ("police SW1A-1AA", "police [postcode]"),
            ("QQ 12 34 56 C", "[ni-number]"),
            ("my ni is qq123456c", "my ni is [ni-number]"),
            ("LEDS-7K3M-9QF2-X4TD", "[reference]"),
            ("receipt leds 7k3m 9qf2 x4td", "receipt [reference]"),
            ("ref 12345678", "ref [phone]"),
            ("ref ab12345678", "ref [number]"),
            // Twenty more.
            ("jo @ example.com wrote", "[email] wrote"),
            ("+44 (0)20 7946 0958", "[phone]"),
            ("(020) 7946-0958 complaint", "[phone] complaint"),
            ("tel:07700900123", "[phone]"),
            ("0770\u{200B}0900\u{200B}123", "[phone]"),
            ("saith saith dim dim naw dim dim", "[phone]"),
            ("sw1a 1aa", "[postcode]"),
            ("m1 1ae station", "[postcode] station"),
            ("ls11ue", "[postcode]"),
            ("ｃｆ１０ ３ｎｑ", "[postcode]"),
            ("qq.12.34.56.a", "[ni-number]"),
            ("QQ-123456-B refused", "[ni-number] refused"),
            ("leds7k3m9qf2x4td", "[reference]"),
            ("LEDS-7K3M-9QF2", "[reference]"),
            ("ACME/4F7H/22KQ/9ZX1 status", "[reference] status"),
            ("case 1234567890123", "case [phone]"),
            ("id x1234567y", "id [number]"),
            ("paragraph 4.3", "paragraph 4.3"),
            ("what is a dpia", "what is a dpia"),
            ("retention for six years", "retention for six years"),
            ("data protection act 2018", "data protection act 2018"),
            ("covid-19 powers", "covid-19 powers"),
            ("  Delete   MY Record ", "delete my record"),
            ("beth yw\u{202E}dpia", "beth yw dpia"),
        ];
        let wrong: Vec<String> = cases
            .iter()
            .filter(|(typed, kept)| scrub(typed) != *kept)
            .map(|(typed, kept)| format!("{typed:?} → {:?}, not {kept:?}", scrub(typed)))
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
