//! JSON → compiled policy, with the JSON location of every error.

use serde_json::{Map, Value};

use super::action::ActionPattern;
use super::condition::Condition;
use super::principal::{Entry, PrincipalMatcher};
use super::{Effect, Patterns, Policy, PolicyError, Statement, Version};
use crate::arn::ArnPattern;

/// Builds errors for one policy.
struct Ctx<'a> {
    policy: &'a str,
}

impl Ctx<'_> {
    fn err(&self, path: &str, message: impl Into<String>) -> PolicyError {
        PolicyError::Invalid {
            policy: self.policy.to_owned(),
            path: if path.is_empty() { "$".into() } else { path.to_owned() },
            message: message.into(),
        }
    }
}

/// Parses a whole document.
pub(super) fn document(name: &str, value: &Value) -> Result<Policy, PolicyError> {
    let cx = Ctx { policy: name };
    let Value::Object(map) = value else {
        return Err(cx.err("", "a policy must be a json object"));
    };
    for key in map.keys() {
        if !matches!(key.as_str(), "Version" | "Id" | "Statement") {
            return Err(cx.err(key, format!("unknown element `{key}`")));
        }
    }
    let version = match map.get("Version") {
        None => None,
        Some(Value::String(v)) if v == "2012-10-17" => Some(Version::V2012_10_17),
        Some(Value::String(v)) if v == "2008-10-17" => Some(Version::V2008_10_17),
        Some(other) => {
            return Err(cx.err("Version", format!("unsupported version {other}")));
        }
    };
    let id = optional_string(&cx, map, "Id", "")?;
    let variables = version == Some(Version::V2012_10_17);
    let statements = match map.get("Statement") {
        None => return Err(cx.err("", "missing `Statement`")),
        Some(Value::Object(s)) => vec![statement(&cx, s, "Statement", variables)?],
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let path = format!("Statement[{i}]");
                match item {
                    Value::Object(s) => statement(&cx, s, &path, variables),
                    _ => Err(cx.err(&path, "a statement must be a json object")),
                }
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => return Err(cx.err("Statement", "must be an object or an array of objects")),
    };
    Ok(Policy { name: name.into(), id, version, statements: statements.into_boxed_slice() })
}

fn optional_string(
    cx: &Ctx<'_>,
    map: &Map<String, Value>,
    key: &str,
    at: &str,
) -> Result<Option<Box<str>>, PolicyError> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str().into())),
        Some(_) => Err(cx.err(&join(at, key), "must be a string")),
    }
}

fn join(at: &str, key: &str) -> String {
    if at.is_empty() { key.to_owned() } else { format!("{at}.{key}") }
}

/// A string or an array of strings (numbers and booleans are read as their JSON text, as AWS
/// does for condition values).
fn strings(cx: &Ctx<'_>, value: &Value, path: &str, allow_scalars: bool) -> Result<Vec<String>, PolicyError> {
    let one = |v: &Value, p: &str| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) if allow_scalars => Ok(n.to_string()),
        Value::Bool(b) if allow_scalars => Ok(b.to_string()),
        _ => Err(cx.err(p, "must be a string or an array of strings")),
    };
    match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| one(v, &format!("{path}[{i}]")))
            .collect(),
        v => one(v, path).map(|s| vec![s]),
    }
}

fn exactly_one<'v>(
    cx: &Ctx<'_>,
    map: &'v Map<String, Value>,
    at: &str,
    plain: &str,
    negated: &str,
    required: bool,
) -> Result<Option<(bool, &'v Value, String)>, PolicyError> {
    match (map.get(plain), map.get(negated)) {
        (Some(_), Some(_)) => Err(cx.err(at, format!("`{plain}` and `{negated}` cannot both be present"))),
        (Some(v), None) => Ok(Some((false, v, join(at, plain)))),
        (None, Some(v)) => Ok(Some((true, v, join(at, negated)))),
        (None, None) if required => Err(cx.err(at, format!("missing `{plain}` or `{negated}`"))),
        (None, None) => Ok(None),
    }
}

fn statement(
    cx: &Ctx<'_>,
    map: &Map<String, Value>,
    at: &str,
    variables: bool,
) -> Result<Statement, PolicyError> {
    const KNOWN: &[&str] = &[
        "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource",
        "NotResource", "Condition",
    ];
    for key in map.keys() {
        if !KNOWN.contains(&key.as_str()) {
            return Err(cx.err(&join(at, key), format!("unknown element `{key}`")));
        }
    }
    let sid = optional_string(cx, map, "Sid", at)?;
    let effect = match map.get("Effect") {
        Some(Value::String(e)) if e == "Allow" => Effect::Allow,
        Some(Value::String(e)) if e == "Deny" => Effect::Deny,
        Some(other) => {
            return Err(cx.err(&join(at, "Effect"), format!("must be `Allow` or `Deny`, not {other}")));
        }
        None => return Err(cx.err(at, "missing `Effect`")),
    };
    let principal = match exactly_one(cx, map, at, "Principal", "NotPrincipal", false)? {
        Some((negated, value, path)) => Some(principal(cx, value, &path, negated)?),
        None => None,
    };
    let actions = match exactly_one(cx, map, at, "Action", "NotAction", true)? {
        Some((negated, value, path)) => {
            let items = strings(cx, value, &path, false)?
                .iter()
                .enumerate()
                .map(|(i, a)| ActionPattern::compile(a).map_err(|m| cx.err(&format!("{path}[{i}]"), m)))
                .collect::<Result<Vec<_>, _>>()?;
            Patterns { negated, items: items.into_boxed_slice() }
        }
        None => return Err(cx.err(at, "missing `Action` or `NotAction`")),
    };
    // A statement without `Resource` (trust policies) applies to any resource.
    let resources = match exactly_one(cx, map, at, "Resource", "NotResource", false)? {
        Some((negated, value, path)) => {
            let items: Vec<ArnPattern> = strings(cx, value, &path, false)?
                .iter()
                .map(|r| ArnPattern::compile(r, variables))
                .collect();
            Some(Patterns { negated, items: items.into_boxed_slice() })
        }
        None => None,
    };
    let conditions = match map.get("Condition") {
        None => Vec::new(),
        Some(value) => conditions(cx, value, &join(at, "Condition"), variables)?,
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

fn principal(cx: &Ctx<'_>, value: &Value, path: &str, negated: bool) -> Result<PrincipalMatcher, PolicyError> {
    let entries = match value {
        Value::String(s) if s == "*" => vec![Entry::Everyone],
        Value::Object(map) => {
            let mut entries = Vec::new();
            for (kind, values) in map {
                let p = format!("{path}.{kind}");
                for v in strings(cx, values, &p, false)? {
                    entries.push(Entry::new(kind, &v).map_err(|m| cx.err(&p, m))?);
                }
            }
            entries
        }
        _ => return Err(cx.err(path, "must be `*` or an object such as {\"AWS\": …}")),
    };
    Ok(PrincipalMatcher { negated, entries: entries.into_boxed_slice() })
}

fn conditions(cx: &Ctx<'_>, value: &Value, path: &str, variables: bool) -> Result<Vec<Condition>, PolicyError> {
    let Value::Object(ops) = value else {
        return Err(cx.err(path, "must be an object of condition operators"));
    };
    let mut out = Vec::new();
    for (op, keys) in ops {
        let op_path = format!("{path}.{op}");
        let Value::Object(keys) = keys else {
            return Err(cx.err(&op_path, "must be an object of condition keys"));
        };
        for (key, values) in keys {
            let key_path = format!("{op_path}.{key}");
            let values = strings(cx, values, &key_path, true)?;
            out.push(Condition::compile(op, key, &values, variables).map_err(|m| cx.err(&key_path, m))?);
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
        let one = Policy::parse("p", r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#).unwrap();
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
            err(r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Maybe","Action":"s3:*"}]}"#),
            "policy `p` at `Statement[1].Effect`: must be `Allow` or `Deny`, not \"Maybe\""
        );
        assert_eq!(
            err(r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"soon"}}}}"#),
            "policy `p` at `Statement.Condition.DateLessThan.aws:TokenIssueTime`: `soon` is not a date"
        );
        assert_eq!(
            err(r#"{"Statement":{"Effect":"Deny","Action":["s3:*", 3],"Resource":"*"}}"#),
            "policy `p` at `Statement.Action[1]`: must be a string or an array of strings"
        );
        assert_eq!(err(r#"{"Version":"2012-10-17"}"#), "policy `p` at `$`: missing `Statement`");
        assert_eq!(
            err(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Extra":1}}"#),
            "policy `p` at `Statement.Extra`: unknown element `Extra`"
        );
        assert_eq!(
            err(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"k":"v"}}}}"#),
            "policy `p` at `Statement.Condition.StringEqualz.k`: unknown condition operator `StringEqualz`"
        );
        assert_eq!(
            err(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","NotAction":"s3:*"}}"#),
            "policy `p` at `Statement`: `Action` and `NotAction` cannot both be present"
        );
        assert!(matches!(Policy::parse("p", "{nope"), Err(PolicyError::Json { .. })));
    }

    #[test]
    fn url_encoded_document() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%7D";
        let p = Policy::parse("p", encoded).unwrap();
        assert_eq!(p.statements().len(), 1);
        let from_value = Policy::from_json("p", &serde_json::Value::String(encoded.into())).unwrap();
        assert_eq!(from_value, p);
    }
}
