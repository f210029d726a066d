//! The crate's error type and the chunk id it names (a leaf: imports nothing from the crate;
//! [`ChunkId::of`] is defined with the chunk format).

/// Errors of the format, storage and engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    BadMagic,
    UnsupportedVersion(u16),
    WrongKind,
    Checksum,
    /// The bytes returned for a chunk id do not hash to that id.
    HashMismatch(ChunkId),
    MissingChunk(ChunkId),
    Corrupt(&'static str),
    InvalidDocument(String),
    /// A request needs what this build leaves out (the `ranking-options` feature).
    Unsupported(&'static str),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::BadMagic => write!(f, "not a medportal search chunk (bad magic)"),
            Error::UnsupportedVersion(v) => write!(f, "unsupported index format version {v}"),
            Error::WrongKind => write!(f, "chunk has the wrong kind"),
            Error::Checksum => write!(f, "chunk checksum mismatch (corrupted)"),
            Error::HashMismatch(id) => write!(f, "chunk {id}: content does not match its hash"),
            Error::MissingChunk(id) => write!(f, "chunk {id} not found"),
            Error::Corrupt(what) => write!(f, "corrupt index data: {what}"),
            Error::InvalidDocument(what) => write!(f, "invalid document: {what}"),
            Error::Unsupported(what) => write!(f, "not in this build: {what}"),
        }
    }
}

impl std::error::Error for Error {}

/// Content hash of a framed chunk; its storage key is `to_string()` (16 hex digits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChunkId(pub u64);

impl std::fmt::Display for ChunkId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl std::str::FromStr for ChunkId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        u64::from_str_radix(s, 16).map(ChunkId).map_err(|_| Error::Corrupt("bad chunk id"))
    }
}
