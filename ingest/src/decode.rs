//! Turning bytes into text.
//!
//! The order of evidence: a byte-order mark; bytes that are valid UTF-8; a NUL pattern that
//! only UTF-16 produces; then the legacy encodings, GB18030/GBK and Big5 for Chinese pages
//! (see `detect.rs`). A forced `--encoding` skips all of it. Bytes that look like an
//! image or another binary format, and text that decodes to nothing, are accounted for with
//! their own status instead of being decoded into noise.

use encoding_rs::{Encoding, GB18030, UTF_8};

use crate::detect::{detect, utf16_without_bom};
use crate::{Document, Error, RawDoc, Status};

/// How to decode.
#[derive(Clone, Debug, Default)]
pub struct DecodeOptions {
    forced: Option<&'static Encoding>,
}

impl DecodeOptions {
    /// Decode every input with `label` (a WHATWG label such as `gbk`, `big5`, `utf-16le`)
    /// instead of detecting the encoding.
    pub fn forced(label: &str) -> Result<Self, Error> {
        let encoding = Encoding::for_label(label.trim().as_bytes())
            .ok_or_else(|| Error::UnknownEncoding(label.to_string()))?;
        Ok(DecodeOptions {
            forced: Some(encoding),
        })
    }
}

impl DecodeOptions {
    /// Whether every input is decoded with one encoding (`--encoding`).
    pub fn is_forced(&self) -> bool {
        self.forced.is_some()
    }
}

/// Decodes one raw document. Never fails: problems are recorded in the returned
/// [`Document`]'s `status` and `error`.
pub fn decode(raw: RawDoc, options: &DecodeOptions) -> Document {
    decode_known(raw, options, None)
}

/// [`decode`], told the encoding an earlier decode of the same bytes detected (its
/// `documents.encoding` name): the detector, the slowest step of decoding, is not run again.
/// The result is the one [`decode`] gives.
pub fn decode_known(raw: RawDoc, options: &DecodeOptions, detected: Option<&str>) -> Document {
    let detected = detected.and_then(|name| Encoding::for_label(name.as_bytes()));
    let mut doc = Document {
        doc_id: raw.doc_id,
        content_hash: raw.content_hash,
        source: raw.source,
        bytes: raw.bytes.len() as u64,
        encoding: None,
        decode_errors: 0,
        status: Status::Ok,
        error: None,
        duplicate_of: raw.duplicate_of,
        fields: raw.fields,
        external_id: raw.external_id,
        published_date: raw.published_date,
        text: String::new(),
    };
    if let Some((status, reason)) = raw.outcome {
        doc.status = status;
        doc.error = Some(reason);
        return doc;
    }
    let bytes = raw.bytes;
    if bytes.is_empty() {
        doc.status = Status::Empty;
        doc.error = Some("no bytes".to_string());
        return doc;
    }
    let (text, encoding, errors) = if raw.is_utf8_text {
        match String::from_utf8(bytes) {
            Ok(text) => (text, UTF_8, 0),
            Err(e) => decode_with(UTF_8, e.as_bytes()),
        }
    } else if let Some(forced) = options.forced {
        decode_with(forced, &bytes)
    } else if let Some(kind) = binary_kind(&bytes) {
        doc.status = Status::Binary;
        doc.error = Some(format!("binary content ({kind})"));
        return doc;
    } else if Encoding::for_bom(&bytes).is_none() {
        // Valid UTF-8 is the common case: one validation, and detection only when it fails.
        match String::from_utf8(bytes) {
            Ok(text) => (text, UTF_8, 0),
            Err(e) => decode_detected(e.into_bytes(), detected),
        }
    } else {
        decode_detected(bytes, detected)
    };
    doc.encoding = Some(column_name(encoding));
    doc.decode_errors = errors;
    if text.trim().is_empty() {
        doc.status = Status::Empty;
        doc.error = Some("no text once decoded".to_string());
        return doc;
    }
    if errors > 0 && errors as usize * 10 > text.chars().count() {
        // More than one character in ten failed: this is the wrong encoding or not text, and
        // a table full of U+FFFD would mislead every count downstream.
        doc.status = Status::Error;
        doc.error = Some(format!(
            "{errors} undecodable sequences as {}; pass --encoding if the guess is wrong",
            encoding.name()
        ));
        return doc;
    }
    doc.text = text;
    doc
}

/// Decodes with BOM sniffing, counting the replacement characters produced.
fn decode_with(encoding: &'static Encoding, bytes: &[u8]) -> (String, &'static Encoding, u32) {
    let (text, used, _) = encoding.decode(bytes);
    let errors = text.chars().filter(|&c| c == '\u{FFFD}').count() as u32;
    // Replacement characters already in the source are not decoding errors.
    let in_source = if used == UTF_8 {
        count_encoded_replacements(bytes)
    } else {
        0
    };
    (text.into_owned(), used, errors.saturating_sub(in_source))
}

fn count_encoded_replacements(bytes: &[u8]) -> u32 {
    bytes.windows(3).filter(|w| w == b"\xEF\xBF\xBD").count() as u32
}

/// Decodes bytes that start with a byte-order mark or are not valid UTF-8, in the encoding
/// `detected` earlier, else the one detected now.
fn decode_detected(
    mut bytes: Vec<u8>,
    detected: Option<&'static Encoding>,
) -> (String, &'static Encoding, u32) {
    let encoding = detected.unwrap_or_else(|| detect(&bytes));
    if encoding != UTF_8 {
        return decode_with(encoding, &bytes);
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => (text, UTF_8, 0),
        Err(e) => decode_with(UTF_8, e.as_bytes()),
    }
}

/// Names the binary format when the bytes are not text.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG", "PNG image"),
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"%PDF", "PDF"),
        (b"PK\x03\x04", "ZIP archive"),
        (b"II*\x00", "TIFF image"),
        (b"MM\x00*", "TIFF image"),
        (b"\x7FELF", "executable"),
        (b"7z\xBC\xAF", "7z archive"),
        (b"BZh", "bzip2 stream"),
        (b"\xFD7zXZ", "xz stream"),
    ];
    if let Some((_, kind)) = MAGIC.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Some(kind);
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Some("WebP image");
    }
    let sample = &bytes[..bytes.len().min(8192)];
    let controls = sample
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)))
        .count();
    let looks_binary = sample.contains(&0) || controls * 10 > sample.len();
    // UTF-16 has NULs and control-range bytes too: asked only of what looks binary, so text
    // in UTF-8 (nearly every input) is never scanned for it.
    let utf16 = || Encoding::for_bom(bytes).is_some() || utf16_without_bom(bytes).is_some();
    (looks_binary && !utf16()).then_some("control bytes")
}

/// The encoding's name as the `documents.encoding` column spells it: the WHATWG name, with
/// GB18030 in the capitals its standard uses (encoding_rs says `gb18030`).
fn column_name(encoding: &'static Encoding) -> &'static str {
    if encoding == GB18030 {
        "GB18030"
    } else {
        encoding.name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::BIG5;

    const PAGE: &str = "湘潭：园区去行政化，回归主业搞经济\n\n湖南日报全媒体记者 颜石敦 蒋睿 彭婷\n\n2025年底,湘潭市“以市场化专业化改革,重塑园区发展新动能”相关经验,获省级通报表扬。这份肯定,源于湘潭市一场刀刃向内的园区系统性改革。";

    fn run(bytes: Vec<u8>) -> Document {
        decode(RawDoc::from_bytes("t", bytes), &DecodeOptions::default())
    }

    #[test]
    fn decodes_each_supported_encoding_to_the_same_text() {
        let (gb, _, _) = GB18030.encode(PAGE);
        let mut utf16le = vec![0xFF, 0xFE];
        utf16le.extend(PAGE.encode_utf16().flat_map(u16::to_le_bytes));
        let utf16le_no_bom: Vec<u8> = PAGE.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let utf16be_no_bom: Vec<u8> = PAGE.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let mut utf8_bom = vec![0xEF, 0xBB, 0xBF];
        utf8_bom.extend(PAGE.as_bytes());
        let traditional = "湖南日報全媒體記者報導，園區改革成效顯著，經濟數據持續增長。";
        let (big5, _, _) = BIG5.encode(traditional);
        let cases: Vec<(Vec<u8>, &str, &str)> = vec![
            (PAGE.as_bytes().to_vec(), "UTF-8", PAGE),
            (utf8_bom, "UTF-8", PAGE),
            (gb.into_owned(), "GB18030", PAGE),
            (utf16le, "UTF-16LE", PAGE),
            (utf16le_no_bom, "UTF-16LE", PAGE),
            (utf16be_no_bom, "UTF-16BE", PAGE),
            (big5.into_owned(), "Big5", traditional),
        ];
        for (bytes, encoding, text) in cases {
            let doc = run(bytes.clone());
            assert_eq!(doc.status, Status::Ok, "{encoding}: {:?}", doc.error);
            assert_eq!(doc.encoding, Some(encoding));
            assert_eq!(doc.text, text, "{encoding}");
            assert_eq!(doc.decode_errors, 0, "{encoding}");
            // Told what was detected, decoding gives the same document without detecting.
            let raw = RawDoc::from_bytes("page.txt", bytes);
            let known = decode_known(raw, &DecodeOptions::default(), doc.encoding);
            assert_eq!(
                (
                    known.encoding,
                    known.text,
                    known.decode_errors,
                    known.status
                ),
                (doc.encoding, doc.text, doc.decode_errors, doc.status),
                "{encoding}"
            );
        }
    }

    #[test]
    fn invalid_utf8_bytes_are_counted_not_fatal() {
        let mut bytes = "园区改革成效明显。".repeat(10).into_bytes();
        bytes.insert(12, 0xFF);
        let doc = run(bytes);
        assert_eq!(doc.status, Status::Ok);
        assert_eq!(doc.encoding, Some("UTF-8"));
        assert_eq!(doc.decode_errors, 1);
    }

    #[test]
    fn binary_empty_and_blank_inputs_have_their_own_status() {
        assert_eq!(
            run(b"\x89PNG\r\n\x1a\n\0\0".to_vec()).status,
            Status::Binary
        );
        assert_eq!(
            run(vec![0, 1, 2, 3, 0, 0, 9, 0, 0, 0, 1]).status,
            Status::Binary
        );
        assert_eq!(run(Vec::new()).status, Status::Empty);
        assert_eq!(run(b" \n\n \t".to_vec()).status, Status::Empty);
    }

    #[test]
    fn forced_encoding_is_used_and_bad_labels_are_rejected() {
        let (gb, _, _) = GB18030.encode(PAGE);
        let options = DecodeOptions::forced("gbk").expect("label");
        let doc = decode(RawDoc::from_bytes("t", gb.into_owned()), &options);
        assert_eq!(doc.encoding, Some("GBK"));
        assert_eq!(doc.text, PAGE);
        assert!(DecodeOptions::forced("klingon").is_err());
    }

    #[test]
    fn mostly_undecodable_input_is_an_error_with_a_hint() {
        let doc = decode(
            RawDoc::from_bytes("t", vec![0xFF; 200]),
            &DecodeOptions::forced("utf-8").expect("label"),
        );
        assert_eq!(doc.status, Status::Error);
        assert!(doc.error.as_deref().unwrap_or("").contains("--encoding"));
    }
}
