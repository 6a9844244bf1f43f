//! Embedded SQLite store for detector state, findings and checkpoints.
