//! Errors: why a pattern is rejected, and why an event cannot be read.
//!
//! Pattern errors carry EventBridge's own reasons, word for word (the text after
//! `Event pattern is not valid. Reason:` in an `InvalidEventPatternException`), so a user who
//! copies a pattern to or from AWS sees the same complaint. That is why these messages keep
//! AWS's capitals and final periods instead of the project's usual style.

/// Why an event pattern is rejected; the message is EventBridge's reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PatternError {
    /// The text is not JSON.
    #[error("{0}")]
    Syntax(String),
    /// Longer than the 4096 characters PutRule and TestEventPattern accept.
    #[error(
        "Value at 'eventPattern' failed to satisfy constraint: Member must have length less than or equal to 4096"
    )]
    TooLong,
    /// The top level is not a JSON object.
    #[error("Filter is not an object")]
    NotAnObject,
    /// A field is neither an object nor an array.
    #[error("\"{0}\" must be an object or an array")]
    NotObjectOrArray(String),
    /// `[]` as a field's value.
    #[error("Empty arrays are not allowed")]
    EmptyArray,
    /// `{}` anywhere.
    #[error("Empty objects are not allowed")]
    EmptyObject,
    /// An array member that is an array.
    #[error("Match value must be String, number, true, false, or null")]
    BadMatchValue,
    /// `{}` inside a field's array.
    #[error("Match expression name not found")]
    NoMatchExpression,
    /// An operator object with more than one key.
    #[error("Only one key allowed in match expression")]
    OneKeyOnly,
    /// An operator name EventBridge does not know (names are case sensitive).
    #[error("Unrecognized match type {0}")]
    UnknownOperator(String),
    /// `prefix` (or `cidr`) with a value that is not a string.
    #[error("prefix match pattern must be a string")]
    PrefixNotString,
    /// `suffix` with a value that is not a string.
    #[error("suffix match pattern must be a string")]
    SuffixNotString,
    /// `{"prefix": {}}`.
    #[error("Prefix expression name not found")]
    PrefixNameNotFound,
    /// `{"suffix": {}}`.
    #[error("Suffix expression name not found")]
    SuffixNameNotFound,
    /// `{"prefix": {"x": …}}` with `x` other than `equals-ignore-case`.
    #[error("Unsupported prefix pattern: {0}")]
    UnsupportedPrefix(String),
    /// `{"suffix": {"x": …}}` with `x` other than `equals-ignore-case`.
    #[error("Unsupported suffix pattern: {0}")]
    UnsupportedSuffix(String),
    /// `equals-ignore-case` with a value that is not a string.
    #[error("equals-ignore-case match pattern must be a string")]
    IgnoreCaseNotString,
    /// `wildcard` with a value that is not a string.
    #[error("wildcard match pattern must be a string")]
    WildcardNotString,
    /// `**` in a wildcard; the position counts the JSON string's opening quote.
    #[error("Consecutive wildcard characters at pos {0}")]
    ConsecutiveWildcards(usize),
    /// A backslash not followed by `*` or `\` in a wildcard.
    #[error("Invalid escape character at pos {0}")]
    InvalidEscape(usize),
    /// A wildcard whose automaton would be too nondeterministic.
    #[error(
        "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard"
    )]
    WildcardTooComplex,
    /// `anything-but` with `null`, a boolean or a nested operator.
    #[error("Value of anything-but must be an array or single string/number value.")]
    AnythingButValue,
    /// `{"anything-but": {}}`.
    #[error("Anything-But expression name not found")]
    AnythingButNameNotFound,
    /// `{"anything-but": {"x": …}}` with an unsupported `x`.
    #[error("Unsupported anything-but pattern: {0}")]
    UnsupportedAnythingBut(String),
    /// `null`, a boolean or an object inside an `anything-but` list.
    #[error("Inside anything but list, start|null|boolean is not supported.")]
    AnythingButListMember,
    /// An `anything-but` list mixing strings and numbers (or empty).
    #[error(
        "Inside anything but list, either all values are number or string, mixed type is not supported"
    )]
    AnythingButMixed,
    /// A non-string under `anything-but`/`equals-ignore-case`.
    #[error(
        "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."
    )]
    AnythingButIgnoreCaseMember,
    /// A non-string under `anything-but`/`prefix` or `suffix`.
    #[error("prefix/suffix match pattern must be a string")]
    AnythingButAffixNotString,
    /// `""` under `anything-but`/`prefix` or `suffix`.
    #[error("Null prefix/suffix not allowed")]
    NullAffix,
    /// `numeric` with a value that is not an array.
    #[error("Value of numeric must be an array.")]
    NumericNotArray,
    /// A numeric expression that does not start with an operator string.
    #[error("Invalid member in numeric match: {0}")]
    NumericBadMember(String),
    /// An operator followed by something that is not a number (`equals` for `=`).
    #[error("Value of {0} must be numeric")]
    NumericNotNumber(String),
    /// A numeric operator other than `=`, `<`, `<=`, `>`, `>=`.
    #[error("Unrecognized numeric range operator: {0}")]
    NumericUnknownOperator(String),
    /// The upper-bound operator of a range is not a string.
    #[error("Bad value in numeric range: {0}")]
    NumericBadRangeValue(String),
    /// The upper-bound operator of a range is not `<` or `<=`.
    #[error("Bad numeric range operator: {0}")]
    NumericBadRangeOperator(String),
    /// More than four members in a range.
    #[error("Too many terms in numeric range expression")]
    NumericTooManyTerms,
    /// Extra members after a one-sided numeric expression (or extra operator keys).
    #[error("Too many elements in numeric expression")]
    NumericTooManyElements,
    /// A range whose lower bound is not below its upper bound.
    #[error("Bottom must be less than top")]
    NumericEmptyRange,
    /// A number that cannot be compared exactly as an IEEE-754 double.
    #[error("Cannot compare number : {0}")]
    NumberNotComparable(String),
    /// `exists` with a value that is not a boolean.
    #[error("exists match pattern must be either true or false.")]
    ExistsNotBoolean,
    /// A CIDR without exactly one `/`.
    #[error("Malformed CIDR, one '/' required")]
    CidrSlash,
    /// A CIDR whose mask is not an integer.
    #[error("Malformed CIDR, mask bits must be an integer")]
    CidrMaskNotInteger,
    /// A CIDR with a negative mask.
    #[error("Malformed CIDR, mask bits must not be negative")]
    CidrMaskNegative,
    /// A CIDR mask wider than the address (33+ for IPv4, 129+ for IPv6).
    #[error("Malformed CIDR, mask bits must not exceed {0}")]
    CidrMaskTooLarge(u8),
    /// A CIDR whose address is not an IPv4 or IPv6 literal.
    #[error("Nonstandard IP address: {0}")]
    CidrAddress(String),
    /// `$or` followed by something that is not an array.
    #[error("It must be an Array followed with $or.")]
    OrNotArray,
    /// A member of an `$or` array that is not an object.
    #[error("Only JSON object is allowed in array of $or relationship.")]
    OrMemberNotObject,
    /// An `$or` array with fewer than two objects.
    #[error("There must have at least 2 Objects in $or relationship.")]
    OrTooFew,
    /// An operator name used as a field name inside `$or`.
    #[error("{0} is Ruler reserved fieldName which cannot be used inside $or.")]
    OrReservedName(String),
    /// The `$or` alternatives multiply to more than 1000 rule combinations.
    #[error("Event pattern is too complex: $or expands to more than 1000 combinations")]
    TooManyCombinations,
}

/// Why an event cannot be matched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// The text is not JSON.
    #[error("event is not valid JSON: {0}")]
    Syntax(String),
    /// The event is JSON but not an object.
    #[error("event is not a JSON object")]
    NotAnObject,
    /// TestEventPattern requires these fields.
    #[error("Parameter Event is not valid: it has no `{0}` field")]
    MissingField(&'static str),
}
