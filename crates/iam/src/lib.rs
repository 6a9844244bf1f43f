//! IAM policy parser and evaluator with explanations. Pure, no I/O.
