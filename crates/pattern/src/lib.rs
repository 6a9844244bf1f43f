//! EventBridge-compatible event patterns and input transformers. Pure, no I/O.
