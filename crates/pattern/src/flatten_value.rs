//! Flattening a parsed event (`serde_json::Value`) into leaves by dotted path.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::Value;

use crate::leaf::{ArrayPos, Field, Leaf};
use crate::number::Num;

/// Every leaf of `event`, grouped by its dotted path.
pub(crate) fn flatten(event: &Value) -> HashMap<String, Vec<Field<'_>>> {
    let mut out = HashMap::new();
    let mut walker = Walker {
        out: &mut out,
        trail: Vec::new(),
        arrays: 0,
    };
    walker.visit(event, None);
    out
}

struct Walker<'v, 'o> {
    out: &'o mut HashMap<String, Vec<Field<'v>>>,
    trail: Vec<ArrayPos>,
    arrays: u32,
}

impl<'v> Walker<'v, '_> {
    /// `path` is `None` for the event itself (its keys start paths).
    fn visit(&mut self, value: &'v Value, path: Option<String>) {
        let leaf = match value {
            Value::Object(object) => {
                for (key, inner) in object {
                    let child = path
                        .as_ref()
                        .map_or_else(|| key.clone(), |path| format!("{path}.{key}"));
                    self.visit(inner, Some(child));
                }
                return;
            }
            Value::Array(elements) => {
                let array = self.arrays;
                self.arrays += 1;
                for (index, element) in (0u32..).zip(elements) {
                    self.trail.push(ArrayPos { array, index });
                    self.visit(element, path.clone());
                    self.trail.pop();
                }
                return;
            }
            Value::String(text) => Leaf::Str(Cow::Borrowed(text.as_str())),
            Value::Number(number) => match Num::from_serde(number) {
                Some(n) => Leaf::Num(n),
                None => return,
            },
            Value::Bool(b) => Leaf::Bool(*b),
            Value::Null => Leaf::Null,
        };
        self.out
            .entry(path.unwrap_or_default())
            .or_default()
            .push(Field {
                leaf,
                trail: self.trail.clone(),
            });
    }
}
