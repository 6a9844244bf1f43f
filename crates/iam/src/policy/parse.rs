//! JSON → compiled policy, with the JSON location of every error.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::action::ActionPattern;
use super::condition::Condition;
use super::principal::{Entry, PrincipalMatcher};
use super::{Effect, Patterns, Policy, PolicyError, Statement, Version};
use crate::arn::ArnPattern;

/// A JSON location, rendered only when an error needs it (`Statement[1].Condition.Bool`).
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    fn key(&'a self, key: &'a str) -> Self {
        Path::Key(self, key)
    }

    fn index(&'a self, index: usize) -> Self {
        Path::Index(self, index)
    }
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Path::Root => f.write_str("$"),
            Path::Key(Path::Root, key) => f.write_str(key),
            Path::Key(parent, key) => write!(f, "{parent}.{key}"),
            Path::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

/// Builds errors for one policy.
struct Ctx<'a> {
    policy: &'a str,
}

impl Ctx<'_> {
    fn err(&self, path: &Path<'_>, message: impl Into<String>) -> PolicyError {
        PolicyError::Invalid {
            policy: self.policy.to_owned(),
            path: path.to_string(),
            message: message.into(),
        }
    }
}

/// Parses a whole document.
pub(super) fn document(name: &str, value: &Value) -> Result<Policy, PolicyError> {
    let cx = Ctx { policy: name };
    let root = Path::Root;
    let Value::Object(map) = value else {
        return Err(cx.err(&root, "a policy must be a json object"));
    };
    for key in map.keys() {
        if !matches!(key.as_str(), "Version" | "Id" | "Statement") {
            return Err(cx.err(&root.key(key), format!("unknown element `{key}`")));
        }
    }
    let version = match map.get("Version") {
        None => None,
        Some(Value::String(v)) if v == "2012-10-17" => Some(Version::V2012_10_17),
        Some(Value::String(v)) if v == "2008-10-17" => Some(Version::V2008_10_17),
        Some(other) => {
            return Err(cx.err(&root.key("Version"), format!("unsupported version {other}")));
        }
    };
    let id = optional_string(&cx, map, "Id", &root)?;
    let variables = version == Some(Version::V2012_10_17);
    let statements = match map.get("Statement") {
        None => return Err(cx.err(&root, "missing `Statement`")),
        Some(Value::Object(s)) => vec![statement(&cx, s, &root.key("Statement"), variables)?],
        Some(Value::Array(items)) => {
            let list = root.key("Statement");
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let path = list.index(i);
                    match item {
                        Value::Object(s) => statement(&cx, s, &path, variables),
                        _ => Err(cx.err(&path, "a statement must be a json object")),
                    }
                })
                .collect::<Result<Vec<_>, _>>()?
        }
        Some(_) => {
            return Err(cx.err(
                &root.key("Statement"),
                "must be an object or an array of objects",
            ));
        }
    };
    Ok(Policy {
        name: name.into(),
        id,
        version,
        statements: statements.into_boxed_slice(),
    })
}

fn optional_string(
    cx: &Ctx<'_>,
    map: &Map<String, Value>,
    key: &str,
    at: &Path<'_>,
) -> Result<Option<Box<str>>, PolicyError> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str().into())),
        Some(_) => Err(cx.err(&at.key(key), "must be a string")),
    }
}

/// A string or an array of strings (numbers and booleans are read as their JSON text, as AWS
/// does for condition values).
fn strings<'v>(
    cx: &Ctx<'_>,
    value: &'v Value,
    path: &Path<'_>,
    allow_scalars: bool,
) -> Result<Vec<Cow<'v, str>>, PolicyError> {
    let one = |v: &'v Value, p: &Path<'_>| match v {
        Value::String(s) => Ok(Cow::Borrowed(s.as_str())),
        Value::Number(n) if allow_scalars => Ok(Cow::Owned(n.to_string())),
        Value::Bool(b) if allow_scalars => Ok(Cow::Owned(b.to_string())),
        _ => Err(cx.err(p, "must be a string or an array of strings")),
    };
    match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| one(v, &path.index(i)))
            .collect(),
        v => one(v, path).map(|s| vec![s]),
    }
}

fn exactly_one<'v, 'k>(
    cx: &Ctx<'_>,
    map: &'v Map<String, Value>,
    at: &Path<'_>,
    plain: &'k str,
    negated: &'k str,
    required: bool,
) -> Result<Option<(bool, &'v Value, &'k str)>, PolicyError> {
    match (map.get(plain), map.get(negated)) {
        (Some(_), Some(_)) => Err(cx.err(
            at,
            format!("`{plain}` and `{negated}` cannot both be present"),
        )),
        (Some(v), None) => Ok(Some((false, v, plain))),
        (None, Some(v)) => Ok(Some((true, v, negated))),
        (None, None) if required => Err(cx.err(at, format!("missing `{plain}` or `{negated}`"))),
        (None, None) => Ok(None),
    }
}

fn statement(
    cx: &Ctx<'_>,
    map: &Map<String, Value>,
    at: &Path<'_>,
    variables: bool,
) -> Result<Statement, PolicyError> {
    const KNOWN: &[&str] = &[
        "Sid",
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    ];
    for key in map.keys() {
        if !KNOWN.contains(&key.as_str()) {
            return Err(cx.err(&at.key(key), format!("unknown element `{key}`")));
        }
    }
    let sid = optional_string(cx, map, "Sid", at)?;
    let effect = match map.get("Effect") {
        Some(Value::String(e)) if e == "Allow" => Effect::Allow,
        Some(Value::String(e)) if e == "Deny" => Effect::Deny,
        Some(other) => {
            return Err(cx.err(
                &at.key("Effect"),
                format!("must be `Allow` or `Deny`, not {other}"),
            ));
        }
        None => return Err(cx.err(at, "missing `Effect`")),
    };
    let principal = match exactly_one(cx, map, at, "Principal", "NotPrincipal", false)? {
        Some((negated, value, key)) => Some(principal(cx, value, &at.key(key), negated)?),
        None => None,
    };
    let actions = match exactly_one(cx, map, at, "Action", "NotAction", true)? {
        Some((negated, value, key)) => {
            let path = at.key(key);
            let items = strings(cx, value, &path, false)?
                .iter()
                .enumerate()
                .map(|(i, a)| ActionPattern::compile(a).map_err(|m| cx.err(&path.index(i), m)))
                .collect::<Result<Vec<_>, _>>()?;
            Patterns {
                negated,
                items: items.into_boxed_slice(),
            }
        }
        None => return Err(cx.err(at, "missing `Action` or `NotAction`")),
    };
    // A statement without `Resource` (trust policies) applies to any resource.
    let resources = match exactly_one(cx, map, at, "Resource", "NotResource", false)? {
        Some((negated, value, key)) => {
            let items: Vec<ArnPattern> = strings(cx, value, &at.key(key), false)?
                .iter()
                .map(|r| ArnPattern::compile(r, variables))
                .collect();
            Some(Patterns {
                negated,
                items: items.into_boxed_slice(),
            })
        }
        None => None,
    };
    let conditions = match map.get("Condition") {
        None => Vec::new(),
        Some(value) => conditions(cx, value, &at.key("Condition"), variables)?,
    };
    Ok(Statement {
        sid,
        effect,
        principal,
        actions,
        resources,
        conditions: conditions.into_boxed_slice(),
    })
}

fn principal(
    cx: &Ctx<'_>,
    value: &Value,
    path: &Path<'_>,
    negated: bool,
) -> Result<PrincipalMatcher, PolicyError> {
    let entries = match value {
        Value::String(s) if s == "*" => vec![Entry::Everyone],
        Value::Object(map) => {
            let mut entries = Vec::new();
            for (kind, values) in map {
                let p = path.key(kind);
                for v in strings(cx, values, &p, false)? {
                    entries.push(Entry::new(kind, &v).map_err(|m| cx.err(&p, m))?);
                }
            }
            entries
        }
        _ => return Err(cx.err(path, "must be `*` or an object such as {\"AWS\": …}")),
    };
    Ok(PrincipalMatcher {
        negated,
        entries: entries.into_boxed_slice(),
    })
}

fn conditions(
    cx: &Ctx<'_>,
    value: &Value,
    path: &Path<'_>,
    variables: bool,
) -> Result<Vec<Condition>, PolicyError> {
    let Value::Object(ops) = value else {
        return Err(cx.err(path, "must be an object of condition operators"));
    };
    let mut out = Vec::new();
    for (op, keys) in ops {
        let op_path = path.key(op);
        let Value::Object(keys) = keys else {
            return Err(cx.err(&op_path, "must be an object of condition keys"));
        };
        for (key, values) in keys {
            let key_path = op_path.key(key);
            let values = strings(cx, values, &key_path, true)?;
            out.push(
                Condition::compile(op, key, &values, variables)
                    .map_err(|m| cx.err(&key_path, m))?,
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::policy::{Policy, PolicyError};

    fn err(text: &str) -> String {
        Policy::parse("p", text).unwrap_err().to_string()
    }

    #[test]
    fn statement_object_or_array() {
        let one = Policy::parse(
            "p",
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
        )
        .unwrap();
        assert_eq!(one.statements().len(), 1);
        let two = Policy::parse(
            "p",
            r#"{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"a","Effect":"Allow","Action":["s3:*"],"Resource":["*"]},{"Effect":"Deny","NotAction":"iam:*","NotResource":"arn:aws:s3:::b"}]}"#,
        )
        .unwrap();
        assert_eq!(two.statements().len(), 2);
        assert_eq!(two.id(), Some("x"));
        assert_eq!(two.statements()[0].sid(), Some("a"));
    }

    #[test]
    fn errors_name_the_location() {
        assert_eq!(
            err(
                r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Maybe","Action":"s3:*"}]}"#
            ),
            "policy `p` at `Statement[1].Effect`: must be `Allow` or `Deny`, not \"Maybe\""
        );
        assert_eq!(
            err(
                r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"soon"}}}}"#
            ),
            "policy `p` at `Statement.Condition.DateLessThan.aws:TokenIssueTime`: `soon` is not a date"
        );
        assert_eq!(
            err(r#"{"Statement":{"Effect":"Deny","Action":["s3:*", 3],"Resource":"*"}}"#),
            "policy `p` at `Statement.Action[1]`: must be a string or an array of strings"
        );
        assert_eq!(
            err(r#"{"Version":"2012-10-17"}"#),
            "policy `p` at `$`: missing `Statement`"
        );
        assert_eq!(
            err(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Extra":1}}"#),
            "policy `p` at `Statement.Extra`: unknown element `Extra`"
        );
        assert_eq!(
            err(
                r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"k":"v"}}}}"#
            ),
            "policy `p` at `Statement.Condition.StringEqualz.k`: unknown condition operator `StringEqualz`"
        );
        assert_eq!(
            err(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","NotAction":"s3:*"}}"#),
            "policy `p` at `Statement`: `Action` and `NotAction` cannot both be present"
        );
        assert!(matches!(
            Policy::parse("p", "{nope"),
            Err(PolicyError::Json { .. })
        ));
    }

    #[test]
    fn url_encoded_document() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%7D";
        let p = Policy::parse("p", encoded).unwrap();
        assert_eq!(p.statements().len(), 1);
        let from_value =
            Policy::from_json("p", &serde_json::Value::String(encoded.into())).unwrap();
        assert_eq!(from_value, p);
    }
}
