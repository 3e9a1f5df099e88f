//! Documents attached to land requests: the accepted kinds of file, told apart by their bytes
//! (never by a name or a declared content type), and the clean file name they are kept under.

use std::fmt;

use chrono::{DateTime, Utc};

use super::account::UserId;
use super::request::RequestId;

/// A document's number (unique across requests).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentId(pub i64);

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The kinds of file a request takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MediaType {
    Pdf,
    Jpeg,
    Png,
    /// AutoCAD Drawing Exchange Format, ASCII or binary.
    Dxf,
}

/// The binary DXF sentinel.
const BINARY_DXF: &[u8] = b"AutoCAD Binary DXF\r\n\x1a\0";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";

impl MediaType {
    /// Every accepted kind.
    pub const ALL: [MediaType; 4] = [
        MediaType::Pdf,
        MediaType::Jpeg,
        MediaType::Png,
        MediaType::Dxf,
    ];

    /// What the bytes are, when they are one of the accepted kinds: PDF (`%PDF-`), JPEG
    /// (`FF D8 FF`), PNG (its 8-byte signature), DXF (binary: its sentinel; ASCII: the first
    /// non-blank pair of lines is group code `0` then `SECTION`).
    pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
        if bytes.starts_with(b"%PDF-") {
            Some(MediaType::Pdf)
        } else if bytes.starts_with(b"\xFF\xD8\xFF") {
            Some(MediaType::Jpeg)
        } else if bytes.starts_with(PNG) {
            Some(MediaType::Png)
        } else if bytes.starts_with(BINARY_DXF) || ascii_dxf(bytes) {
            Some(MediaType::Dxf)
        } else {
            None
        }
    }

    /// The media type as served in `Content-Type` and stored.
    pub fn mime(self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Dxf => "image/vnd.dxf",
        }
    }

    /// The kind stored as `mime`.
    pub fn from_mime(mime: &str) -> Option<MediaType> {
        MediaType::ALL.into_iter().find(|m| m.mime() == mime)
    }

    /// What people call it.
    pub fn label(self) -> &'static str {
        match self {
            MediaType::Pdf => "a PDF document",
            MediaType::Jpeg => "a JPEG image",
            MediaType::Png => "a PNG image",
            MediaType::Dxf => "a DXF drawing",
        }
    }

    /// File-name extensions of the kind (lower case, without the dot); the first is the usual.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            MediaType::Pdf => &["pdf"],
            MediaType::Jpeg => &["jpg", "jpeg", "jpe", "jfif"],
            MediaType::Png => &["png"],
            MediaType::Dxf => &["dxf"],
        }
    }

    /// The accepted kinds, for messages: "PDF, JPEG, PNG, DXF".
    pub fn accepted() -> &'static str {
        "PDF, JPEG, PNG and DXF"
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.mime())
    }
}

/// An ASCII DXF: after blank lines (and an optional UTF-8 byte-order mark), a line holding group
/// code `0`, then a line holding `SECTION` (surrounding spaces allowed, `\r\n` or `\n`).
fn ascii_dxf(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut lines = bytes
        .split(|b| *b == b'\n')
        .map(|l| l.trim_ascii())
        .skip_while(|l| l.is_empty());
    // The last line of a file that ends without a newline is complete too.
    matches!((lines.next(), lines.next()), (Some(b"0"), Some(b"SECTION")))
}

/// What a file that is none of the accepted kinds seems to be, for the refusal's message.
pub fn describe_unaccepted(bytes: &[u8]) -> &'static str {
    let head = &bytes[..bytes.len().min(512)];
    let text = head.trim_ascii_start().to_ascii_lowercase();
    let signatures: [(&[u8], &str); 12] = [
        (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
        (b"MZ", "a Windows program"),
        (b"\x7FELF", "a Linux program"),
        (b"GIF8", "a GIF image"),
        (b"II*\0", "a TIFF image"),
        (b"MM\0*", "a TIFF image"),
        (b"\x1F\x8B", "a gzip archive"),
        (b"Rar!", "a RAR archive"),
        (b"7z\xBC\xAF", "a 7-Zip archive"),
        (b"AC10", "a DWG drawing (export it as DXF)"),
        (b"\xD0\xCF\x11\xE0", "an old Office document"),
        (b"RIFF", "a RIFF file (WebP image or media)"),
    ];
    if bytes.is_empty() {
        return "an empty file";
    }
    if let Some((_, what)) = signatures.iter().find(|(sig, _)| head.starts_with(sig)) {
        return what;
    }
    if text.starts_with(b"<!doctype html") || text.starts_with(b"<html") {
        return "an HTML page";
    }
    if text.starts_with(b"<?xml") || text.starts_with(b"<svg") {
        return "an XML or SVG file";
    }
    if std::str::from_utf8(head).is_ok() {
        return "a text file";
    }
    "a file of an unknown kind"
}

/// Longest stored file name, characters.
pub const MAX_FILE_NAME: usize = 200;

/// A file name fit to store and to send back: the last part of any path, without control or
/// bidirectional-formatting characters, without leading dots and surrounding spaces, with the
/// characters Windows refuses in names (`:*?"<>|`) made `_`, at most `MAX_FILE_NAME` characters
/// (shortened before the extension). Letters of any script stay. `None` when nothing is left.
pub fn sanitize_file_name(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_format_char(*c))
        .map(|c| {
            if matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    if cleaned.is_empty() {
        return None;
    }
    if cleaned.chars().count() <= MAX_FILE_NAME {
        return Some(cleaned.to_string());
    }
    let (stem, ext) = split_extension(cleaned);
    let ext: String = ext.map(|e| format!(".{e}")).unwrap_or_default();
    let keep = MAX_FILE_NAME.saturating_sub(ext.chars().count());
    let stem: String = stem.chars().take(keep).collect();
    Some(format!("{}{ext}", stem.trim_end()))
}

/// Invisible characters that change how a name reads (right-to-left overrides can make
/// `gpj.exe` look like `exe.jpg`), zero-width characters and the byte-order mark.
fn is_format_char(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// The name before the last dot, and the extension after it (none when there is no dot, or it
/// ends the name, or the extension is implausibly long).
fn split_extension(name: &str) -> (&str, Option<&str>) {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() && ext.chars().count() <= 10 => {
            (stem, Some(ext))
        }
        _ => (name, None),
    }
}

/// Why a file's name does not fit its content.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{name} is {actual} but is named as {claimed}; rename it with .{} (or send the file its name says)",
    .actual_type.extensions()[0]
)]
pub struct NameMismatch {
    pub name: String,
    pub actual: &'static str,
    pub actual_type: MediaType,
    pub claimed: String,
}

/// The name a file of kind `media` is kept under: `name` sanitised (`fallback` when there is
/// none), with the kind's usual extension added when it has none. An extension of another kind
/// (a JPEG named `.pdf`, a PDF named `.exe`) is a `NameMismatch`.
pub fn file_name_for(
    name: Option<&str>,
    media: MediaType,
    fallback: &str,
) -> Result<String, NameMismatch> {
    let name = name
        .and_then(sanitize_file_name)
        .unwrap_or_else(|| fallback.to_string());
    let usual = media.extensions()[0];
    match split_extension(&name) {
        (_, Some(ext)) => {
            let lower = ext.to_lowercase();
            if media.extensions().contains(&lower.as_str()) {
                Ok(name)
            } else {
                let claimed = MediaType::ALL
                    .into_iter()
                    .find(|m| m.extensions().contains(&lower.as_str()))
                    .map_or_else(|| format!("a .{ext} file"), |m| m.label().to_string());
                Err(NameMismatch {
                    name,
                    actual: media.label(),
                    actual_type: media,
                    claimed,
                })
            }
        }
        (_, None) => {
            let (stem, _) = split_extension(&name);
            let keep = MAX_FILE_NAME.saturating_sub(usual.len() + 1);
            let stem: String = stem.chars().take(keep).collect();
            Ok(format!("{stem}.{usual}"))
        }
    }
}

/// A stored document, without its bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct DocumentInfo {
    pub id: DocumentId,
    pub request: RequestId,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
    pub media_type: MediaType,
    pub file_name: String,
    pub title: Option<String>,
    pub size_bytes: u64,
    pub uploaded_by: UserId,
    pub uploaded_at: DateTime<Utc>,
}

/// A document to store (its id is set by the store).
#[derive(Clone, Debug)]
pub struct NewDocument {
    pub request: RequestId,
    pub sha256: String,
    pub media_type: MediaType,
    pub file_name: String,
    pub title: Option<String>,
    pub uploaded_by: UserId,
    pub uploaded_at: DateTime<Utc>,
    pub bytes: Vec<u8>,
}

#[cfg(test)]
#[path = "document_tests.rs"]
mod tests;
