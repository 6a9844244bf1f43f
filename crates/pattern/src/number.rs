//! JSON numbers as EventBridge compares them: by literal, or numerically when exact.
//!
//! A pattern number matches an event number when both are the same literal, or when both can be
//! represented exactly as IEEE-754 doubles and are equal (`300` equals `300.0`). A 20-digit
//! account id cannot be represented exactly, so it only matches its own literal.

/// A JSON number, kept the way serde_json reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Num {
    /// A non-negative integer that fits in `u64`.
    Unsigned(u64),
    /// A negative integer that fits in `i64`.
    Signed(i64),
    /// Anything else (fraction, exponent or out of integer range).
    Float(f64),
}

/// 2^64 and 2^63 as doubles: integers at or beyond them cannot round-trip.
const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

impl Num {
    /// Reads a serde_json number.
    pub(crate) fn from_serde(number: &serde_json::Number) -> Option<Self> {
        if let Some(u) = number.as_u64() {
            Some(Self::Unsigned(u))
        } else if let Some(i) = number.as_i64() {
            Some(Self::Signed(i))
        } else {
            number.as_f64().map(Self::Float)
        }
    }

    /// Reads JSON number text the way serde_json does (integers stay integers).
    pub(crate) fn from_text(text: &str) -> Option<Self> {
        let is_integer = !text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'));
        if is_integer {
            if let Some(digits) = text.strip_prefix('-') {
                if digits.bytes().all(|b| b == b'0') {
                    return Some(Self::Float(-0.0));
                }
                if let Ok(i) = text.parse::<i64>() {
                    return Some(Self::Signed(i));
                }
            } else if let Ok(u) = text.parse::<u64>() {
                return Some(Self::Unsigned(u));
            }
        }
        text.parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Self::Float)
    }

    /// The double this number equals exactly, if there is one.
    #[expect(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "the round trip is exactly how exactness is checked"
    )]
    pub(crate) fn exact_f64(self) -> Option<f64> {
        match self {
            Self::Unsigned(u) => {
                let f = u as f64;
                (f < TWO_POW_64 && f as u64 == u).then_some(f)
            }
            Self::Signed(i) => {
                let f = i as f64;
                (f < TWO_POW_63 && f as i64 == i).then_some(f)
            }
            Self::Float(f) => f.is_finite().then_some(f),
        }
    }

    /// EventBridge number equality: same literal, or numerically equal when both are exact.
    pub(crate) fn equals(self, other: Self) -> bool {
        let same_literal = match (self, other) {
            (Self::Unsigned(a), Self::Unsigned(b)) => a == b,
            (Self::Signed(a), Self::Signed(b)) => a == b,
            _ => false,
        };
        same_literal
            || matches!((self.exact_f64(), other.exact_f64()), (Some(a), Some(b)) if a == b)
    }
}

#[cfg(test)]
mod tests {
    use super::Num;

    #[test]
    fn integer_and_float_forms_are_equal() {
        let a = Num::from_text("300").unwrap();
        let b = Num::from_text("300.0").unwrap();
        let c = Num::from_text("3.0e2").unwrap();
        assert!(a.equals(b) && b.equals(c));
    }

    #[test]
    fn inexact_integers_compare_only_literally() {
        let a = Num::from_text("12345678901234567890").unwrap();
        let b = Num::from_text("12345678901234567891").unwrap();
        assert_eq!(a.exact_f64(), None);
        assert!(a.equals(a));
        assert!(!a.equals(b));
    }

    #[test]
    fn text_and_serde_readings_agree() {
        for text in [
            "0",
            "-0",
            "-5",
            "18446744073709551615",
            "1e3",
            "-9223372036854775808",
            "2.5",
        ] {
            let serde: serde_json::Number = serde_json::from_str(text).unwrap();
            assert_eq!(Num::from_text(text), Num::from_serde(&serde), "{text}");
        }
    }
}
