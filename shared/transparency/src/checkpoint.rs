//! C2SP `tlog-checkpoint`: the note text of a signed tree head.
//!
//! ```text
//! <origin>
//! <tree size, decimal>
//! <base64 root hash>
//! time <YYYY-MM-DDTHH:MM:SSZ>      (extension line, medportal's; optional)
//! ```
//! The time line is an extension line, which C2SP lets a log add after the three mandatory
//! lines: clients that do not know it ignore it, and the signature covers it.

use crate::entry::valid_time;
use crate::merkle::Hash;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's identity, e.g. `medportal.example/audit/db_eu`.
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    /// When the checkpoint was made (UTC, `YYYY-MM-DDTHH:MM:SSZ`).
    pub time: Option<String>,
    /// Further extension lines, kept as they are.
    pub extensions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadCheckpoint(pub &'static str);

impl core::fmt::Display for BadCheckpoint {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "malformed checkpoint: {}", self.0)
    }
}

fn valid_line(line: &str) -> bool {
    !line.is_empty() && !line.chars().any(|c| c.is_control())
}

impl Checkpoint {
    /// The note text to sign.
    pub fn text(&self) -> Result<String, BadCheckpoint> {
        if !valid_line(&self.origin) {
            return Err(BadCheckpoint("origin"));
        }
        let mut out = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            B64.encode(self.root)
        );
        if let Some(time) = &self.time {
            if !valid_time(time) {
                return Err(BadCheckpoint("time"));
            }
            out.push_str(&format!("time {time}\n"));
        }
        for ext in &self.extensions {
            if !valid_line(ext) || ext.starts_with("time ") {
                return Err(BadCheckpoint("extension line"));
            }
            out.push_str(ext);
            out.push('\n');
        }
        Ok(out)
    }

    /// Parses a note text. Strict: a decimal size without leading zeros, a canonical base64
    /// 32-byte root, at most one `time` line right after it; so [`Checkpoint::text`] gives the
    /// input back.
    pub fn parse(text: &str) -> Result<Checkpoint, BadCheckpoint> {
        let Some(body) = text.strip_suffix('\n') else {
            return Err(BadCheckpoint("no final newline"));
        };
        let mut lines = body.split('\n');
        let origin = lines
            .next()
            .filter(|l| valid_line(l))
            .ok_or(BadCheckpoint("origin"))?;
        let size = lines.next().ok_or(BadCheckpoint("size"))?;
        if size.is_empty()
            || !size.bytes().all(|c| c.is_ascii_digit())
            || (size.len() > 1 && size.starts_with('0'))
        {
            return Err(BadCheckpoint("size"));
        }
        let size: u64 = size.parse().map_err(|_| BadCheckpoint("size"))?;
        let root = lines.next().ok_or(BadCheckpoint("root"))?;
        let raw = B64.decode(root).map_err(|_| BadCheckpoint("root"))?;
        let root_hash: Hash = raw
            .as_slice()
            .try_into()
            .map_err(|_| BadCheckpoint("root"))?;
        if B64.encode(root_hash) != root {
            return Err(BadCheckpoint("root"));
        }
        let mut time = None;
        let mut extensions = Vec::new();
        for (i, line) in lines.enumerate() {
            if !valid_line(line) {
                return Err(BadCheckpoint("extension line"));
            }
            match line.strip_prefix("time ") {
                Some(t) if i == 0 && valid_time(t) => time = Some(t.to_string()),
                Some(_) => return Err(BadCheckpoint("time")),
                None => extensions.push(line.to_string()),
            }
        }
        Ok(Checkpoint {
            origin: origin.to_string(),
            size,
            root: root_hash,
            time,
            extensions,
        })
    }
}
