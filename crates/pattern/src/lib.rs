//! EventBridge-compatible event patterns and input transformers. Pure, no I/O.
//!
//! * [`Pattern`] parses and validates one event pattern (errors carry EventBridge's reasons)
//!   and matches events by direct interpretation; it is the reference the rest is tested against.
//! * [`Matcher`] compiles many named patterns into indexes and returns the names that match an
//!   event, reading only the parts of the event JSON that some pattern mentions.
//! * [`TargetInput`] is what a rule target receives: the whole event, a constant `Input`, an
//!   `InputPath`, or an `InputTransformer` (paths map + template).

mod cidr;
mod compiled;
mod error;
mod eval;
mod flatten_value;
mod ignore_case;
mod leaf;
mod number;
mod ops;
mod parse;
mod pattern;
mod transform;
mod wildcard;

pub use compiled::Matcher;
pub use error::{EventError, PatternError};
pub use pattern::{Pattern, check_test_event, parse_event};
pub use transform::{
    InputTransformer, JsonPathText, TargetInput, TransformContext, TransformError, minify_json,
};
