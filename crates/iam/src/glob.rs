//! Compiled text patterns: literal text, the `*` and `?` wildcards, and policy variables
//! (`${aws:username}`, `${aws:PrincipalTag/team, 'default'}`, `${*}`, `${?}`, `${$}`).
//!
//! Variables are resolved while matching, from the request, so matching never allocates.

/// Looks up the single value of a condition key (lower-cased name) for variable substitution.
pub(crate) trait Resolve {
    /// The key's value, or `None` if the key is absent or multivalued; `hash` is the key's
    /// `request::key_hash`.
    fn resolve(&self, hash: u64, key: &str) -> Option<&str>;
}

/// One element of a compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    /// Literal text (lower-cased when the pattern folds case).
    Lit(Box<str>),
    /// `*`: any run of characters, possibly empty.
    AnyRun,
    /// `?`: exactly one character.
    AnyOne,
    /// `${key}` or `${key, 'default'}`: the key's value, matched literally.
    Var {
        key: Box<str>,
        hash: u64,
        default: Option<Box<str>>,
    },
}

/// How a pattern's text is read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Syntax {
    /// `*` and `?` are wildcards (otherwise literal characters).
    pub(crate) wildcards: bool,
    /// `${…}` is a policy variable (policies with `Version` 2012-10-17 only).
    pub(crate) variables: bool,
    /// Compare case-insensitively.
    pub(crate) fold: bool,
}

/// A compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Glob {
    parts: Box<[Part]>,
    fold: bool,
}

impl Glob {
    /// Compiles `text` under `syntax`.
    pub(crate) fn compile(text: &str, syntax: Syntax) -> Self {
        let mut parts: Vec<Part> = Vec::new();
        let mut lit = String::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if syntax.variables
                && rest.starts_with("${")
                && let Some(end) = rest.find('}')
            {
                let inner = &rest[2..end];
                match inner {
                    "*" | "?" | "$" => lit.push_str(inner),
                    _ => {
                        flush(&mut parts, &mut lit, syntax.fold);
                        parts.push(parse_variable(inner));
                    }
                }
                rest = &rest[end + 1..];
                continue;
            }
            match c {
                '*' if syntax.wildcards => {
                    flush(&mut parts, &mut lit, syntax.fold);
                    if parts.last() != Some(&Part::AnyRun) {
                        parts.push(Part::AnyRun);
                    }
                }
                '?' if syntax.wildcards => {
                    flush(&mut parts, &mut lit, syntax.fold);
                    parts.push(Part::AnyOne);
                }
                _ => lit.push(c),
            }
            rest = &rest[c.len_utf8()..];
        }
        flush(&mut parts, &mut lit, syntax.fold);
        Self {
            parts: parts.into_boxed_slice(),
            fold: syntax.fold,
        }
    }

    /// Whether `text` matches. A variable with no value (and no default) matches nothing, so
    /// the whole pattern does not match (user guide, `reference_policies_variables`).
    pub(crate) fn matches(&self, text: &str, vars: &dyn Resolve) -> bool {
        match &*self.parts {
            [Part::Lit(lit)] if !self.fold => **lit == *text,
            [Part::Var { key, hash, default }] if !self.fold => {
                vars.resolve(*hash, key).or(default.as_deref()) == Some(text)
            }
            _ => self.match_from(text, vars),
        }
    }

    /// Greedy matching that backtracks to the last `*`: correct for patterns of literals,
    /// `?` and `*` (each `*` can only grow what the previous ones matched).
    fn match_from(&self, text: &str, vars: &dyn Resolve) -> bool {
        let parts = &*self.parts;
        let (mut p, mut t) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        loop {
            if let Some(part) = parts.get(p) {
                match part {
                    Part::AnyRun => {
                        if p + 1 == parts.len() {
                            return true;
                        }
                        star = Some((p + 1, t));
                        p += 1;
                        continue;
                    }
                    Part::AnyOne => {
                        if let Some(c) = text[t..].chars().next() {
                            t += c.len_utf8();
                            p += 1;
                            continue;
                        }
                    }
                    Part::Lit(lit) => {
                        if let Some(n) = prefix_len(&text[t..], lit, self.fold) {
                            t += n;
                            p += 1;
                            continue;
                        }
                    }
                    Part::Var { key, hash, default } => {
                        let Some(lit) = vars.resolve(*hash, key).or(default.as_deref()) else {
                            return false;
                        };
                        if let Some(n) = prefix_len(&text[t..], lit, self.fold) {
                            t += n;
                            p += 1;
                            continue;
                        }
                    }
                }
            } else if t == text.len() {
                return true;
            }
            let Some((resume, from)) = star else {
                return false;
            };
            let Some(c) = text[from..].chars().next() else {
                return false;
            };
            star = Some((resume, from + c.len_utf8()));
            p = resume;
            t = from + c.len_utf8();
        }
    }
}

fn flush(parts: &mut Vec<Part>, lit: &mut String, fold: bool) {
    if lit.is_empty() {
        return;
    }
    let text = if fold {
        lit.to_lowercase()
    } else {
        std::mem::take(lit)
    };
    lit.clear();
    parts.push(Part::Lit(text.into_boxed_str()));
}

/// Parses the inside of `${…}`: `key` or `key, 'default'` (key names are case-insensitive).
fn parse_variable(inner: &str) -> Part {
    let (key, default) = match inner.split_once(',') {
        Some((key, rest)) => {
            let rest = rest.trim();
            let default = rest
                .strip_prefix('\'')
                .and_then(|r| r.strip_suffix('\''))
                .unwrap_or(rest);
            (key.trim(), Some(default.into()))
        }
        None => (inner.trim(), None),
    };
    let key = key.to_lowercase();
    Part::Var {
        hash: crate::request::key_hash(&key),
        key: key.into_boxed_str(),
        default,
    }
}

/// Length in bytes of the prefix of `text` equal to `lit` (case-folded if `fold`).
fn prefix_len(text: &str, lit: &str, fold: bool) -> Option<usize> {
    if !fold {
        return text.starts_with(lit).then_some(lit.len());
    }
    let mut consumed = 0;
    let mut text_chars = text.chars();
    for pc in lit.chars() {
        let tc = text_chars.next()?;
        if !chars_equal_folded(tc, pc) {
            return None;
        }
        consumed += tc.len_utf8();
    }
    Some(consumed)
}

fn chars_equal_folded(a: char, b: char) -> bool {
    a == b
        || (a.is_ascii() && b.is_ascii() && a.eq_ignore_ascii_case(&b))
        || (!a.is_ascii() && a.to_lowercase().eq(b.to_lowercase()))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::HashMap;

    pub(crate) struct Vars(pub(crate) HashMap<&'static str, &'static str>);

    impl Resolve for Vars {
        fn resolve(&self, _hash: u64, key: &str) -> Option<&str> {
            self.0.get(key).copied()
        }
    }

    const PLAIN: Syntax = Syntax {
        wildcards: true,
        variables: false,
        fold: false,
    };
    const VARS: Syntax = Syntax {
        wildcards: true,
        variables: true,
        fold: false,
    };

    fn m(pattern: &str, text: &str) -> bool {
        Glob::compile(pattern, PLAIN).matches(text, &Vars(HashMap::new()))
    }

    #[test]
    fn wildcards() {
        assert!(m("*", ""));
        assert!(m("a*c", "abbbc"));
        assert!(m("a*c", "ac"));
        assert!(!m("a*c", "acb"));
        assert!(m("a?c", "abc"));
        assert!(!m("a?c", "ac"));
        assert!(m("bucket/*/test/*", "bucket/1/2/test/3/o.jpg"));
        assert!(m("*ab*ab", "xabyabab"));
        assert!(!m("abc", "ABC"));
        assert!(m("é?", "éü"));
    }

    #[test]
    fn folding() {
        let g = Glob::compile(
            "IAM:List*",
            Syntax {
                wildcards: true,
                variables: false,
                fold: true,
            },
        );
        assert!(g.matches("iam:listaccesskeys", &Vars(HashMap::new())));
    }

    #[test]
    fn variables_and_escapes() {
        let vars = Vars(HashMap::from([("aws:username", "a*b")]));
        let g = Glob::compile("home/${aws:username}/*", VARS);
        assert!(g.matches("home/a*b/x", &vars));
        // A substituted value is literal: `*` in the value is not a wildcard.
        assert!(!g.matches("home/aXb/x", &vars));
        assert!(!Glob::compile("${aws:missing}", VARS).matches("x", &vars));
        let d = Glob::compile("${aws:PrincipalTag/team, 'company-wide'}", VARS);
        assert!(d.matches("company-wide", &vars));
        let esc = Glob::compile("a${*}b${?}${$}", VARS);
        assert!(esc.matches("a*b?$", &vars));
        assert!(!esc.matches("axb?$", &vars));
        // Without variable syntax the text is literal (and `*` inside it a wildcard).
        let lit = Glob::compile(
            "${aws:username}",
            Syntax {
                wildcards: false,
                variables: false,
                fold: false,
            },
        );
        assert!(lit.matches("${aws:username}", &vars));
    }
}
