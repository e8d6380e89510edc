//! Receipt references such as `LEDS-7K3M-9QF2-X4TD`.
//!
//! A reference is a prefix and 12 characters of Crockford base32: 60 random bits from a
//! cryptographically secure generator (rand's `ThreadRng`, a ChaCha CSPRNG seeded and
//! periodically reseeded from the operating system). Knowing one reference tells
//! nothing about another, so a reference can be quoted on the phone without exposing
//! other responses. Uniqueness is the database's job (a UNIQUE constraint); the store
//! draws again on the rare collision.
//!
//! Crockford's alphabet leaves out I, L, O and U, so a reference read aloud or retyped
//! survives: [`normalise`] maps the look-alikes back (O → 0, I and L → 1) and ignores
//! case, spaces and hyphens. References issued before the change have 8 characters
//! (40 bits); [`normalise`] still reads them, so existing receipts keep working.

use rand::Rng;

/// The prefix used when the settings give none.
pub const DEFAULT_PREFIX: &str = "LEDS";

/// Crockford's base32 alphabet: digits and letters without I, L, O and U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Number of random characters in a new reference (5 bits each: 60 bits).
const CODE_LEN: usize = 12;

/// Number of random characters in a reference issued before references grew.
const OLD_CODE_LEN: usize = 8;

/// The most characters a prefix may have.
const MAX_PREFIX_LEN: usize = 12;

/// Whether `prefix` can start a reference: 1 to 12 ASCII capital letters or digits.
pub fn is_valid_prefix(prefix: &str) -> bool {
    (1..=MAX_PREFIX_LEN).contains(&prefix.len())
        && prefix
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// A fresh random reference, `PREFIX-XXXX-XXXX-XXXX`.
pub fn generate(prefix: &str) -> String {
    generate_with(&mut rand::thread_rng(), prefix)
}

/// A fresh reference drawn from `rng`, which must be a CSPRNG outside tests.
pub(crate) fn generate_with<R: Rng + ?Sized>(rng: &mut R, prefix: &str) -> String {
    let mut s = String::with_capacity(prefix.len() + CODE_LEN + 2);
    s.push_str(prefix);
    for i in 0..CODE_LEN {
        if i % 4 == 0 {
            s.push('-');
        }
        s.push(char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]));
    }
    s
}

/// The canonical form of a reference as someone typed it, or `None` if it cannot be
/// one: case, spaces and hyphens are ignored, O reads as 0 and I or L as 1. Both the
/// 12-character references and the older 8-character ones are read; when the reference
/// is typed with separators, the first group is the prefix; without, a 12-character
/// code is tried before an 8-character one.
pub fn normalise(input: &str) -> Option<String> {
    let upper = input.to_ascii_uppercase();
    let groups: Vec<&str> = upper
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|g| !g.is_empty())
        .collect();
    // Written with separators: the first group is the prefix.
    if let [prefix, rest @ ..] = groups.as_slice()
        && !rest.is_empty()
    {
        return assemble(prefix, &rest.concat());
    }
    let compact = groups.concat();
    [CODE_LEN, OLD_CODE_LEN].into_iter().find_map(|len| {
        let at = compact.len().checked_sub(len)?;
        let (prefix, code) = (compact.get(..at)?, compact.get(at..)?);
        assemble(prefix, code)
    })
}

/// `PREFIX-XXXX-XXXX[-XXXX]` from a prefix and a code of a known length, read leniently.
fn assemble(prefix: &str, code: &str) -> Option<String> {
    if !is_valid_prefix(prefix) || ![CODE_LEN, OLD_CODE_LEN].contains(&code.chars().count()) {
        return None;
    }
    let mut out = prefix.to_string();
    for (i, c) in code.chars().enumerate() {
        let c = match c {
            'O' => '0',
            'I' | 'L' => '1',
            c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
            _ => return None,
        };
        if i % 4 == 0 {
            out.push('-');
        }
        out.push(c);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape() {
        for _ in 0..1000 {
            let r = generate("LEDS");
            assert_eq!(r.len(), 19, "{r}");
            assert!(r.starts_with("LEDS-"));
            assert_eq!(&r[9..10], "-");
            assert_eq!(&r[14..15], "-");
            let code: String = r[5..].chars().filter(|&c| c != '-').collect();
            assert!(code.bytes().all(|b| ALPHABET.contains(&b)), "{r}");
            assert!(!code.contains(['I', 'L', 'O', 'U']));
            assert_eq!(normalise(&r).as_deref(), Some(r.as_str()));
        }
    }

    #[test]
    fn uses_every_symbol_and_does_not_repeat() {
        let refs: Vec<String> = (0..5000).map(|_| generate("X")).collect();
        let unique: std::collections::HashSet<&String> = refs.iter().collect();
        assert_eq!(unique.len(), refs.len());
        let used: std::collections::HashSet<u8> = refs
            .iter()
            .flat_map(|r| r.bytes().skip(2))
            .filter(|&b| b != b'-')
            .collect();
        assert_eq!(used.len(), 32);
    }

    #[test]
    fn normalises_what_people_type() {
        assert_eq!(
            normalise("leds-7k3m-9qf2").as_deref(),
            Some("LEDS-7K3M-9QF2")
        );
        assert_eq!(
            normalise(" LEDS 7K3M 9QF2 ").as_deref(),
            Some("LEDS-7K3M-9QF2")
        );
        assert_eq!(normalise("LEDS7K3M9QF2").as_deref(), Some("LEDS-7K3M-9QF2"));
        assert_eq!(
            normalise("LEDS-OKIM-9QFL").as_deref(),
            Some("LEDS-0K1M-9QF1")
        );
        assert_eq!(normalise("LEDS-7K3M-9QFU"), None);
        assert_eq!(normalise("7K3M-9QF2"), None);
        assert_eq!(normalise("LÉDS-7K3M-9QF2"), None);
    }

    #[test]
    fn reads_new_and_old_references() {
        assert_eq!(
            normalise("leds-7k3m-9qf2-x4td").as_deref(),
            Some("LEDS-7K3M-9QF2-X4TD")
        );
        assert_eq!(
            normalise("LEDS7K3M9QF2X4TD").as_deref(),
            Some("LEDS-7K3M-9QF2-X4TD")
        );
        assert_eq!(
            normalise("LEDS 7K3M9QF2 X4TD").as_deref(),
            Some("LEDS-7K3M-9QF2-X4TD")
        );
        assert_eq!(
            normalise("COP-OKIM-9QFL-0000").as_deref(),
            Some("COP-0K1M-9QF1-0000")
        );
        // Codes of any other length are not references.
        assert_eq!(normalise("LEDS-7K3M-9QF2-X4T"), None);
        assert_eq!(normalise("LEDS-7K3M-9QF2-X4TD-A"), None);
        assert_eq!(normalise("LEDS-7K3M-9QF2-X4TU"), None);
    }

    #[test]
    fn prefixes() {
        assert!(is_valid_prefix("LEDS"));
        assert!(is_valid_prefix("COP2"));
        assert!(!is_valid_prefix(""));
        assert!(!is_valid_prefix("leds"));
        assert!(!is_valid_prefix("LE-DS"));
        assert!(!is_valid_prefix("ABCDEFGHIJKLM"));
    }
}
