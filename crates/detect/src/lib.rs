//! Detectors over CloudTrail records, IP classification and detector state.
