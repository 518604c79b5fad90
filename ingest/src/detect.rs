//! Which encoding bytes are in, when they start with a byte-order mark or are not valid
//! UTF-8 (valid UTF-8 without a mark never gets here).
//!
//! The order of evidence: the mark; a NUL pattern only UTF-16 produces; UTF-8 with a few
//! broken bytes; then the double-byte shape of Chinese text ([`chinese_double_byte`]),
//! which decides GB18030 and Big5 pages in a pass over a kilobyte; and only for what that
//! leaves undecided, chardetng's guess. The detector is some fifty times slower than
//! decoding the page it looks at, and Chinese pages in GB18030 or Big5 are nearly every
//! legacy-encoded input newsprint meets.

use encoding_rs::{Encoding, BIG5, GB18030, GBK, UTF_16BE, UTF_16LE, UTF_8};

/// Bytes the legacy-encoding guess looks at: a kilobyte (some 500 characters) tells GB18030
/// from Big5 as well as the whole page does.
const SAMPLE: usize = 1024;

/// The encoding of bytes that start with a byte-order mark or are not valid UTF-8.
pub(crate) fn detect(bytes: &[u8]) -> &'static Encoding {
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return encoding;
    }
    if let Some(utf16) = utf16_without_bom(bytes) {
        return utf16;
    }
    // UTF-8 with a few broken bytes is still UTF-8: a detector would otherwise read it as
    // windows-1252 and turn every Han character into mojibake.
    if looks_mostly_utf8(bytes) {
        return UTF_8;
    }
    let sample = &bytes[..bytes.len().min(SAMPLE)];
    if let Some(encoding) = chinese_double_byte(sample) {
        return encoding;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(sample, bytes.len() <= SAMPLE);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    // GBK is a subset of GB18030: decoding as the superset loses nothing.
    if guess == GBK {
        GB18030
    } else {
        guess
    }
}

/// GB18030 or Big5, when `sample` has the unmistakable shape of Chinese text in one of
/// them; `None` leaves the guess to the detector.
///
/// Both encode a character in two bytes, a lead byte 0x81–0xFE and a trail byte. Chinese
/// text in GB2312, the common core of GBK and GB18030, keeps both bytes of nearly every
/// character at 0xA1 or above, while Big5 puts about two characters in five on a trail byte
/// of 0x40–0x7E. Korean (EUC-KR) and Japanese (EUC-JP) share GB2312's byte ranges, so more
/// is asked of a GB page: full-width punctuation (lead 0xA1–0xA3), which Korean text writes
/// in ASCII; Han characters past the Hangul rows (lead 0xC9–0xF7); and almost no kana (lead
/// 0xA4–0xA5). Shift_JIS leads with 0x81–0x9F for its kana and punctuation, which neither
/// GB2312 nor Big5 text does. And the sample must decode without an error.
fn chinese_double_byte(sample: &[u8]) -> Option<&'static Encoding> {
    #[derive(Default)]
    struct Shape {
        pairs: usize,
        low_trail: usize,
        low_lead: usize,
        punctuation: usize,
        kana: usize,
        han_past_hangul: usize,
    }
    let mut shape = Shape::default();
    let mut k = 0;
    while k < sample.len() {
        let lead = sample[k];
        if lead < 0x80 {
            k += 1;
            continue;
        }
        let Some(&trail) = sample.get(k + 1) else {
            break; // a character cut by the sample's end
        };
        if !(0x81..=0xFE).contains(&lead) || !(0x40..=0xFE).contains(&trail) || trail == 0x7F {
            return None;
        }
        shape.pairs += 1;
        shape.low_trail += usize::from(trail < 0xA1);
        shape.low_lead += usize::from(lead < 0xA1);
        shape.punctuation += usize::from((0xA1..=0xA3).contains(&lead));
        shape.kana += usize::from((0xA4..=0xA5).contains(&lead));
        shape.han_past_hangul += usize::from((0xC9..=0xF7).contains(&lead));
        k += 2;
    }
    let Shape {
        pairs,
        low_trail,
        low_lead,
        punctuation,
        kana,
        han_past_hangul,
    } = shape;
    // Fewer characters than this say too little; the detector decides.
    if pairs < 32 || punctuation * 33 < pairs || low_lead * 50 > pairs {
        return None;
    }
    let encoding = if low_trail * 50 <= pairs && kana * 50 <= pairs && han_past_hangul * 10 >= pairs
    {
        GB18030
    } else if low_trail * 5 >= pairs && low_lead == 0 {
        BIG5
    } else {
        return None;
    };
    decodes_cleanly(encoding, sample).then_some(encoding)
}

/// Whether `sample` decodes without a malformed sequence, a character cut by its end aside.
fn decodes_cleanly(encoding: &'static Encoding, sample: &[u8]) -> bool {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(sample.len() * 2);
    let (result, _) = decoder.decode_to_string_without_replacement(sample, &mut out, false);
    !matches!(result, encoding_rs::DecoderResult::Malformed(..))
}

/// Whether the bytes are UTF-8 but for fewer than one broken sequence per 100 bytes.
fn looks_mostly_utf8(bytes: &[u8]) -> bool {
    let mut bad = 0usize;
    let mut rest = bytes;
    let allowed = bytes.len() / 100;
    while let Err(e) = std::str::from_utf8(rest) {
        bad += 1;
        if bad > allowed {
            return false;
        }
        let skip = e.valid_up_to() + e.error_len().unwrap_or(rest.len() - e.valid_up_to());
        rest = &rest[skip.min(rest.len())..];
    }
    bad * 100 < bytes.len().max(1)
}

/// UTF-16 without a byte-order mark, told by its byte lanes: in UTF-16 text the high byte
/// of each code unit is NUL for ASCII, 0x4E–0x9F for common Han, 0x30 or 0xFF for CJK
/// punctuation and full-width forms, 0x20 for curly quotes. Legacy double-byte encodings
/// and UTF-8 spread their bytes over both lanes alike.
pub(crate) fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(8192) & !1];
    if sample.len() < 8 {
        return None;
    }
    let plausible_high = |b: u8| matches!(b, 0x00 | 0x20 | 0x30 | 0x4E..=0x9F | 0xFF);
    let pairs = sample.len() / 2;
    let (mut le, mut be, mut nul_le, mut nul_be) = (0usize, 0usize, 0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        le += usize::from(plausible_high(pair[1]));
        be += usize::from(plausible_high(pair[0]));
        nul_le += usize::from(pair[1] == 0);
        nul_be += usize::from(pair[0] == 0);
    }
    // Either many NULs in one lane only, or nearly every high byte plausible in one lane;
    // Japanese in Shift_JIS without a single ASCII byte has that shape too (its lead bytes
    // 0x81–0x9F), and decodes cleanly where UTF-16's low bytes would not.
    let strong = |hits: usize, other: usize| {
        hits * 100 >= pairs * 95
            && other * 100 < pairs * 70
            && !decodes_cleanly(encoding_rs::SHIFT_JIS, sample)
    };
    if (nul_le * 5 > pairs && nul_be * 20 < pairs) || strong(le, be) {
        Some(UTF_16LE)
    } else if (nul_be * 5 > pairs && nul_le * 20 < pairs) || strong(be, le) {
        Some(UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{EUC_JP, EUC_KR, SHIFT_JIS};

    const SIMPLIFIED: &str = "新华社北京１月１日电（记者刘儒庭）国务院总理李鹏今天在人民大会堂会见了来访的\
        意大利外长，双方就两国关系和共同关心的国际问题交换了意见。李鹏说，中国政府重视发展同意大利的友好合作\
        关系，愿同意方一道努力，把两国关系推向新的水平。";
    const TRADITIONAL: &str = "新華社北京一月一日電（記者劉儒庭）國務院總理李鵬今天在人民大會堂會見了來訪的\
        意大利外長，雙方就兩國關係和共同關心的國際問題交換了意見。李鵬說，中國政府重視發展同意大利的友好合作\
        關係，願同意方一道努力，把兩國關係推向新的水平。";
    const KOREAN: &str =
        "대한민국의 수도는 서울이며, 가장 큰 도시이기도 하다. 서울은 한강을 끼고 있으며 \
        정치, 경제, 문화의 중심지이다. 오늘 정부는 새로운 경제 정책을 발표했다고 밝혔다.";
    const JAPANESE: &str =
        "日本の首都は東京であり、最大の都市でもある。東京は政治、経済、文化の中心地で\
        ある。きょう政府は新しい経済政策を発表したと明らかにした。これはテストのための文章です。";

    fn chardetng_guess(bytes: &[u8]) -> &'static Encoding {
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        detector.feed(bytes, true);
        match detector.guess(None, chardetng::Utf8Detection::Deny) {
            e if e == GBK => GB18030,
            e => e,
        }
    }

    #[test]
    fn chinese_pages_are_decided_by_their_shape_as_the_detector_would() {
        for (text, encoding) in [(SIMPLIFIED, GB18030), (TRADITIONAL, BIG5)] {
            let (bytes, _, _) = encoding.encode(text);
            assert_eq!(chardetng_guess(&bytes), encoding, "{}", encoding.name());
            assert_eq!(
                chinese_double_byte(&bytes),
                Some(encoding),
                "{}",
                encoding.name()
            );
            assert_eq!(detect(&bytes), encoding);
            // A sample cut inside a character is decided the same.
            let cut = bytes.len() - 1;
            assert_eq!(chinese_double_byte(&bytes[..cut]), Some(encoding));
        }
    }

    #[test]
    fn korean_and_japanese_pages_are_left_to_the_detector() {
        for (text, encoding) in [(KOREAN, EUC_KR), (JAPANESE, EUC_JP), (JAPANESE, SHIFT_JIS)] {
            let (bytes, _, _) = encoding.encode(text);
            assert_eq!(chinese_double_byte(&bytes), None, "{}", encoding.name());
            assert_eq!(
                detect(&bytes),
                chardetng_guess(&bytes),
                "{}",
                encoding.name()
            );
        }
    }

    #[test]
    fn a_short_or_malformed_sample_is_left_to_the_detector() {
        let (bytes, _, _) = GB18030.encode("李鹏会见外长。");
        assert_eq!(chinese_double_byte(&bytes), None);
        let (mut bytes, _, _) = GB18030.encode(SIMPLIFIED);
        let mut bytes = bytes.to_mut().clone();
        bytes[40] = 0xFF;
        assert_eq!(chinese_double_byte(&bytes), None);
    }
}
