//! GuardDuty finding model, severities, aggregation keys, envelopes and exports.
