//! CloudTrail record model, decoders for every input format, and file/dir/stdin readers.
