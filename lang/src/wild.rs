//! mIRC wildcard matching: `*` any run, `?` one character, `&` one whole word.
//!
//! A pattern is anchored at both ends. `&` is a wildcard only when it stands alone as a
//! space-delimited word of the pattern (`test &`); elsewhere it is a literal `&`. Matching is
//! iterative with a single star backtrack point, so it runs in O(pattern × text) at worst and
//! never recurses. Case-insensitive matching folds ASCII and simple one-to-one Unicode lower case.

/// One compiled pattern element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    /// A literal character (already folded when matching case-insensitively).
    Lit(char),
    /// `?`: exactly one character.
    One,
    /// `*`: any run of characters, possibly empty.
    Star,
    /// `&` as a whole pattern word: one non-empty run of non-space characters.
    Word,
}

/// Folds one character for case-insensitive comparison: ASCII fast path, then the simple
/// Unicode lower case when it is a single character.
#[inline]
fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut low = c.to_lowercase();
    match (low.next(), low.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Compares a pattern literal with a text character.
#[inline]
fn char_eq(p: char, t: char, cs: bool) -> bool {
    if p == t {
        return true;
    }
    if cs {
        return false;
    }
    if p.is_ascii() && t.is_ascii() {
        return p.eq_ignore_ascii_case(&t);
    }
    fold_char(p) == fold_char(t)
}

/// The text being matched, read one character at a time by byte offset.
trait Subject {
    /// Length in bytes.
    fn end(&self) -> usize;
    /// The character at byte offset `i` (< `end`) and the offset after it.
    fn at(&self, i: usize) -> (char, usize);
    /// The character ending at byte offset `i` (> 0) and the offset where it starts.
    fn before(&self, i: usize) -> (char, usize);
}

/// ASCII text: one byte per character.
struct Bytes<'a>(&'a [u8]);

impl Subject for Bytes<'_> {
    #[inline]
    fn end(&self) -> usize {
        self.0.len()
    }
    #[inline]
    fn at(&self, i: usize) -> (char, usize) {
        (char::from(self.0[i]), i + 1)
    }
    #[inline]
    fn before(&self, i: usize) -> (char, usize) {
        (char::from(self.0[i - 1]), i - 1)
    }
}

/// Any UTF-8 text.
struct Chars<'a>(&'a str);

impl Subject for Chars<'_> {
    #[inline]
    fn end(&self) -> usize {
        self.0.len()
    }
    #[inline]
    fn at(&self, i: usize) -> (char, usize) {
        let c = self.0[i..].chars().next().unwrap_or('\0');
        (c, i + c.len_utf8())
    }
    #[inline]
    fn before(&self, i: usize) -> (char, usize) {
        let c = self.0[..i].chars().next_back().unwrap_or('\0');
        (c, i - c.len_utf8())
    }
}

/// A source of pattern tokens (the compiled list).
trait Pattern {
    /// Token `i`.
    fn tok(&self, i: usize) -> Tok;
}

impl Pattern for [Tok] {
    #[inline]
    fn tok(&self, i: usize) -> Tok {
        self[i]
    }
}

/// Whether the `&` at byte `i` of `pat` is a whole space-delimited word.
#[inline]
fn is_word_amp(pat: &[u8], i: usize) -> bool {
    (i == 0 || pat[i - 1] == b' ') && (i + 1 == pat.len() || pat[i + 1] == b' ')
}

/// The core matcher: single star backtrack point, all other tokens deterministic.
///
/// `&` is deterministic too: it is always followed by a literal space or the pattern end, so it
/// must consume the whole run of non-space characters.
fn run<P: Pattern + ?Sized, S: Subject>(
    pat: &P,
    pend: usize,
    s: &S,
    tend: usize,
    cs: bool,
) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p < pend {
            match pat.tok(p) {
                Tok::Star => {
                    // Collapse runs of stars.
                    while p < pend && pat.tok(p) == Tok::Star {
                        p += 1;
                    }
                    if p == pend {
                        return true;
                    }
                    star = Some((p, t));
                    continue;
                }
                Tok::One => {
                    if t < tend {
                        t = s.at(t).1;
                        p += 1;
                        continue;
                    }
                }
                Tok::Lit(c) => {
                    if t < tend {
                        let (tc, nt) = s.at(t);
                        if char_eq(c, tc, cs) {
                            t = nt;
                            p += 1;
                            continue;
                        }
                    }
                }
                Tok::Word => {
                    let start = t;
                    while t < tend {
                        let (tc, nt) = s.at(t);
                        if tc == ' ' {
                            break;
                        }
                        t = nt;
                    }
                    if t > start {
                        p += 1;
                        continue;
                    }
                }
            }
        } else if t == tend {
            return true;
        }
        // Mismatch: let the last star swallow one more character, or fail.
        match star {
            Some((sp, st)) if st < tend => {
                let nt = s.at(st).1;
                star = Some((sp, nt));
                p = sp;
                t = nt;
            }
            _ => return false,
        }
    }
}

/// A precompiled wildcard pattern; the VM caches these for `iswm`, `$wildtok`, `$hfind`.
///
/// ```text
/// let w = Wildcard::new("*.txt", false);
/// assert!(w.matches("README.TXT"));
/// ```
#[derive(Clone, Debug)]
pub struct Wildcard {
    /// Tokens, with literals folded when case-insensitive.
    toks: Vec<Tok>,
    /// Case-sensitive matching.
    cs: bool,
    /// Every literal is ASCII (so ASCII text can be matched byte by byte).
    ascii: bool,
    /// Index of the last `*` when only literals and `?` follow it (suffix fast path).
    tail_star: Option<usize>,
    /// The pattern bytes when it is all ASCII, for the specialised byte matcher.
    raw: Option<Box<[u8]>>,
}

impl Wildcard {
    /// Compiles `pattern`: `Wildcard::new("a?c*", false)`.
    pub fn new(pattern: &str, case_sensitive: bool) -> Wildcard {
        let chars: Vec<char> = pattern.chars().collect();
        let mut toks = Vec::with_capacity(chars.len());
        for (i, &c) in chars.iter().enumerate() {
            let tok = match c {
                '*' => {
                    if toks.last() == Some(&Tok::Star) {
                        continue;
                    }
                    Tok::Star
                }
                '?' => Tok::One,
                '&' if (i == 0 || chars[i - 1] == ' ')
                    && (i + 1 == chars.len() || chars[i + 1] == ' ') =>
                {
                    Tok::Word
                }
                c if case_sensitive => Tok::Lit(c),
                c => Tok::Lit(fold_char(c)),
            };
            toks.push(tok);
        }
        let ascii = toks
            .iter()
            .all(|t| !matches!(t, Tok::Lit(c) if !c.is_ascii()));
        let tail_star = toks.iter().rposition(|t| *t == Tok::Star).filter(|&i| {
            i + 1 < toks.len()
                && toks[i + 1..]
                    .iter()
                    .all(|t| matches!(t, Tok::Lit(_) | Tok::One))
        });
        Wildcard {
            toks,
            cs: case_sensitive,
            ascii,
            tail_star,
            raw: pattern.is_ascii().then(|| pattern.as_bytes().into()),
        }
    }

    /// Whether the pattern matches all of `text`: `Wildcard::new("h*o", false).matches("HELLO")`.
    pub fn matches(&self, text: &str) -> bool {
        if let (Some(raw), true) = (&self.raw, text.is_ascii()) {
            ascii_match(raw, text.as_bytes(), self.cs)
        } else if self.ascii && text.is_ascii() {
            self.match_subject(&Bytes(text.as_bytes()))
        } else {
            self.match_subject(&Chars(text))
        }
    }

    /// Matches against a subject, checking a fixed suffix from the end first.
    fn match_subject<S: Subject>(&self, s: &S) -> bool {
        let mut tend = s.end();
        let mut pend = self.toks.len();
        if let Some(star) = self.tail_star {
            for tok in self.toks[star + 1..].iter().rev() {
                if tend == 0 {
                    return false;
                }
                let (c, prev) = s.before(tend);
                if let Tok::Lit(p) = *tok {
                    if !char_eq(p, c, self.cs) {
                        return false;
                    }
                }
                tend = prev;
            }
            pend = star + 1;
        }
        run(&self.toks[..], pend, s, tend, self.cs)
    }
}

/// Whether wildcard `pattern` matches all of `text`: `wildmatch("*.txt", "a.TXT", false)`.
pub fn wildmatch(pattern: &str, text: &str, case_sensitive: bool) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        return ascii_match(pattern.as_bytes(), text.as_bytes(), case_sensitive);
    }
    Wildcard::new(pattern, case_sensitive).matches(text)
}

/// Byte equality, folding ASCII case unless `cs`.
#[inline(always)]
fn beq(a: u8, b: u8, cs: bool) -> bool {
    a == b || (!cs && a.eq_ignore_ascii_case(&b))
}

/// The matcher specialised for an ASCII pattern and ASCII text, reading the pattern bytes
/// directly (no allocation). A fixed tail after the last `*` is checked from the end first,
/// and after a star the next literal is found with `memchr`.
fn ascii_match(p: &[u8], t: &[u8], cs: bool) -> bool {
    let (p, t) = match p.iter().rposition(|&c| c == b'*') {
        Some(star) if !p[star + 1..].contains(&b'&') => {
            let tail = &p[star + 1..];
            if tail.len() > t.len() {
                return false;
            }
            let cut = t.len() - tail.len();
            if !tail
                .iter()
                .zip(&t[cut..])
                .all(|(&pc, &tc)| pc == b'?' || beq(pc, tc, cs))
            {
                return false;
            }
            (&p[..=star], &t[..cut])
        }
        Some(_) => (p, t),
        None => {
            // Without a star every token consumes one byte, except a word `&`.
            if p.len() != t.len() && !p.contains(&b'&') {
                return false;
            }
            (p, t)
        }
    };
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if pi < p.len() {
            match p[pi] {
                b'*' => {
                    while pi < p.len() && p[pi] == b'*' {
                        pi += 1;
                    }
                    if pi == p.len() {
                        return true;
                    }
                    star = Some((pi, ti));
                    continue;
                }
                b'?' => {
                    if ti < t.len() {
                        pi += 1;
                        ti += 1;
                        continue;
                    }
                }
                b'&' if is_word_amp(p, pi) => {
                    let start = ti;
                    while ti < t.len() && t[ti] != b' ' {
                        ti += 1;
                    }
                    if ti > start {
                        pi += 1;
                        continue;
                    }
                }
                c => {
                    if ti < t.len() && beq(c, t[ti], cs) {
                        pi += 1;
                        ti += 1;
                        continue;
                    }
                }
            }
        } else if ti == t.len() {
            return true;
        }
        // Mismatch: let the last star swallow more, jumping to the next place its literal fits.
        let Some((sp, st)) = star else { return false };
        if st >= t.len() {
            return false;
        }
        let mut nt = st + 1;
        let c = p[sp];
        if c != b'?' && !(c == b'&' && is_word_amp(p, sp)) {
            let (lo, up) = (c.to_ascii_lowercase(), c.to_ascii_uppercase());
            let found = if cs {
                memchr::memchr(c, &t[nt..])
            } else {
                memchr::memchr2(lo, up, &t[nt..])
            };
            match found {
                Some(i) => nt += i,
                None => return false,
            }
        }
        star = Some((sp, nt));
        pi = sp;
        ti = nt;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(p: &str, t: &str, cs: bool) -> bool {
        let a = wildmatch(p, t, cs);
        let b = Wildcard::new(p, cs).matches(t);
        assert_eq!(a, b, "wildmatch and Wildcard disagree on {p:?} vs {t:?}");
        a
    }

    #[test]
    fn basics() {
        assert!(both("*", "", false));
        assert!(both("*", "anything", false));
        assert!(both("", "", false));
        assert!(!both("", "x", false));
        assert!(both("a?c", "abc", false));
        assert!(!both("a?c", "ac", false));
        assert!(both("?ell??", "Hello!", false));
        assert!(both("*.txt", "file.TXT", false));
        assert!(!both("*.txt", "file.TXT", true));
        assert!(!both("H*O", "hello", true));
        assert!(both("H*O", "hello", false));
        assert!(both("*a*b*c*", "xxaxxbxxcxx", false));
        assert!(!both("*a*b*c", "xxaxxbxxcxx", false));
        assert!(both("a*", "a", false));
        assert!(both("**a**", "a", false));
        assert!(both("*ab", "aab", false));
        assert!(both("a*b*a", "abba", false));
        assert!(!both("a*b*a", "abb", false));
        assert!(both("t*e", "three", false));
        assert!(!both("t*e", "two", false));
    }

    #[test]
    fn word_ampersand() {
        assert!(both("test &", "test this", false));
        assert!(!both("test &", "test this too", false));
        assert!(both("test & *", "test this too", false));
        assert!(both("& &", "a b", false));
        assert!(!both("&", "", false));
        // Not a whole word: literal.
        assert!(both("a&b", "a&b", false));
        assert!(!both("a&b", "axb", false));
        assert!(both("&x", "&X", false));
    }

    #[test]
    fn unicode() {
        assert!(both("é*", "ÉCOLE", false));
        assert!(!both("é*", "ÉCOLE", true));
        assert!(both("?", "☃", false));
        assert!(both("a?b", "a☃b", false));
        assert!(both("*☃", "snow☃", false));
        assert!(both("*x", "☃x", false));
    }

    /// A slow recursive reference matcher over characters.
    fn reference(p: &[char], t: &[char], full: &[char], off: usize, cs: bool) -> bool {
        let Some(&c) = p.first() else {
            return t.is_empty();
        };
        let word = c == '&'
            && (off == 0 || full[off - 1] == ' ')
            && (off + 1 == full.len() || full[off + 1] == ' ');
        if c == '*' {
            return (0..=t.len()).any(|k| reference(&p[1..], &t[k..], full, off + 1, cs));
        }
        if word {
            let run = t.iter().take_while(|&&x| x != ' ').count();
            return run > 0 && reference(&p[1..], &t[run..], full, off + 1, cs);
        }
        match t.first() {
            Some(&x) if c == '?' || char_eq(c, x, cs) => {
                reference(&p[1..], &t[1..], full, off + 1, cs)
            }
            _ => false,
        }
    }

    #[test]
    fn matches_reference() {
        let alphabet = ['a', 'B', 'b', '*', '?', '&', ' ', 'é'];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut rnd = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..20_000 {
            let p: String = (0..rnd(7)).map(|_| alphabet[rnd(alphabet.len())]).collect();
            let t: String = (0..rnd(8))
                .map(|_| alphabet[rnd(alphabet.len())])
                .filter(|c| !"*?&".contains(*c))
                .collect();
            let cs = rnd(2) == 0;
            let pc: Vec<char> = p.chars().collect();
            let tc: Vec<char> = t.chars().collect();
            let want = reference(&pc, &tc, &pc, 0, cs);
            assert_eq!(wildmatch(&p, &t, cs), want, "{p:?} vs {t:?} cs={cs}");
            let mut w = Wildcard::new(&p, cs);
            assert_eq!(w.matches(&t), want, "compiled {p:?} vs {t:?} cs={cs}");
            w.raw = None;
            assert_eq!(w.matches(&t), want, "generic {p:?} vs {t:?} cs={cs}");
        }
    }

    #[test]
    fn no_blowup() {
        let text = "a".repeat(5000);
        let pat = format!("{}b", "*a".repeat(50));
        assert!(!both(&pat, &text, false));
    }
}
