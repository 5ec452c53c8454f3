//! Tokenizer for AWS IoT SQL: turns text into tokens that carry byte-offset spans.
//!
//! Tokens are produced on demand, so a substitution template can stop lexing at the `}`
//! that closes an expression. A malformed token becomes a [`TokenKind::Error`] token that
//! the parser reports with its span; the lexer itself never fails or panics.

use std::ops::Range;

/// Reserved words. `VALUE` is not here: it is only a keyword right after `SELECT`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Keyword {
    Select,
    From,
    Where,
    As,
    And,
    Or,
    Not,
    Case,
    When,
    Then,
    Else,
    End,
    True,
    False,
    Null,
}

impl Keyword {
    pub(crate) const ALL: [Keyword; 15] = [
        Keyword::Select,
        Keyword::From,
        Keyword::Where,
        Keyword::As,
        Keyword::And,
        Keyword::Or,
        Keyword::Not,
        Keyword::Case,
        Keyword::When,
        Keyword::Then,
        Keyword::Else,
        Keyword::End,
        Keyword::True,
        Keyword::False,
        Keyword::Null,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Keyword::Select => "SELECT",
            Keyword::From => "FROM",
            Keyword::Where => "WHERE",
            Keyword::As => "AS",
            Keyword::And => "AND",
            Keyword::Or => "OR",
            Keyword::Not => "NOT",
            Keyword::Case => "CASE",
            Keyword::When => "WHEN",
            Keyword::Then => "THEN",
            Keyword::Else => "ELSE",
            Keyword::End => "END",
            Keyword::True => "TRUE",
            Keyword::False => "FALSE",
            Keyword::Null => "NULL",
        }
    }

    pub(crate) fn lookup(word: &str) -> Option<Keyword> {
        Keyword::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(word))
    }
}

/// Whether `word` is a reserved word (case-insensitive).
#[cfg(test)]
pub(crate) fn is_keyword(word: &str) -> bool {
    Keyword::lookup(word).is_some()
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum TokenKind {
    Ident(String),
    Keyword(Keyword),
    /// A number as written; `decimal` when it has a fraction or an exponent.
    Number {
        text: String,
        decimal: bool,
    },
    /// A quoted string with escapes resolved.
    Str(String),
    Star,
    Comma,
    Dot,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Colon,
    Plus,
    Minus,
    Slash,
    Percent,
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    Eof,
    Error {
        message: String,
        hint: Option<String>,
    },
}

impl TokenKind {
    /// How the token is named in error messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            TokenKind::Ident(name) => format!("identifier `{name}`"),
            TokenKind::Keyword(k) => format!("keyword `{}`", k.as_str()),
            TokenKind::Number { text, .. } => format!("number `{text}`"),
            TokenKind::Str(_) => "a string".to_owned(),
            TokenKind::Eof => "end of input".to_owned(),
            TokenKind::Error { message, .. } => message.clone(),
            other => format!("`{}`", other.punct()),
        }
    }

    fn punct(&self) -> &'static str {
        match self {
            TokenKind::Star => "*",
            TokenKind::Comma => ",",
            TokenKind::Dot => ".",
            TokenKind::LParen => "(",
            TokenKind::RParen => ")",
            TokenKind::LBracket => "[",
            TokenKind::RBracket => "]",
            TokenKind::LBrace => "{",
            TokenKind::RBrace => "}",
            TokenKind::Colon => ":",
            TokenKind::Plus => "+",
            TokenKind::Minus => "-",
            TokenKind::Slash => "/",
            TokenKind::Percent => "%",
            TokenKind::Eq => "=",
            TokenKind::NotEq => "<>",
            TokenKind::Lt => "<",
            TokenKind::LtEq => "<=",
            TokenKind::Gt => ">",
            TokenKind::GtEq => ">=",
            _ => "?",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub span: Range<usize>,
}

/// An on-demand tokenizer over `src[start..end]`; spans are offsets into all of `src`.
pub(crate) struct Lexer<'s> {
    src: &'s str,
    pos: usize,
    end: usize,
}

impl<'s> Lexer<'s> {
    pub(crate) fn new(src: &'s str, range: Range<usize>) -> Self {
        let end = range.end.min(src.len());
        Lexer {
            src,
            pos: range.start.min(end),
            end,
        }
    }

    fn peek_char(&self) -> Option<char> {
        self.src.get(self.pos..self.end)?.chars().next()
    }

    fn peek_char_at(&self, ahead: usize) -> Option<char> {
        self.src.get(self.pos..self.end)?.chars().nth(ahead)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek_char()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn skip_whitespace(&mut self) {
        while let Some(c) = self.peek_char() {
            if c.is_whitespace() {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
    }

    pub(crate) fn next_token(&mut self) -> Token {
        self.skip_whitespace();
        let start = self.pos;
        let Some(c) = self.bump() else {
            return Token {
                kind: TokenKind::Eof,
                span: start..start,
            };
        };
        let kind = match c {
            '*' => TokenKind::Star,
            ',' => TokenKind::Comma,
            '.' => TokenKind::Dot,
            '(' => TokenKind::LParen,
            ')' => TokenKind::RParen,
            '[' => TokenKind::LBracket,
            ']' => TokenKind::RBracket,
            '{' => TokenKind::LBrace,
            '}' => TokenKind::RBrace,
            ':' => TokenKind::Colon,
            '+' => TokenKind::Plus,
            '-' => TokenKind::Minus,
            '/' => TokenKind::Slash,
            '%' => TokenKind::Percent,
            '=' => {
                if self.peek_char() == Some('=') {
                    self.pos += 1;
                    error("`==` is not an operator", Some("use `=` to compare values"))
                } else {
                    TokenKind::Eq
                }
            }
            '<' => match self.peek_char() {
                Some('=') => {
                    self.pos += 1;
                    TokenKind::LtEq
                }
                Some('>') => {
                    self.pos += 1;
                    TokenKind::NotEq
                }
                _ => TokenKind::Lt,
            },
            '>' => {
                if self.peek_char() == Some('=') {
                    self.pos += 1;
                    TokenKind::GtEq
                } else {
                    TokenKind::Gt
                }
            }
            '!' => {
                if self.peek_char() == Some('=') {
                    self.pos += 1;
                    TokenKind::NotEq
                } else {
                    error("unexpected `!`", Some("use `NOT` for logical negation"))
                }
            }
            '&' => error(
                "unexpected `&`",
                Some("use `AND`, or bitand(a, b) for bits"),
            ),
            '|' => error(
                "unexpected `|`",
                Some("use `OR`, concat(a, b) for strings, or bitor(a, b) for bits"),
            ),
            ';' => error(
                "unexpected `;`",
                Some("AWS IoT SQL takes one statement with no terminating semicolon"),
            ),
            '\'' | '"' => self.string(c),
            '`' => error(
                "unexpected backtick",
                Some("AWS IoT SQL has no quoted identifiers; use get(*, 'name') for such keys"),
            ),
            c if c.is_ascii_digit() => self.number(start),
            c if c.is_ascii_alphabetic() || c == '_' => {
                while let Some(c) = self.peek_char() {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                let word = self.src.get(start..self.pos).unwrap_or("");
                match Keyword::lookup(word) {
                    Some(k) => TokenKind::Keyword(k),
                    None => TokenKind::Ident(word.to_owned()),
                }
            }
            other => error(&format!("unexpected character `{other}`"), None),
        };
        Token {
            kind,
            span: start..self.pos,
        }
    }

    fn number(&mut self, start: usize) -> TokenKind {
        let digits = |lx: &mut Self| {
            while lx.peek_char().is_some_and(|c| c.is_ascii_digit()) {
                lx.pos += 1;
            }
        };
        digits(self);
        let mut decimal = false;
        if self.peek_char() == Some('.') && self.peek_char_at(1).is_some_and(|c| c.is_ascii_digit())
        {
            decimal = true;
            self.pos += 1;
            digits(self);
        }
        if matches!(self.peek_char(), Some('e' | 'E')) {
            let sign = matches!(self.peek_char_at(1), Some('-' | '+'));
            let first = if sign { 2 } else { 1 };
            if self.peek_char_at(first).is_some_and(|c| c.is_ascii_digit()) {
                decimal = true;
                self.pos += first;
                digits(self);
            }
        }
        if self
            .peek_char()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        {
            while self
                .peek_char()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                self.pos += 1;
            }
            return error(
                "identifiers cannot start with a digit",
                Some("use get(object, 'key') for keys that start with a digit"),
            );
        }
        TokenKind::Number {
            text: self.src.get(start..self.pos).unwrap_or("").to_owned(),
            decimal,
        }
    }

    fn string(&mut self, quote: char) -> TokenKind {
        let mut out = String::new();
        loop {
            let Some(c) = self.bump() else {
                return error(
                    "unterminated string",
                    Some(&format!("close the string with {quote}")),
                );
            };
            if c == quote {
                // A doubled quote stands for one quote character, as in standard SQL.
                if self.peek_char() == Some(quote) {
                    self.pos += 1;
                    out.push(quote);
                    continue;
                }
                return TokenKind::Str(out);
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let escape_start = self.pos - 1;
            match self.bump() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('b') => out.push('\u{8}'),
                Some('f') => out.push('\u{c}'),
                Some('0') => out.push('\0'),
                Some('u') => match self.unicode_escape() {
                    Some(ch) => out.push(ch),
                    None => {
                        // Skip to the closing quote so the error spans the whole escape.
                        self.pos = self.pos.max(escape_start + 2);
                        return error(
                            "invalid unicode escape",
                            Some("write `\\u` followed by four hex digits, e.g. `\\u00e9`"),
                        );
                    }
                },
                Some(c @ ('\\' | '\'' | '"' | '/')) => out.push(c),
                // Unknown escapes keep their backslash, so regex patterns like '\d+' work.
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => {
                    return error(
                        "unterminated string",
                        Some(&format!("close the string with {quote}")),
                    );
                }
            }
        }
    }

    fn unicode_escape(&mut self) -> Option<char> {
        let hex = |lx: &mut Self| -> Option<u32> {
            let text = lx.src.get(lx.pos..lx.pos + 4)?;
            if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            lx.pos += 4;
            u32::from_str_radix(text, 16).ok()
        };
        let first = hex(self)?;
        if (0xD800..0xDC00).contains(&first) {
            // A UTF-16 surrogate pair: `\uD83D\uDE00`.
            if self.src.get(self.pos..self.pos + 2) != Some("\\u") {
                return None;
            }
            self.pos += 2;
            let second = hex(self)?;
            if !(0xDC00..0xE000).contains(&second) {
                return None;
            }
            return char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00));
        }
        char::from_u32(first)
    }
}

fn error(message: &str, hint: Option<&str>) -> TokenKind {
    TokenKind::Error {
        message: message.to_owned(),
        hint: hint.map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(TokenKind, Range<usize>)> {
        let mut lx = Lexer::new(src, 0..src.len());
        let mut out = Vec::new();
        loop {
            let t = lx.next_token();
            let eof = t.kind == TokenKind::Eof;
            out.push((t.kind, t.span));
            if eof {
                break;
            }
        }
        out
    }

    #[test]
    fn spans_are_byte_offsets() {
        let toks = kinds("SELECT a.b FROM 'x/+' WHERE h <= 3.5e2");
        let spans: Vec<_> = toks.iter().map(|t| t.1.clone()).collect();
        assert_eq!(
            spans,
            vec![
                0..6,
                7..8,
                8..9,
                9..10,
                11..15,
                16..21,
                22..27,
                28..29,
                30..32,
                33..38,
                38..38
            ]
        );
        assert_eq!(
            toks[9].0,
            TokenKind::Number {
                text: "3.5e2".into(),
                decimal: true
            }
        );
        assert_eq!(toks[5].0, TokenKind::Str("x/+".into()));
    }

    #[test]
    fn keywords_are_case_insensitive() {
        let toks = kinds("select From wHeRe value");
        assert_eq!(toks[0].0, TokenKind::Keyword(Keyword::Select));
        assert_eq!(toks[1].0, TokenKind::Keyword(Keyword::From));
        assert_eq!(toks[2].0, TokenKind::Keyword(Keyword::Where));
        assert_eq!(toks[3].0, TokenKind::Ident("value".into()));
    }

    #[test]
    fn string_escapes() {
        let toks = kinds(r#"'it''s' "a\"b" '\d+\\' '\u00e9\n'"#);
        assert_eq!(toks[0].0, TokenKind::Str("it's".into()));
        assert_eq!(toks[1].0, TokenKind::Str("a\"b".into()));
        assert_eq!(toks[2].0, TokenKind::Str("\\d+\\".into()));
        assert_eq!(toks[3].0, TokenKind::Str("é\n".into()));
    }

    #[test]
    fn operators() {
        let toks = kinds("<> != <= >= < > = + - * / %");
        let want = [
            TokenKind::NotEq,
            TokenKind::NotEq,
            TokenKind::LtEq,
            TokenKind::GtEq,
            TokenKind::Lt,
            TokenKind::Gt,
            TokenKind::Eq,
            TokenKind::Plus,
            TokenKind::Minus,
            TokenKind::Star,
            TokenKind::Slash,
            TokenKind::Percent,
        ];
        for (got, want) in toks.iter().zip(want.iter()) {
            assert_eq!(&got.0, want);
        }
    }

    #[test]
    fn numbers_do_not_swallow_member_dots() {
        let toks = kinds("5.e 1.5.x 2e 3E-2");
        let texts: Vec<_> = toks.iter().map(|t| t.0.clone()).collect();
        assert_eq!(
            texts[0],
            TokenKind::Number {
                text: "5".into(),
                decimal: false
            }
        );
        assert_eq!(texts[1], TokenKind::Dot);
        assert_eq!(texts[2], TokenKind::Ident("e".into()));
        assert_eq!(
            texts[3],
            TokenKind::Number {
                text: "1.5".into(),
                decimal: true
            }
        );
        assert!(matches!(texts[6], TokenKind::Error { .. }));
        assert_eq!(
            texts[7],
            TokenKind::Number {
                text: "3E-2".into(),
                decimal: true
            }
        );
    }

    #[test]
    fn errors_carry_spans() {
        let toks = kinds("a # 'open");
        assert!(matches!(toks[1].0, TokenKind::Error { .. }));
        assert_eq!(toks[1].1, 2..3);
        assert!(matches!(toks[2].0, TokenKind::Error { .. }));
        assert_eq!(toks[2].1, 4..9);
    }

    #[test]
    fn lexes_a_subrange() {
        let src = "${topic(2)}/x";
        let mut lx = Lexer::new(src, 2..src.len());
        assert_eq!(lx.next_token().span, 2..7);
        assert_eq!(lx.next_token().kind, TokenKind::LParen);
    }
}
