//! mIRC wildcard matching: `*` any run, `?` one character, `&` one whole word.

/// Whether wildcard `pattern` matches all of `text`.
pub fn wildmatch(pattern: &str, text: &str, case_sensitive: bool) -> bool {
    let _ = (pattern, text, case_sensitive);
    unimplemented!("wildcard matcher")
}
