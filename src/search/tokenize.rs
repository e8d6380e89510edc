//! What both languages' analyzers share: the longest token worth indexing, and running an
//! analyzer over a text. Below `schema` (the English analyzers and the index's fields) and
//! `welsh` (the Welsh analyzer), which both use it.

use tantivy::tokenizer::TextAnalyzer;

/// Tokens longer than this many bytes are not indexed (nor searched): they are junk.
pub const MAX_TOKEN_BYTES: usize = 40;

/// Runs `analyzer` over `text` and returns the tokens' texts.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}
