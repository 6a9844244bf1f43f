//! Where bytes come from: files, directories and stdin.

use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use libdeflater::Decompressor;

use crate::gzip::{self, GzipError, OutBuf};

/// One source of CloudTrail data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file (plain or gzip, whatever its name).
    File(PathBuf),
    /// Standard input.
    Stdin,
}

impl Input {
    /// The size on disk, when known (for progress bars).
    pub fn size_hint(&self) -> Option<u64> {
        match self {
            Self::File(path) => fs_err::metadata(path).ok().map(|m| m.len()),
            Self::Stdin => None,
        }
    }
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File(path) => write!(f, "{}", path.display()),
            Self::Stdin => write!(f, "<stdin>"),
        }
    }
}

/// Why an input could not be found or read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A path given by the user does not exist.
    #[error("`{path}`: no such file or directory")]
    NotFound {
        /// The path as given.
        path: PathBuf,
    },
    /// Reading (or listing) failed; the message of `source` names the path.
    #[error("{source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// The content starts like gzip but does not decompress.
    #[error("`{path}`: {source}")]
    Gzip {
        /// The file.
        path: PathBuf,
        /// What is wrong with the gzip data.
        source: GzipError,
    },
}

/// Directory names skipped when walking: CloudTrail digest files are not event logs.
const SKIPPED_DIRS: &[&str] = &["CloudTrail-Digest"];

/// Expands the paths a user gave into inputs: `-` is stdin, a file is itself, a directory
/// is every file below it (recursively, sorted by path within each directory; directories
/// named `CloudTrail-Digest` and symbolic links to directories are not entered).
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Input>, ReadError> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let meta = fs_err::metadata(path).map_err(|source| match source.kind() {
            io::ErrorKind::NotFound => ReadError::NotFound { path: path.clone() },
            _ => ReadError::Io {
                path: path.clone(),
                source,
            },
        })?;
        if meta.is_dir() {
            walk(path, &mut inputs)?;
        } else {
            inputs.push(Input::File(path.clone()));
        }
    }
    Ok(inputs)
}

fn walk(dir: &Path, inputs: &mut Vec<Input>) -> Result<(), ReadError> {
    let io_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReadError::Io { path, source }
    };
    let mut entries = fs_err::read_dir(dir)
        .map_err(io_error(dir))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(io_error(dir))?;
    entries.sort();
    for path in entries {
        let meta = fs_err::symlink_metadata(&path).map_err(io_error(&path))?;
        if meta.is_dir() {
            let skipped = path
                .file_name()
                .is_some_and(|name| SKIPPED_DIRS.iter().any(|s| name == *s));
            if !skipped {
                walk(&path, inputs)?;
            }
        } else if meta.is_file() || fs_err::metadata(&path).is_ok_and(|m| m.is_file()) {
            inputs.push(Input::File(path));
        }
    }
    Ok(())
}

/// Reads an input whole, decompressing it when its content starts with the gzip magic
/// number (whatever the file is called). Multi-member gzip is decompressed entirely.
pub fn read_input(input: &Input) -> Result<Vec<u8>, ReadError> {
    let mut raw = Vec::new();
    read_raw(input, &mut raw).map_err(|source| ReadError::Io {
        path: input_path(input),
        source,
    })?;
    decompress(raw).map_err(|source| ReadError::Gzip {
        path: input_path(input),
        source,
    })
}

/// The content of `raw`: decompressed when it starts with the gzip magic number (every
/// member), else `raw` itself.
///
/// # Errors
/// If it starts like gzip but does not decompress.
pub fn decompress(raw: Vec<u8>) -> Result<Vec<u8>, GzipError> {
    if !gzip::is_gzip(&raw) {
        return Ok(raw);
    }
    let mut out = OutBuf::default();
    let len = gzip::gunzip(&mut Decompressor::new(), &raw, &mut out)?;
    Ok(out.into_vec(len))
}

/// Reads the bytes of `input` as stored into `raw` (replacing its content).
pub(crate) fn read_raw(input: &Input, raw: &mut Vec<u8>) -> io::Result<()> {
    raw.clear();
    match input {
        Input::File(path) => {
            let mut file = fs_err::File::open(path)?;
            if let Ok(meta) = file.metadata() {
                raw.reserve(usize::try_from(meta.len()).unwrap_or(0));
            }
            file.read_to_end(raw)?;
        }
        Input::Stdin => {
            io::stdin().lock().read_to_end(raw).map_err(|e| {
                io::Error::new(e.kind(), format!("cannot read standard input: {e}"))
            })?;
        }
    }
    Ok(())
}

fn input_path(input: &Input) -> PathBuf {
    match input {
        Input::File(path) => path.clone(),
        Input::Stdin => PathBuf::from("-"),
    }
}
