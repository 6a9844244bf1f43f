//! `rules import-cloudformation`: `AWS::Events::Rule` resources of a CloudFormation template
//! (YAML or JSON) turned into trailguard `[[rule]]` blocks.
//!
//! Intrinsic values (`!Ref`, `!GetAtt`, `!Sub`, `Fn::…`) cannot be resolved without the
//! deployed stack, so they become placeholders such as `"<Ref GuardDutySNSTopic>"` and a
//! warning tells the user what to fill in. A pattern that matches the pre-2021 finding type
//! `UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration` exactly is imported with a
//! `prefix` match instead, because GuardDuty renamed the type and the exact match no longer
//! fires.

mod emit;
mod intrinsic;

use std::collections::BTreeMap;

use serde_yaml_ng::{Mapping, Value};

use crate::config::{TargetConfig, TargetType, TransformerConfig};
use intrinsic::{Scalar, as_intrinsic, normalize, scalar};

/// The finding type the workshop's rule matches exactly; renamed by GuardDuty in 2021.
pub const RENAMED_FINDING_TYPE: &str = "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration";

/// Why a template cannot be imported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// Not YAML (JSON is YAML too, but is read as JSON when it starts with `{`).
    #[error("the template is not valid YAML: {0}")]
    Yaml(serde_yaml_ng::Error),
    /// Starts with `{` but is not JSON.
    #[error("the template is not valid JSON: {0}")]
    Json(serde_json::Error),
    /// No `Resources` mapping.
    #[error("the template has no `Resources` mapping")]
    NoResources,
}

/// The rules found in a template, and what the user must know about them.
#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    /// One per `AWS::Events::Rule`, in template order.
    pub rules: Vec<ImportedRule>,
    /// Placeholders to fill, renamed types, skipped targets and properties.
    pub warnings: Vec<String>,
}

/// One imported rule.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedRule {
    /// The resource's logical id.
    pub logical_id: String,
    /// `Name`, or the logical id when the template lets CloudFormation pick a name.
    pub name: String,
    /// `Description`.
    pub description: Option<String>,
    /// `State` is not `DISABLED`.
    pub enabled: bool,
    /// The event pattern as compact JSON (already prefix-fixed when `renamed_type`).
    pub pattern: Option<String>,
    /// The exact pre-2021 type was replaced by a prefix match.
    pub renamed_type: bool,
    /// Targets trailguard can deliver to.
    pub targets: Vec<TargetConfig>,
    /// Comments for the TOML (skipped targets, ignored properties, placeholders).
    pub notes: Vec<String>,
}

impl Import {
    /// The rules as `trailguard.toml` text.
    pub fn to_toml(&self) -> String {
        emit::to_toml(self)
    }
}

/// Reads a template and imports its `AWS::Events::Rule` resources.
pub fn import(template: &str) -> Result<Import, ImportError> {
    let mut root: Value = if template.trim_start().starts_with('{') {
        serde_json::from_str(template).map_err(ImportError::Json)?
    } else {
        serde_yaml_ng::from_str(template).map_err(ImportError::Yaml)?
    };
    normalize(&mut root);
    let Some(Value::Mapping(resources)) = root.get("Resources") else {
        return Err(ImportError::NoResources);
    };
    let mut import = Import {
        rules: Vec::new(),
        warnings: Vec::new(),
    };
    for (logical_id, resource) in resources {
        let is_rule = resource.get("Type").and_then(Value::as_str) == Some("AWS::Events::Rule");
        if let (Some(logical_id), true) = (logical_id.as_str(), is_rule) {
            let rule = RuleReader {
                resources,
                logical_id,
                warnings: &mut import.warnings,
            }
            .read(resource.get("Properties").unwrap_or(&Value::Null));
            import.rules.push(rule);
        }
    }
    if import.rules.is_empty() {
        import
            .warnings
            .push("the template has no AWS::Events::Rule resource".to_owned());
    }
    Ok(import)
}

/// Reads one rule, adding warnings as it goes.
struct RuleReader<'a> {
    resources: &'a Mapping,
    logical_id: &'a str,
    warnings: &'a mut Vec<String>,
}

impl RuleReader<'_> {
    fn read(mut self, properties: &Value) -> ImportedRule {
        let mut notes = Vec::new();
        let name = match properties.get("Name").and_then(scalar) {
            Some(Scalar::Literal(name)) => name,
            Some(placeholder) => {
                self.warn_placeholder("Name", &placeholder);
                placeholder.text().to_owned()
            }
            None => {
                notes.push(format!(
                    "The template lets CloudFormation name this rule; named after its logical id `{}`.",
                    self.logical_id
                ));
                self.logical_id.to_owned()
            }
        };
        let description = properties
            .get("Description")
            .and_then(scalar)
            .map(|s| s.text().to_owned());
        let enabled = properties.get("State").and_then(Value::as_str) != Some("DISABLED");
        if let Some(bus) = properties.get("EventBusName").and_then(scalar)
            && bus.text() != "default"
        {
            self.warnings.push(format!(
                "rule `{name}`: EventBusName `{}` is ignored: trailguard routes every finding through one bus",
                bus.text()
            ));
        }
        if properties.get("ScheduleExpression").is_some() {
            self.warnings.push(format!(
                "rule `{name}`: ScheduleExpression is ignored: trailguard rules run on findings, not on a schedule"
            ));
        }
        let (pattern, renamed_type) = match properties.get("EventPattern") {
            Some(pattern) => {
                let (pattern, renamed) = self.pattern(&name, pattern);
                (Some(pattern), renamed)
            }
            None => {
                self.warnings.push(format!(
                    "rule `{name}`: no EventPattern: add a `pattern` before using the rule"
                ));
                (None, false)
            }
        };
        let mut targets = Vec::new();
        if let Some(Value::Sequence(list)) = properties.get("Targets") {
            for (position, target) in (1..).zip(list) {
                match self.target(&name, position, target) {
                    Ok(target) => targets.push(target),
                    Err(note) => notes.push(note),
                }
            }
        }
        ImportedRule {
            logical_id: self.logical_id.to_owned(),
            name,
            description,
            enabled,
            pattern,
            renamed_type,
            targets,
            notes,
        }
    }

    /// The pattern as compact JSON, prefix-fixed if it matches the renamed type exactly.
    fn pattern(&mut self, name: &str, pattern: &Value) -> (String, bool) {
        let mut pattern = match pattern {
            // A JSON template may give the pattern as JSON text.
            Value::String(text) => {
                serde_json::from_str::<Value>(text).unwrap_or_else(|_| pattern.clone())
            }
            other => other.clone(),
        };
        let renamed = fix_renamed_type(&mut pattern);
        if renamed {
            self.warnings.push(format!(
                "rule `{name}`: its pattern matches `detail.type` exactly `{RENAMED_FINDING_TYPE}`, which GuardDuty renamed to `{RENAMED_FINDING_TYPE}.OutsideAWS` in September 2021 (and added `.InsideAWS` in January 2022), so the exact match no longer fires; imported with {{\"prefix\": \"{RENAMED_FINDING_TYPE}\"}}, which matches all three"
            ));
        }
        if contains_intrinsic(&pattern) {
            self.warnings.push(format!(
                "rule `{name}`: the EventPattern uses intrinsic functions: replace the placeholders in `pattern`"
            ));
            replace_intrinsics(&mut pattern);
        }
        (serde_json::to_string(&pattern).unwrap_or_default(), renamed)
    }

    /// A target trailguard can deliver to, or a note saying why it was skipped.
    fn target(
        &mut self,
        rule: &str,
        position: usize,
        target: &Value,
    ) -> Result<TargetConfig, String> {
        let id = target
            .get("Id")
            .and_then(scalar)
            .map(|s| s.text().to_owned());
        let label = id.clone().unwrap_or_else(|| format!("#{position}"));
        let arn = target
            .get("Arn")
            .and_then(scalar)
            .ok_or_else(|| format!("Skipped target `{label}`: it has no Arn."))?;
        let Some(kind) = self.service_of(&arn) else {
            let why = format!(
                "target `{label}` ({}) is neither a Lambda function nor an SNS topic",
                arn.text()
            );
            self.warnings.push(format!("rule `{rule}`: {why}: skipped"));
            return Err(format!("Skipped {why}."));
        };
        let mut config = TargetConfig {
            kind,
            id,
            ..TargetConfig::default()
        };
        let field = match kind {
            TargetType::Lambda => &mut config.function_name,
            _ => &mut config.topic_arn,
        };
        *field = Some(arn.text().to_owned());
        if let Scalar::Placeholder { .. } = arn {
            let name = if kind == TargetType::Lambda {
                "function_name"
            } else {
                "topic_arn"
            };
            let label = format!("target `{label}` {name}");
            self.warn_placeholder_in(rule, &label, &arn);
        }
        config.input = target
            .get("Input")
            .and_then(scalar)
            .map(|s| s.text().to_owned());
        config.input_path = target
            .get("InputPath")
            .and_then(scalar)
            .map(|s| s.text().to_owned());
        if let Some(transformer) = target.get("InputTransformer") {
            let input_paths_map: BTreeMap<String, String> = match transformer.get("InputPathsMap") {
                Some(Value::Mapping(map)) => map
                    .iter()
                    .filter_map(|(k, v)| {
                        Some((k.as_str()?.to_owned(), scalar(v)?.text().to_owned()))
                    })
                    .collect(),
                _ => BTreeMap::new(),
            };
            let input_template = transformer
                .get("InputTemplate")
                .and_then(scalar)
                .map(|s| s.text().to_owned())
                .unwrap_or_default();
            config.input_transformer = Some(TransformerConfig {
                input_paths_map,
                input_template,
            });
        }
        for ignored in ["RoleArn", "DeadLetterConfig", "RetryPolicy"] {
            if target.get(ignored).is_some() {
                self.warnings.push(format!(
                    "rule `{rule}`: target `{label}`: {ignored} is ignored (trailguard retries each target itself and keeps failed deliveries in its store)"
                ));
            }
        }
        Ok(config)
    }

    /// Lambda or SNS, from a literal ARN or from the type of the resource it refers to.
    fn service_of(&self, arn: &Scalar) -> Option<TargetType> {
        let from_arn = |text: &str| match text.split(':').nth(2) {
            Some("lambda") => Some(TargetType::Lambda),
            Some("sns") => Some(TargetType::Sns),
            _ => None,
        };
        match arn {
            Scalar::Literal(text) => from_arn(text),
            Scalar::Placeholder { text, refers_to } => match refers_to.first() {
                Some(logical_id) => match self.resource_type(logical_id)? {
                    "AWS::Lambda::Function" | "AWS::Lambda::Alias" | "AWS::Lambda::Version" => {
                        Some(TargetType::Lambda)
                    }
                    "AWS::SNS::Topic" => Some(TargetType::Sns),
                    _ => None,
                },
                None => from_arn(text.trim_start_matches("<Sub ")),
            },
        }
    }

    fn resource_type(&self, logical_id: &str) -> Option<&str> {
        self.resources.get(logical_id)?.get("Type")?.as_str()
    }

    fn warn_placeholder(&mut self, what: &str, placeholder: &Scalar) {
        let rule = self.logical_id.to_owned();
        self.warn_placeholder_in(&rule, what, placeholder);
    }

    fn warn_placeholder_in(&mut self, rule: &str, what: &str, placeholder: &Scalar) {
        let Scalar::Placeholder { text, refers_to } = placeholder else {
            return;
        };
        let about = refers_to
            .first()
            .and_then(|id| Some(format!(" ({id} is an {})", self.resource_type(id)?)))
            .unwrap_or_default();
        self.warnings.push(format!(
            "rule `{rule}`: {what} is the placeholder `{text}`{about}: replace it with the deployed value"
        ));
    }
}

/// Replaces the exact renamed type in `detail.type` by a prefix match; true if it did.
fn fix_renamed_type(pattern: &mut Value) -> bool {
    let Some(Value::Sequence(types)) = pattern
        .get_mut("detail")
        .and_then(|detail| detail.get_mut("type"))
    else {
        return false;
    };
    let mut fixed = false;
    for value in types.iter_mut() {
        if value.as_str() == Some(RENAMED_FINDING_TYPE) {
            let mut prefix = Mapping::new();
            prefix.insert("prefix".into(), RENAMED_FINDING_TYPE.into());
            *value = Value::Mapping(prefix);
            fixed = true;
        }
    }
    fixed
}

fn contains_intrinsic(value: &Value) -> bool {
    as_intrinsic(value).is_some()
        || match value {
            Value::Sequence(items) => items.iter().any(contains_intrinsic),
            Value::Mapping(map) => map.values().any(contains_intrinsic),
            _ => false,
        }
}

fn replace_intrinsics(value: &mut Value) {
    if let Some(placeholder) = scalar(value).filter(|s| matches!(s, Scalar::Placeholder { .. })) {
        *value = Value::String(placeholder.text().to_owned());
        return;
    }
    match value {
        Value::Sequence(items) => items.iter_mut().for_each(replace_intrinsics),
        Value::Mapping(map) => map.values_mut().for_each(replace_intrinsics),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
