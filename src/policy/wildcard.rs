//! Policy wildcard matching: `*` matches any run of characters (including none and
//! including `/`), `?` matches exactly one character. MQTT's `+` and `#` have no special
//! meaning here. Characters that came from a policy variable or an escape are literal.

/// One element of a compiled pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Char(char),
    AnyOne,
    AnyRun,
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Pattern {
    toks: Vec<Tok>,
}

impl Pattern {
    /// A pattern in which `*` and `?` are wildcards.
    pub(crate) fn glob(text: &str) -> Self {
        let mut pattern = Self::default();
        pattern.push_glob(text);
        pattern
    }

    /// Append text in which `*` and `?` are wildcards.
    pub(crate) fn push_glob(&mut self, text: &str) {
        self.toks.extend(text.chars().map(|c| match c {
            '*' => Tok::AnyRun,
            '?' => Tok::AnyOne,
            other => Tok::Char(other),
        }));
    }

    /// Append text matched character for character.
    pub(crate) fn push_literal(&mut self, text: &str) {
        self.toks.extend(text.chars().map(Tok::Char));
    }

    /// Whether the whole of `text` matches.
    pub(crate) fn matches(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        glob_match(&self.toks, &chars)
    }

    /// ARN matching as IAM's `ArnLike` does it: the six colon-separated parts are matched
    /// separately (the last part, the resource, may itself contain colons).
    pub(crate) fn matches_arn(&self, arn: &str) -> bool {
        let parts: Vec<Vec<char>> = arn.splitn(6, ':').map(|p| p.chars().collect()).collect();
        let mut groups: Vec<&[Tok]> = Vec::with_capacity(6);
        let mut start = 0;
        for (i, tok) in self.toks.iter().enumerate() {
            if *tok == Tok::Char(':') && groups.len() < 5 {
                groups.push(&self.toks[start..i]);
                start = i + 1;
            }
        }
        groups.push(&self.toks[start..]);
        groups.len() == 6
            && parts.len() == 6
            && groups
                .iter()
                .zip(&parts)
                .all(|(group, part)| glob_match(group, part))
    }
}

/// Iterative wildcard matching with backtracking to the last `*`; linear in practice.
fn glob_match(pattern: &[Tok], text: &[char]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut last_star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(Tok::AnyRun) => {
                last_star = Some((p, t));
                p += 1;
                continue;
            }
            Some(Tok::AnyOne) => {
                p += 1;
                t += 1;
                continue;
            }
            Some(Tok::Char(c)) if *c == text[t] => {
                p += 1;
                t += 1;
                continue;
            }
            _ => {}
        }
        match last_star {
            Some((star_p, star_t)) => {
                p = star_p + 1;
                t = star_t + 1;
                last_star = Some((star_p, star_t + 1));
            }
            None => return false,
        }
    }
    pattern[p..].iter().all(|tok| *tok == Tok::AnyRun)
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    #[test]
    fn star_and_question_mark() {
        assert!(Pattern::glob("device/*").matches("device/a/b/c"));
        assert!(Pattern::glob("device/*").matches("device/"));
        assert!(!Pattern::glob("device/*").matches("devices"));
        assert!(Pattern::glob("a?c").matches("abc"));
        assert!(!Pattern::glob("a?c").matches("ac"));
        assert!(Pattern::glob("*/x/*").matches("a/b/x/c"));
        assert!(Pattern::glob("*").matches(""));
        assert!(!Pattern::glob("abc").matches("abcd"));
    }

    #[test]
    fn mqtt_wildcards_are_literal() {
        assert!(Pattern::glob("device/+/data").matches("device/+/data"));
        assert!(!Pattern::glob("device/+/data").matches("device/x/data"));
        assert!(Pattern::glob("device/#").matches("device/#"));
        assert!(!Pattern::glob("device/#").matches("device/x"));
    }

    #[test]
    fn literal_segments_do_not_wildcard() {
        let mut pattern = Pattern::glob("topic/");
        pattern.push_literal("*");
        assert!(pattern.matches("topic/*"));
        assert!(!pattern.matches("topic/x"));
    }

    #[test]
    fn arn_parts_match_separately() {
        let pattern = Pattern::glob("arn:aws:iot:*:123456789012:topic/*");
        assert!(pattern.matches_arn("arn:aws:iot:us-east-1:123456789012:topic/a:b"));
        assert!(!pattern.matches_arn("arn:aws:iot:us-east-1:999999999999:topic/a"));
        // `*` does not run across the colon separating region and account.
        assert!(!Pattern::glob("arn:aws:iot:*:topic/a").matches_arn("arn:aws:iot:r:1:topic/a"));
        assert!(!Pattern::glob("arn:aws").matches_arn("arn:aws:iot:r:1:topic/a"));
    }
}
