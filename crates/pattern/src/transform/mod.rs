//! What a rule target receives: the whole event, a constant `Input`, an `InputPath`, or an
//! `InputTransformer` (`InputPathsMap` + `InputTemplate`).

mod json_path;
mod template;
mod text;

pub use text::minify as minify_json;

use serde_json::value::RawValue;

use json_path::JsonPath;
use template::{Piece, Template};

/// Most entries an `InputPathsMap` may have.
const MAX_PATHS: usize = 100;
/// Longest constant `Input`.
const MAX_INPUT_CHARS: usize = 8192;
/// Longest `InputPathsMap` key.
const MAX_KEY_CHARS: usize = 256;

/// Predefined template variables (no `InputPathsMap` entry needed).
const RULE_NAME: &str = "aws.events.rule-name";
const RULE_ARN: &str = "aws.events.rule-arn";
const EVENT: &str = "aws.events.event";
const EVENT_JSON: &str = "aws.events.event.json";
const INGESTION_TIME: &str = "aws.events.event.ingestion-time";
const PREDEFINED: [&str; 5] = [RULE_NAME, RULE_ARN, EVENT, EVENT_JSON, INGESTION_TIME];

/// Top-level event keys `<aws.events.event>` keeps, in the order AWS emits them (`detail` is
/// left out and `detail-type` is renamed `detailType`).
const EVENT_KEYS: [(&str, &str); 8] = [
    ("id", "id"),
    ("account", "account"),
    ("detail-type", "detailType"),
    ("time", "time"),
    ("source", "source"),
    ("region", "region"),
    ("resources", "resources"),
    ("version", "version"),
];

/// Why a target input is invalid, or cannot be produced for an event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransformError {
    /// More than one of `Input`, `InputPath`, `InputTransformer`.
    #[error("Only one of Input, InputPath, or InputTransformer must be provided")]
    SeveralModes,
    /// `Input` is not JSON text.
    #[error("Input is not valid JSON: {0}")]
    InputNotJson(String),
    /// `Input` is longer than 8192 characters.
    #[error("Input must be at most 8192 characters")]
    InputTooLong,
    /// A path outside the supported JSONPath subset.
    #[error("`{0}` is not a valid JSON path")]
    InvalidPath(String),
    /// The paths map is not a JSON object of strings.
    #[error("InputPathsMap must be a JSON object whose values are JSON paths")]
    PathsMapNotObject,
    /// More than 100 entries.
    #[error("InputPathsMap must have at most 100 entries")]
    TooManyPaths,
    /// A key that is empty, too long, or has characters other than `[A-Za-z0-9_-]`.
    #[error("InputPathsMap key `{0}` must be 1 to 256 characters of letters, digits, `_` or `-`")]
    InvalidKey(String),
    /// A key that is a predefined variable name.
    #[error("InputPathsMap key `{0}` is reserved")]
    ReservedKey(String),
    /// An empty template, or one longer than 8192 characters.
    #[error("InputTemplate must be 1 to 8192 characters")]
    TemplateLength,
    /// A placeholder that is neither a paths-map key nor a predefined variable.
    #[error("InputTemplate contains invalid placeholder {0}.")]
    InvalidPlaceholder(String),
    /// A placeholder used as an object key in a JSON template.
    #[error("InputTemplate uses placeholder `{0}` as an object key")]
    PlaceholderAsKey(String),
    /// The event is not JSON.
    #[error("event is not valid JSON: {0}")]
    EventNotJson(String),
    /// A predefined variable that needs context the caller did not give.
    #[error("`<{0}>` needs a value that was not given ({1})")]
    MissingContext(&'static str, &'static str),
    /// The `InputPath` selects nothing in this event.
    #[error("input path `{0}` selects nothing in the event")]
    PathSelectsNothing(String),
    /// A JSON template whose result is not JSON: EventBridge delivers nothing.
    #[error("the transformed input is not valid JSON, so nothing would be delivered: {0}")]
    OutputNotJson(String),
}

/// What predefined variables need besides the event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransformContext {
    /// `<aws.events.rule-name>`.
    pub rule_name: Option<String>,
    /// `<aws.events.rule-arn>`; built from the rule name, bus, region and account if absent.
    pub rule_arn: Option<String>,
    /// The event bus the rule is on (`default` when absent).
    pub event_bus_name: Option<String>,
    /// `<aws.events.event.ingestion-time>`; the event's `time` when absent.
    pub ingestion_time: Option<String>,
}

/// An `InputTransformer`: named JSON paths and a template using them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputTransformer {
    paths: Vec<(String, JsonPath)>,
    template: Template,
}

/// What a target receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetInput {
    /// Neither `Input`, `InputPath` nor `InputTransformer`: the whole event.
    WholeEvent,
    /// `Input`: constant JSON text.
    Constant(String),
    /// `InputPath`: the part of the event a path selects.
    Path(JsonPathText),
    /// `InputTransformer`.
    Transformer(InputTransformer),
}

/// A validated `InputPath`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonPathText(JsonPath);

impl JsonPathText {
    /// The path as written.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl InputTransformer {
    /// Validates paths and template; `paths` are `(key, JSONPath)` pairs.
    pub fn new<K, P>(
        paths: impl IntoIterator<Item = (K, P)>,
        template: &str,
    ) -> Result<Self, TransformError>
    where
        K: Into<String>,
        P: AsRef<str>,
    {
        let mut parsed: Vec<(String, JsonPath)> = Vec::new();
        for (key, path) in paths {
            let key = key.into();
            if key.starts_with("AWS.") || key.starts_with("aws.events") {
                return Err(TransformError::ReservedKey(key));
            }
            let valid = !key.is_empty()
                && key.chars().count() <= MAX_KEY_CHARS
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !valid {
                return Err(TransformError::InvalidKey(key));
            }
            let path = JsonPath::parse(path.as_ref())?;
            parsed.retain(|(k, _)| *k != key);
            parsed.push((key, path));
        }
        if parsed.len() > MAX_PATHS {
            return Err(TransformError::TooManyPaths);
        }
        let template = Template::parse(template)?;
        if let Some(unknown) = template
            .placeholders()
            .find(|name| !PREDEFINED.contains(name) && !parsed.iter().any(|(key, _)| key == name))
        {
            return Err(TransformError::InvalidPlaceholder(unknown.to_owned()));
        }
        Ok(Self {
            paths: parsed,
            template,
        })
    }

    /// Like [`Self::new`], with the paths map given as JSON object text.
    pub fn from_json(paths_map: &str, template: &str) -> Result<Self, TransformError> {
        let map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(paths_map).map_err(|_| TransformError::PathsMapNotObject)?;
        if map.len() > MAX_PATHS {
            return Err(TransformError::TooManyPaths);
        }
        let mut pairs = Vec::new();
        for (key, value) in map {
            let serde_json::Value::String(path) = value else {
                return Err(TransformError::PathsMapNotObject);
            };
            pairs.push((key, path));
        }
        Self::new(pairs, template)
    }

    fn render(
        &self,
        event: &RawValue,
        context: &TransformContext,
    ) -> Result<String, TransformError> {
        let mut out = String::new();
        for piece in &self.template.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Placeholder { name, quoted } => {
                    let json = self.value_of(name, event, context)?;
                    match (self.template.is_json, *quoted, json) {
                        (true, false, Some(json)) => out.push_str(&json),
                        (true, false, None) => out.push_str("\"\""),
                        (true, true, Some(json)) => out.push_str(text::as_quoted(&json)),
                        (false, _, Some(json)) => out.push_str(&text::as_text(&json)),
                        (_, _, None) => {}
                    }
                }
            }
        }
        if self.template.is_json {
            serde_json::from_str::<serde::de::IgnoredAny>(&out)
                .map_err(|e| TransformError::OutputNotJson(e.to_string()))?;
        }
        Ok(out)
    }

    /// The JSON text of a variable, or `None` when its path selects nothing.
    fn value_of(
        &self,
        name: &str,
        event: &RawValue,
        context: &TransformContext,
    ) -> Result<Option<String>, TransformError> {
        let quote = |s: &str| serde_json::Value::String(s.to_owned()).to_string();
        let top = |key: &str| {
            JsonPath::parse(&format!("$.{key}"))
                .ok()
                .and_then(|p| p.select(event))
                .map(|json| text::as_text(&json))
        };
        Ok(Some(match name {
            RULE_NAME => quote(
                context
                    .rule_name
                    .as_deref()
                    .ok_or(TransformError::MissingContext(RULE_NAME, "the rule name"))?,
            ),
            RULE_ARN => {
                let arn = match (&context.rule_arn, &context.rule_name) {
                    (Some(arn), _) => arn.clone(),
                    (None, Some(rule)) => {
                        let bus = match context.event_bus_name.as_deref() {
                            None | Some("default") => String::new(),
                            Some(bus) => format!("{bus}/"),
                        };
                        let region = top("region").unwrap_or_default();
                        let account = top("account").unwrap_or_default();
                        format!("arn:aws:events:{region}:{account}:rule/{bus}{rule}")
                    }
                    (None, None) => {
                        return Err(TransformError::MissingContext(
                            RULE_ARN,
                            "the rule ARN or the rule name",
                        ));
                    }
                };
                quote(&arn)
            }
            INGESTION_TIME => match context.ingestion_time.clone().or_else(|| top("time")) {
                Some(time) => quote(&time),
                None => {
                    return Err(TransformError::MissingContext(
                        INGESTION_TIME,
                        "the ingestion time",
                    ));
                }
            },
            EVENT => event_without_detail(event),
            EVENT_JSON => text::minify(event.get()),
            key => match self.paths.iter().find(|(k, _)| k == key) {
                Some((_, path)) => return Ok(path.select(event)),
                None => return Err(TransformError::InvalidPlaceholder(key.to_owned())),
            },
        }))
    }
}

/// `<aws.events.event>`: the envelope without `detail`, with `detailType`.
fn event_without_detail(event: &RawValue) -> String {
    let members: Vec<String> = EVENT_KEYS
        .iter()
        .filter_map(|(key, renamed)| {
            let value = JsonPath::parse(&format!("$.{key}")).ok()?.select(event)?;
            Some(format!(
                "{}:{value}",
                serde_json::Value::String((*renamed).to_owned())
            ))
        })
        .collect();
    format!("{{{}}}", members.join(","))
}

impl TargetInput {
    /// Builds a target input from the three exclusive options of a target.
    pub fn new(
        input: Option<&str>,
        input_path: Option<&str>,
        transformer: Option<InputTransformer>,
    ) -> Result<Self, TransformError> {
        match (input, input_path, transformer) {
            (None, None, None) => Ok(Self::WholeEvent),
            (Some(input), None, None) => {
                if input.chars().count() > MAX_INPUT_CHARS {
                    return Err(TransformError::InputTooLong);
                }
                serde_json::from_str::<serde::de::IgnoredAny>(input)
                    .map_err(|e| TransformError::InputNotJson(e.to_string()))?;
                Ok(Self::Constant(input.to_owned()))
            }
            (None, Some(path), None) => Ok(Self::Path(JsonPathText(JsonPath::parse(path)?))),
            (None, None, Some(transformer)) => Ok(Self::Transformer(transformer)),
            _ => Err(TransformError::SeveralModes),
        }
    }

    /// The exact text the target receives for `event` (JSON text).
    pub fn render(
        &self,
        event: &str,
        context: &TransformContext,
    ) -> Result<String, TransformError> {
        let raw: Box<RawValue> =
            serde_json::from_str(event).map_err(|e| TransformError::EventNotJson(e.to_string()))?;
        match self {
            Self::WholeEvent => Ok(text::minify(raw.get())),
            Self::Constant(input) => Ok(input.clone()),
            Self::Path(path) => path
                .0
                .select(&raw)
                .ok_or_else(|| TransformError::PathSelectsNothing(path.as_str().to_owned())),
            Self::Transformer(transformer) => transformer.render(&raw, context),
        }
    }
}
