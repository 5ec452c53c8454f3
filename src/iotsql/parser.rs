//! A Pratt parser from tokens to the [`ast`](super::ast) tree.
//!
//! Precedence climbing happens in [`Parser::parse_subexpr`]. Both the recursion and the
//! depth of the tree it builds are capped at [`MAX_DEPTH`], so hostile input yields a
//! diagnostic instead of a stack overflow; no input makes the parser panic. The functions
//! on the recursive path keep their frames small (errors are built in separate cold
//! functions) so that the cap is safe even on small thread stacks in debug builds.

use std::collections::VecDeque;
use std::ops::Range;
use std::sync::Arc;

use super::SqlVersion;
use super::ast::{
    BinaryOp, Call, Case, CastType, Expr, Literal, PREC_NEG, PREC_NOT, PREC_POSTFIX, Query,
    RegexSlot, Select, SelectItem, SubQuery, UnaryOp,
};
use super::diagnostic::Diagnostic;
use super::functions::{Func, compile_regex, edit_distance};
use super::lexer::{Keyword, Lexer, Token, TokenKind};
use super::topic;

/// How deeply expressions may nest, counting both parser recursion and tree depth.
pub(crate) const MAX_DEPTH: usize = 128;

/// Boxed errors keep `Result`s, and so the recursive frames, small.
type PResult<T> = Result<T, Box<Diagnostic>>;

/// What the next token can start, in an operand position.
#[derive(Clone, Copy)]
enum Start {
    Atom,
    Not,
    Minus,
    Case,
    LParen,
    LBracket,
    LBrace,
    Ident,
    Other,
}

/// What the next token does after an operand.
#[derive(Clone, Copy)]
enum Follow {
    Dot,
    LBracket,
    Op(BinaryOp),
    Done,
}

pub(crate) struct Parser<'s> {
    src: &'s str,
    lexer: Lexer<'s>,
    lookahead: VecDeque<Token>,
    version: SqlVersion,
    /// Current recursion depth of `parse_subexpr`.
    depth: usize,
    /// Tree depth of the expression most recently returned by a parse function.
    last_depth: usize,
    /// The most recently consumed token, for messages like "expected ... after `<`".
    prev: Option<Token>,
}

impl<'s> Parser<'s> {
    pub(crate) fn new(src: &'s str, range: Range<usize>, version: SqlVersion) -> Self {
        Parser {
            src,
            lexer: Lexer::new(src, range),
            lookahead: VecDeque::new(),
            version,
            depth: 0,
            last_depth: 0,
            prev: None,
        }
    }

    // ----- entry points -----------------------------------------------------------------

    /// Parses a whole statement.
    pub(crate) fn parse_query(&mut self) -> Result<Query, Diagnostic> {
        self.query().map_err(|d| *d)
    }

    /// Parses the expression of a `${...}` substitution (the `${` already skipped) and
    /// its closing `}`; returns the expression and the offset just past the `}`.
    pub(crate) fn parse_substitution(&mut self) -> Result<(Expr, usize), Diagnostic> {
        self.substitution().map_err(|d| *d)
    }

    fn substitution(&mut self) -> PResult<(Expr, usize)> {
        let expr = self.parse_subexpr(0)?;
        if !matches!(self.peek_kind()?, TokenKind::RBrace) {
            return Err(self.unexpected_with(
                "an operator or `}`",
                Some("close the substitution with `}`".to_owned()),
            ));
        }
        let close = self.bump()?;
        Ok((expr, close.end))
    }

    // ----- token plumbing -------------------------------------------------------------

    /// The token `n` places ahead (0 = next). Lexing errors surface here.
    fn peek_nth(&mut self, n: usize) -> PResult<&Token> {
        while self.lookahead.len() <= n {
            let tok = self.lexer.next_token();
            let eof = tok.kind == TokenKind::Eof;
            self.lookahead.push_back(tok);
            if eof {
                break;
            }
        }
        let idx = n.min(self.lookahead.len().saturating_sub(1));
        match self.lookahead.get(idx) {
            Some(Token {
                kind: TokenKind::Error { .. },
                ..
            }) => Err(self.lex_error(idx)),
            Some(tok) => Ok(tok),
            None => Err(self.lex_error(idx)),
        }
    }

    #[cold]
    #[inline(never)]
    fn lex_error(&self, idx: usize) -> Box<Diagnostic> {
        match self.lookahead.get(idx) {
            Some(Token {
                kind: TokenKind::Error { message, hint },
                span,
            }) => {
                let mut d = Diagnostic::new(self.src, span.clone(), message.clone());
                d.hint = hint.clone();
                Box::new(d)
            }
            _ => Box::new(Diagnostic::new(
                self.src,
                self.src.len()..self.src.len(),
                "unexpected end of input",
            )),
        }
    }

    fn peek(&mut self) -> PResult<&Token> {
        self.peek_nth(0)
    }

    fn peek_kind(&mut self) -> PResult<&TokenKind> {
        Ok(&self.peek()?.kind)
    }

    fn peek_span(&mut self) -> PResult<Range<usize>> {
        Ok(self.peek()?.span.clone())
    }

    /// Consumes the next token and returns its span.
    fn bump(&mut self) -> PResult<Range<usize>> {
        self.peek()?;
        let tok = self.lookahead.pop_front().unwrap_or(Token {
            kind: TokenKind::Eof,
            span: self.src.len()..self.src.len(),
        });
        let span = tok.span.clone();
        self.prev = Some(tok);
        Ok(span)
    }

    /// Consumes the next token, which must be an identifier, and returns its name.
    fn take_ident(&mut self) -> PResult<String> {
        self.bump()?;
        match self.prev.as_ref().map(|t| &t.kind) {
            Some(TokenKind::Ident(name)) => Ok(name.clone()),
            _ => Err(self.unexpected("an identifier")),
        }
    }

    fn at(&mut self, kind: &TokenKind) -> PResult<bool> {
        Ok(self.peek_kind()? == kind)
    }

    fn at_keyword(&mut self, k: Keyword) -> PResult<bool> {
        Ok(matches!(self.peek_kind()?, TokenKind::Keyword(x) if *x == k))
    }

    fn eat(&mut self, kind: &TokenKind) -> PResult<bool> {
        if self.at(kind)? {
            self.bump()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn eat_keyword(&mut self, k: Keyword) -> PResult<bool> {
        if self.at_keyword(k)? {
            self.bump()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn expect(&mut self, kind: &TokenKind, expected: &str) -> PResult<Range<usize>> {
        if self.at(kind)? {
            self.bump()
        } else {
            Err(self.unexpected(expected))
        }
    }

    // ----- errors (kept out of the recursive frames) -------------------------------------

    #[cold]
    #[inline(never)]
    fn error_at(
        &self,
        span: Range<usize>,
        message: String,
        hint: Option<String>,
    ) -> Box<Diagnostic> {
        let mut d = Diagnostic::new(self.src, span, message);
        d.hint = hint;
        Box::new(d)
    }

    /// An error about the next token: "expected X, found Y" (or "... after Z" at the end).
    #[cold]
    #[inline(never)]
    fn unexpected_with(&mut self, expected: &str, hint: Option<String>) -> Box<Diagnostic> {
        let tok = match self.peek() {
            Ok(tok) => tok.clone(),
            Err(d) => return d,
        };
        let message = match (&tok.kind, &self.prev) {
            (TokenKind::Eof, Some(prev)) => {
                format!("expected {expected} after {}", prev.kind.describe())
            }
            (kind, _) => format!("expected {expected}, found {}", kind.describe()),
        };
        self.error_at(tok.span, message, hint)
    }

    #[cold]
    #[inline(never)]
    fn unexpected(&mut self, expected: &str) -> Box<Diagnostic> {
        self.unexpected_with(expected, None)
    }

    fn require_2016(&self, span: Range<usize>, what: &dyn Fn() -> String) -> PResult<()> {
        if self.version == SqlVersion::V2015_10_08 {
            return Err(self.needs_2016(span, what()));
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn needs_2016(&self, span: Range<usize>, what: String) -> Box<Diagnostic> {
        self.error_at(
            span,
            format!("{what} needs SQL version 2016-03-23"),
            Some("set awsIotSqlVersion to \"2016-03-23\" for this rule".to_owned()),
        )
    }

    #[cold]
    #[inline(never)]
    fn too_deep(&mut self) -> Box<Diagnostic> {
        let span = match self.peek() {
            Ok(t) => t.span.clone(),
            Err(d) => d.span.clone(),
        };
        self.error_at(
            span,
            format!("expression nested too deeply (more than {MAX_DEPTH} levels)"),
            Some("split the expression or use fewer parentheses".to_owned()),
        )
    }

    fn check_tree_depth(&mut self, depth: usize) -> PResult<()> {
        if depth > MAX_DEPTH {
            return Err(self.too_deep());
        }
        Ok(())
    }

    // ----- statements -------------------------------------------------------------------

    fn query(&mut self) -> PResult<Query> {
        if !self.eat_keyword(Keyword::Select)? {
            return Err(self.select_expected());
        }
        let select = self.parse_select_list()?;
        let from = if self.eat_keyword(Keyword::From)? {
            Some(self.parse_topic_filter()?)
        } else {
            None
        };
        let where_clause = if self.eat_keyword(Keyword::Where)? {
            Some(self.parse_subexpr(0)?)
        } else {
            None
        };
        if !self.at(&TokenKind::Eof)? {
            return Err(self.trailing(from.is_some(), where_clause.is_some()));
        }
        Ok(Query {
            select,
            from,
            where_clause,
        })
    }

    #[cold]
    #[inline(never)]
    fn select_expected(&mut self) -> Box<Diagnostic> {
        let tok = match self.peek() {
            Ok(t) => t.clone(),
            Err(d) => return d,
        };
        let hint = match &tok.kind {
            TokenKind::Ident(word) if edit_distance(&word.to_ascii_uppercase(), "SELECT") <= 2 => {
                "did you mean `SELECT`?"
            }
            _ => "a rule query has the form SELECT ... FROM 'topic/filter' WHERE ...",
        };
        self.error_at(
            tok.span,
            format!(
                "expected `SELECT` at the start of the statement, found {}",
                tok.kind.describe()
            ),
            Some(hint.to_owned()),
        )
    }

    #[cold]
    #[inline(never)]
    fn trailing(&mut self, has_from: bool, has_where: bool) -> Box<Diagnostic> {
        let kind = match self.peek() {
            Ok(t) => t.kind.clone(),
            Err(d) => return d,
        };
        let expected = match (has_from, has_where) {
            (_, true) => "an operator or end of input",
            (true, false) => "`WHERE` or end of input",
            (false, false) => "`,`, `FROM`, `WHERE` or end of input",
        };
        let hint = match &kind {
            TokenKind::Ident(word) if !has_from && !has_where => {
                if edit_distance(&word.to_ascii_uppercase(), "FROM") <= 1 {
                    Some("did you mean `FROM`?".to_owned())
                } else {
                    Some(format!("write `AS {word}` to name the selected value"))
                }
            }
            TokenKind::Ident(word)
                if has_from
                    && !has_where
                    && edit_distance(&word.to_ascii_uppercase(), "WHERE") <= 2 =>
            {
                Some("did you mean `WHERE`?".to_owned())
            }
            TokenKind::Keyword(Keyword::From) if has_from => {
                Some("a statement has one FROM clause".to_owned())
            }
            _ => None,
        };
        self.unexpected_with(expected, hint)
    }

    fn parse_topic_filter(&mut self) -> PResult<String> {
        let span = self.peek_span()?;
        let filter = match self.peek_kind()? {
            TokenKind::Str(s) => s.clone(),
            TokenKind::Eof => return Err(self.unexpected("a topic filter in single quotes")),
            _ => {
                return Err(self.unexpected_with(
                    "a topic filter in single quotes",
                    Some(
                        "enclose the topic filter in single quotes, e.g. FROM 'device/+/data'"
                            .to_owned(),
                    ),
                ));
            }
        };
        self.bump()?;
        if let Err(problem) = topic::validate_filter(&filter) {
            return Err(self.error_at(
                span,
                format!("invalid topic filter: {problem}"),
                Some(
                    "`+` matches one whole level and `#` the remaining levels, e.g. 'device/+/data' or 'device/#'"
                        .to_owned(),
                ),
            ));
        }
        Ok(filter)
    }

    /// Whether the word `value` right after SELECT is the VALUE keyword (as opposed to a
    /// payload key named `value`), judged by the token after it.
    fn value_is_keyword(&mut self) -> PResult<bool> {
        let is_value_word =
            matches!(self.peek_kind()?, TokenKind::Ident(w) if w.eq_ignore_ascii_case("value"));
        if !is_value_word {
            return Ok(false);
        }
        let after = &self.peek_nth(1)?.kind;
        Ok(!matches!(
            after,
            TokenKind::Comma
                | TokenKind::Dot
                | TokenKind::Eof
                | TokenKind::RParen
                | TokenKind::Plus
                | TokenKind::Slash
                | TokenKind::Percent
                | TokenKind::Eq
                | TokenKind::NotEq
                | TokenKind::Lt
                | TokenKind::LtEq
                | TokenKind::Gt
                | TokenKind::GtEq
                | TokenKind::Keyword(
                    Keyword::From | Keyword::As | Keyword::Where | Keyword::And | Keyword::Or
                )
        ))
    }

    /// Parses the SELECT list (after `SELECT`); sets `last_depth` to its deepest item + 1.
    fn parse_select_list(&mut self) -> PResult<Select> {
        if self.value_is_keyword()? {
            self.bump()?;
            let expr = self.parse_subexpr(0)?;
            self.last_depth += 1;
            if self.at(&TokenKind::Comma)? || self.at_keyword(Keyword::As)? {
                return Err(self.select_value_error());
            }
            return Ok(Select {
                value: true,
                items: vec![SelectItem { expr, alias: None }],
            });
        }
        let mut items = Vec::new();
        let mut depth = 1;
        loop {
            if self.at_keyword(Keyword::From)? {
                return Err(self.empty_item(items.is_empty()));
            }
            let expr = self.parse_subexpr(0)?;
            depth = depth.max(self.last_depth + 1);
            let alias = if self.eat_keyword(Keyword::As)? {
                Some(self.parse_alias()?)
            } else {
                None
            };
            items.push(SelectItem { expr, alias });
            if !self.eat(&TokenKind::Comma)? {
                break;
            }
        }
        self.last_depth = depth;
        Ok(Select {
            value: false,
            items,
        })
    }

    #[cold]
    #[inline(never)]
    fn select_value_error(&mut self) -> Box<Diagnostic> {
        let span = self.peek_span().unwrap_or(0..0);
        if matches!(self.peek_kind(), Ok(TokenKind::Comma)) {
            self.error_at(
                span,
                "SELECT VALUE takes exactly one expression".to_owned(),
                Some("drop VALUE to build an object, or select an array literal".to_owned()),
            )
        } else {
            self.error_at(
                span,
                "SELECT VALUE cannot take an alias".to_owned(),
                Some("the value is the whole output, so it has no key".to_owned()),
            )
        }
    }

    #[cold]
    #[inline(never)]
    fn empty_item(&mut self, first: bool) -> Box<Diagnostic> {
        let span = self.peek_span().unwrap_or(0..0);
        let msg = if first {
            "nothing selected"
        } else {
            "expected an expression after `,`"
        };
        self.error_at(
            span,
            msg.to_owned(),
            Some("select `*` for the whole payload, or list expressions".to_owned()),
        )
    }

    fn parse_alias(&mut self) -> PResult<Vec<String>> {
        let mut parts = vec![self.alias_part()?];
        while self.eat(&TokenKind::Dot)? {
            parts.push(self.alias_part()?);
        }
        Ok(parts)
    }

    fn alias_part(&mut self) -> PResult<String> {
        match self.peek_kind()? {
            TokenKind::Ident(_) => self.take_ident(),
            TokenKind::Keyword(k) => {
                let k = *k;
                let span = self.peek_span()?;
                Err(self.error_at(
                    span,
                    format!("`{}` is a reserved word and cannot be an alias", k.as_str()),
                    Some("pick another name for the output key".to_owned()),
                ))
            }
            _ => Err(self.unexpected("a name after `AS`")),
        }
    }

    // ----- expressions ------------------------------------------------------------------

    /// Parses an expression whose operators all bind tighter than `min_prec`, and sets
    /// `last_depth` to its tree depth.
    pub(crate) fn parse_subexpr(&mut self, min_prec: u8) -> PResult<Expr> {
        if self.depth >= MAX_DEPTH {
            return Err(self.too_deep());
        }
        self.depth += 1;
        let result = self.parse_subexpr_inner(min_prec);
        self.depth -= 1;
        result
    }

    fn follow(&mut self) -> PResult<Follow> {
        Ok(match self.peek_kind()? {
            TokenKind::Dot => Follow::Dot,
            TokenKind::LBracket => Follow::LBracket,
            kind => binary_op(kind).map_or(Follow::Done, Follow::Op),
        })
    }

    fn parse_subexpr_inner(&mut self, min_prec: u8) -> PResult<Expr> {
        let mut lhs = self.parse_prefix()?;
        let mut depth = self.last_depth;
        loop {
            match self.follow()? {
                Follow::Dot if PREC_POSTFIX > min_prec => {
                    self.bump()?;
                    let name = self.member_name(&lhs)?;
                    lhs = Expr::Member(Box::new(lhs), name);
                    depth += 1;
                }
                Follow::LBracket if PREC_POSTFIX > min_prec => {
                    self.bump()?;
                    let index = self.parse_subexpr(0)?;
                    depth = depth.max(self.last_depth) + 1;
                    self.expect(&TokenKind::RBracket, "`]`")?;
                    lhs = Expr::Index(Box::new(lhs), Box::new(index));
                }
                Follow::Op(op) if op.precedence() > min_prec => {
                    self.bump()?;
                    let rhs = self.parse_subexpr(op.precedence())?;
                    depth = depth.max(self.last_depth) + 1;
                    lhs = Expr::Binary(op, Box::new(lhs), Box::new(rhs));
                }
                _ => break,
            }
            self.check_tree_depth(depth)?;
        }
        self.last_depth = depth;
        Ok(lhs)
    }

    fn member_name(&mut self, base: &Expr) -> PResult<String> {
        match self.peek_kind()? {
            TokenKind::Ident(_) => self.take_ident(),
            TokenKind::Keyword(_) => {
                let span = self.bump()?;
                Ok(self.src.get(span).unwrap_or("").to_owned())
            }
            _ => Err(self.member_error(base)),
        }
    }

    #[cold]
    #[inline(never)]
    fn member_error(&mut self, base: &Expr) -> Box<Diagnostic> {
        match self.peek() {
            Ok(Token {
                kind: TokenKind::Number { text, .. },
                span,
            }) => {
                let hint = format!("use get({base}, '{text}') for such keys");
                let span = span.clone();
                self.error_at(
                    span,
                    "a key after `.` cannot start with a digit".to_owned(),
                    Some(hint),
                )
            }
            _ => self.unexpected("a key name after `.`"),
        }
    }

    fn start(&mut self) -> PResult<Start> {
        Ok(match self.peek_kind()? {
            TokenKind::Star
            | TokenKind::Number { .. }
            | TokenKind::Str(_)
            | TokenKind::Keyword(Keyword::True | Keyword::False | Keyword::Null) => Start::Atom,
            TokenKind::Keyword(Keyword::Not) => Start::Not,
            TokenKind::Minus => Start::Minus,
            TokenKind::Keyword(Keyword::Case) => Start::Case,
            TokenKind::LParen => Start::LParen,
            TokenKind::LBracket => Start::LBracket,
            TokenKind::LBrace => Start::LBrace,
            TokenKind::Ident(_) => Start::Ident,
            _ => Start::Other,
        })
    }

    /// Parses an operand: a literal, path start, call, prefix operator or bracketed form.
    /// Sets `last_depth` to the depth of the tree it returns.
    fn parse_prefix(&mut self) -> PResult<Expr> {
        self.last_depth = 1;
        match self.start()? {
            Start::Atom => self.parse_atom(),
            Start::Not => self.parse_unary(UnaryOp::Not, PREC_NOT),
            Start::Minus => self.parse_unary(UnaryOp::Neg, PREC_NEG),
            Start::Case => self.parse_case(),
            Start::LParen => self.parse_paren(),
            Start::LBracket => self.parse_array(),
            Start::LBrace => self.parse_object(),
            Start::Ident => self.parse_ident(),
            Start::Other => Err(self.operand_error()),
        }
    }

    #[inline(never)]
    fn parse_atom(&mut self) -> PResult<Expr> {
        let span = self.bump()?;
        let kind = self.prev.as_ref().map(|t| t.kind.clone());
        let lit = match kind {
            Some(TokenKind::Star) => return Ok(Expr::Star),
            Some(TokenKind::Number { text, decimal }) => self.number(&text, decimal, span)?,
            Some(TokenKind::Str(s)) => Literal::String(s),
            Some(TokenKind::Keyword(Keyword::True)) => Literal::Bool(true),
            Some(TokenKind::Keyword(Keyword::False)) => Literal::Bool(false),
            _ => Literal::Null,
        };
        Ok(Expr::Lit(lit))
    }

    fn number(&self, text: &str, decimal: bool, span: Range<usize>) -> PResult<Literal> {
        if !decimal && let Ok(i) = text.parse::<i64>() {
            return Ok(Literal::Int(i));
        }
        match text.parse::<f64>() {
            Ok(d) if d.is_finite() => Ok(Literal::Decimal(d)),
            _ => Err(self.error_at(
                span,
                "number out of range".to_owned(),
                Some("numbers must fit in a 64-bit float".to_owned()),
            )),
        }
    }

    #[inline(never)]
    fn parse_unary(&mut self, op: UnaryOp, prec: u8) -> PResult<Expr> {
        self.bump()?;
        let operand = self.parse_subexpr(prec)?;
        self.last_depth += 1;
        Ok(Expr::Unary(op, Box::new(operand)))
    }

    #[inline(never)]
    fn parse_paren(&mut self) -> PResult<Expr> {
        let open = self.bump()?;
        if self.at_keyword(Keyword::Select)? {
            self.require_2016(open, &|| "a nested SELECT".to_owned())?;
            self.bump()?;
            return self.parse_subquery();
        }
        let inner = self.parse_subexpr(0)?;
        self.expect(&TokenKind::RParen, "`)`")?;
        Ok(inner)
    }

    #[inline(never)]
    fn parse_array(&mut self) -> PResult<Expr> {
        let open = self.bump()?;
        self.require_2016(open, &|| "an array literal".to_owned())?;
        let items = self.parse_list(&TokenKind::RBracket, "`]`")?;
        Ok(Expr::Array(items))
    }

    #[inline(never)]
    fn parse_ident(&mut self) -> PResult<Expr> {
        let span = self.peek_span()?;
        let name = self.take_ident()?;
        if !self.at(&TokenKind::LParen)? {
            return Ok(Expr::Field(name));
        }
        self.bump()?;
        if name.eq_ignore_ascii_case("cast") {
            self.parse_cast()
        } else {
            self.parse_call(&name, span)
        }
    }

    #[cold]
    #[inline(never)]
    fn operand_error(&mut self) -> Box<Diagnostic> {
        let tok = match self.peek() {
            Ok(t) => t.clone(),
            Err(d) => return d,
        };
        match tok.kind {
            TokenKind::Keyword(k) => {
                let after_select = matches!(
                    &self.prev,
                    Some(t) if t.kind == TokenKind::Keyword(Keyword::Select)
                );
                let after_operator = self
                    .prev
                    .as_ref()
                    .filter(|p| binary_op(&p.kind).is_some())
                    .map(|p| self.src.get(p.span.clone()).unwrap_or("").to_owned());
                let hint = if k == Keyword::From && after_select {
                    Some("select `*` for the whole payload".to_owned())
                } else if let Some(op) = after_operator {
                    Some(format!("`{op}` needs an operand on its right"))
                } else if k == Keyword::Select {
                    Some("put a nested SELECT in parentheses: (SELECT ... FROM ...)".to_owned())
                } else {
                    None
                };
                self.error_at(
                    tok.span,
                    format!("expected an expression, found keyword `{}`", k.as_str()),
                    hint,
                )
            }
            TokenKind::Eof => {
                let hint = self
                    .prev
                    .as_ref()
                    .filter(|p| binary_op(&p.kind).is_some())
                    .map(|p| {
                        format!(
                            "`{}` needs an operand on its right",
                            self.src.get(p.span.clone()).unwrap_or("")
                        )
                    });
                self.unexpected_with("an expression", hint)
            }
            _ => self.unexpected("an expression"),
        }
    }

    /// Parses `expr (, expr)* close` (possibly empty); the opening token is consumed.
    fn parse_list(&mut self, close: &TokenKind, close_text: &str) -> PResult<Vec<Expr>> {
        let mut items = Vec::new();
        let mut depth = 1;
        if !self.eat(close)? {
            loop {
                items.push(self.parse_subexpr(0)?);
                depth = depth.max(self.last_depth + 1);
                if self.eat(close)? {
                    break;
                }
                if !self.eat(&TokenKind::Comma)? {
                    return Err(self.list_error(close_text));
                }
            }
        }
        self.last_depth = depth;
        self.check_tree_depth(depth)?;
        Ok(items)
    }

    #[cold]
    #[inline(never)]
    fn list_error(&mut self, close_text: &str) -> Box<Diagnostic> {
        self.unexpected(&format!("`,` or {close_text}"))
    }

    #[inline(never)]
    fn parse_object(&mut self) -> PResult<Expr> {
        let open = self.bump()?;
        self.require_2016(open, &|| "an object literal".to_owned())?;
        let mut entries = Vec::new();
        let mut depth = 1;
        if !self.eat(&TokenKind::RBrace)? {
            loop {
                let key = match self.peek_kind()? {
                    TokenKind::Str(_) | TokenKind::Ident(_) => {
                        self.bump()?;
                        match self.prev.as_ref().map(|t| &t.kind) {
                            Some(TokenKind::Str(s) | TokenKind::Ident(s)) => s.clone(),
                            _ => String::new(),
                        }
                    }
                    _ => return Err(self.unexpected("a quoted key")),
                };
                self.expect(&TokenKind::Colon, "`:`")?;
                let value = self.parse_subexpr(0)?;
                depth = depth.max(self.last_depth + 1);
                entries.push((key, value));
                if self.eat(&TokenKind::RBrace)? {
                    break;
                }
                if !self.eat(&TokenKind::Comma)? {
                    return Err(self.unexpected("`,` or `}`"));
                }
            }
        }
        self.last_depth = depth;
        self.check_tree_depth(depth)?;
        Ok(Expr::Object(entries))
    }

    #[inline(never)]
    fn parse_call(&mut self, name: &str, name_span: Range<usize>) -> PResult<Expr> {
        let Some(func) = Func::lookup(name) else {
            return Err(self.unknown_function(name, name_span));
        };
        if func.since() == SqlVersion::V2016_03_23 {
            self.require_2016(name_span, &|| format!("`{}()`", func.name()))?;
        }
        let args = self.parse_list(&TokenKind::RParen, "`)`")?;
        let mut call = Call::new(func, args);
        if matches!(
            func,
            Func::RegexpMatches | Func::RegexpReplace | Func::RegexpSubstr
        ) && let Some(Expr::Lit(Literal::String(pattern))) = call.args.get(1)
        {
            call.regex = RegexSlot(compile_regex(pattern).map(Arc::new));
        }
        Ok(Expr::Call(call))
    }

    #[cold]
    #[inline(never)]
    fn unknown_function(&self, name: &str, span: Range<usize>) -> Box<Diagnostic> {
        let hint = Func::closest(name).map(|f| format!("did you mean `{}()`?", f.name()));
        self.error_at(span, format!("unknown function `{name}()`"), hint)
    }

    #[inline(never)]
    fn parse_cast(&mut self) -> PResult<Expr> {
        let inner = self.parse_subexpr(0)?;
        let depth = self.last_depth + 1;
        if !self.eat_keyword(Keyword::As)? {
            return Err(self.unexpected_with(
                "`AS` and a type",
                Some("write cast(value AS Int)".to_owned()),
            ));
        }
        let ty = self.cast_type()?;
        self.expect(&TokenKind::RParen, "`)`")?;
        self.last_depth = depth;
        Ok(Expr::Cast(Box::new(inner), ty))
    }

    fn cast_type(&mut self) -> PResult<CastType> {
        let span = self.peek_span()?;
        let ty = match self.peek_kind()? {
            TokenKind::Ident(name) => CastType::lookup(name).ok_or_else(|| name.clone()),
            _ => return Err(self.unexpected("a type name")),
        };
        let ty = match ty {
            Ok(ty) => ty,
            Err(name) => {
                return Err(self.error_at(
                    span,
                    format!("unknown type `{name}` in cast()"),
                    Some("use String, Nvarchar, Text, Ntext, Varchar, Int, Integer, Double, Decimal, Bool or Boolean".to_owned()),
                ));
            }
        };
        if ty.needs_2016() {
            self.require_2016(span, &|| format!("cast to `{}`", ty.name()))?;
        }
        self.bump()?;
        Ok(ty)
    }

    #[inline(never)]
    fn parse_case(&mut self) -> PResult<Expr> {
        self.bump()?;
        let mut depth = 1;
        let operand = if self.at_keyword(Keyword::When)? {
            None
        } else {
            let e = self.parse_subexpr(0)?;
            depth = depth.max(self.last_depth + 1);
            Some(e)
        };
        let mut branches = Vec::new();
        while self.eat_keyword(Keyword::When)? {
            let when = self.parse_subexpr(0)?;
            depth = depth.max(self.last_depth + 1);
            if !self.eat_keyword(Keyword::Then)? {
                return Err(self.unexpected("`THEN`"));
            }
            let then = self.parse_subexpr(0)?;
            depth = depth.max(self.last_depth + 1);
            branches.push((when, then));
        }
        if branches.is_empty() {
            return Err(self.unexpected_with(
                "`WHEN`",
                Some("a CASE needs at least one WHEN ... THEN ... branch".to_owned()),
            ));
        }
        let otherwise = if self.eat_keyword(Keyword::Else)? {
            let e = self.parse_subexpr(0)?;
            depth = depth.max(self.last_depth + 1);
            Some(e)
        } else {
            None
        };
        if !self.eat_keyword(Keyword::End)? {
            return Err(self.unexpected_with(
                "`WHEN`, `ELSE` or `END`",
                Some("close the CASE with END".to_owned()),
            ));
        }
        self.last_depth = depth;
        self.check_tree_depth(depth)?;
        Ok(Expr::Case(Box::new(Case {
            operand,
            branches,
            otherwise,
        })))
    }

    #[inline(never)]
    fn parse_subquery(&mut self) -> PResult<Expr> {
        let select = self.parse_select_list()?;
        let mut depth = self.last_depth + 1;
        if !self.eat_keyword(Keyword::From)? {
            return Err(self.unexpected_with(
                "`FROM`",
                Some("a nested SELECT reads FROM an array or object, e.g. FROM e".to_owned()),
            ));
        }
        let from = self.parse_subexpr(0)?;
        depth = depth.max(self.last_depth + 1);
        let where_clause = if self.eat_keyword(Keyword::Where)? {
            let e = self.parse_subexpr(0)?;
            depth = depth.max(self.last_depth + 1);
            Some(e)
        } else {
            None
        };
        self.expect(&TokenKind::RParen, "`)` to close the nested SELECT")?;
        self.last_depth = depth;
        self.check_tree_depth(depth)?;
        Ok(Expr::Subquery(Box::new(SubQuery {
            select,
            from,
            where_clause,
        })))
    }
}

fn binary_op(kind: &TokenKind) -> Option<BinaryOp> {
    Some(match kind {
        TokenKind::Keyword(Keyword::Or) => BinaryOp::Or,
        TokenKind::Keyword(Keyword::And) => BinaryOp::And,
        TokenKind::Eq => BinaryOp::Eq,
        TokenKind::NotEq => BinaryOp::NotEq,
        TokenKind::Lt => BinaryOp::Lt,
        TokenKind::LtEq => BinaryOp::LtEq,
        TokenKind::Gt => BinaryOp::Gt,
        TokenKind::GtEq => BinaryOp::GtEq,
        TokenKind::Plus => BinaryOp::Add,
        TokenKind::Minus => BinaryOp::Sub,
        TokenKind::Star => BinaryOp::Mul,
        TokenKind::Slash => BinaryOp::Div,
        TokenKind::Percent => BinaryOp::Mod,
        _ => return None,
    })
}
