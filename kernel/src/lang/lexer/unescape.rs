//! Python's backslash escapes in non-raw string literals (`\n`, `\x41`, `\u00e9`, ...).
//! Tokenizing is the lexer's; this only rewrites a literal's body.

/// Processes backslash escapes the way Python does for a non-raw literal.
pub(crate) fn unescape(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(n) = chars.next() else {
            out.push('\\');
            break;
        };
        let hex =
            |chars: &mut std::iter::Peekable<std::str::Chars<'_>>, k: usize| -> Option<char> {
                let s: String = (0..k)
                    .filter_map(|_| chars.next_if(char::is_ascii_hexdigit))
                    .collect();
                u32::from_str_radix(&s, 16)
                    .ok()
                    .filter(|_| s.len() == k)
                    .and_then(char::from_u32)
            };
        match n {
            '\n' => {}
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'v' => out.push('\x0b'),
            '\\' | '\'' | '"' => out.push(n),
            'x' => out.push(hex(&mut chars, 2).unwrap_or('\u{fffd}')),
            'u' => out.push(hex(&mut chars, 4).unwrap_or('\u{fffd}')),
            'U' => out.push(hex(&mut chars, 8).unwrap_or('\u{fffd}')),
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    out
}
