//! A photo of the documents as a picture for the .docx: its bytes out of the
//! `data:` URI, its kind and pixel size read from the bytes themselves, and
//! its size on the page. `picture` in static/js/outcome-doc.js does the
//! same, number for number (tests/browser/outcome-agreement.test.mjs).

/// English Metric Units: 914 400 to the inch, 9 525 to a CSS pixel.
const EMU_PER_PX: u64 = 9525;
/// The box a photo fits in, as in outcome-doc.css (`max-width: 12cm;
/// max-height: 9cm`): the printed HTML and the Word file look alike, and
/// two photos with their captions share an A4 page.
pub const MAX_CX: u64 = 4_320_000;
pub const MAX_CY: u64 = 3_240_000;

pub struct Picture {
    pub bytes: Vec<u8>,
    /// `jpeg` or `png`: the file extension in `word/media/`.
    pub ext: &'static str,
    /// Width and height on the page, in EMU.
    pub cx: u64,
    pub cy: u64,
}

/// The picture of a `data:image/…;base64,…` URI, or None when the bytes are
/// not a JPEG or PNG whose size can be read (the caption then stands alone).
pub fn from_data_uri(src: &str) -> Option<Picture> {
    let rest = src.strip_prefix("data:")?;
    let (_, data) = rest.split_once(";base64,")?;
    let bytes = decode_base64(data)?;
    let (ext, width, height) = sniff(&bytes)?;
    let (cx, cy) = fit(width, height);
    Some(Picture { bytes, ext, cx, cy })
}

/// The natural size (one pixel = one CSS pixel), shrunk into the box with
/// its aspect kept; never enlarged. Integer arithmetic, rounded down, so
/// that JavaScript gets the very same numbers.
pub fn fit(width: u32, height: u32) -> (u64, u64) {
    let (w, h) = (u64::from(width), u64::from(height));
    let (cx, cy) = (w * EMU_PER_PX, h * EMU_PER_PX);
    if cx <= MAX_CX && cy <= MAX_CY {
        (cx, cy)
    } else if w * MAX_CY >= h * MAX_CX {
        (MAX_CX, (h * MAX_CX / w).max(1))
    } else {
        ((w * MAX_CY / h).max(1), MAX_CY)
    }
}

/// Kind and pixel size from a PNG's IHDR or a JPEG's first SOF marker.
pub fn sniff(bytes: &[u8]) -> Option<(&'static str, u32, u32)> {
    let be16 = |i: usize| {
        Some(u32::from(u16::from_be_bytes([
            *bytes.get(i)?,
            *bytes.get(i + 1)?,
        ])))
    };
    let be32 = |i: usize| Some(u32::from_be_bytes(bytes.get(i..i + 4)?.try_into().ok()?));
    // JPEG cannot say more than 65 535; a PNG that does is refused too, which
    // keeps `fit`'s products exact in JavaScript's doubles as well.
    let size =
        |w: u32, h: u32| ((1..=65535).contains(&w) && (1..=65535).contains(&h)).then_some((w, h));
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.get(12..16) == Some(b"IHDR") {
        let (w, h) = size(be32(16)?, be32(20)?)?;
        return Some(("png", w, h));
    }
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut i = 2;
    loop {
        if *bytes.get(i)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(i + 1)?;
        match marker {
            // Fill bytes, and markers that carry no length.
            0xFF => i += 1,
            0x01 | 0xD0..=0xD7 => i += 2,
            // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                let (w, h) = size(be16(i + 7)?, be16(i + 5)?)?;
                return Some(("jpeg", w, h));
            }
            // Start of scan or end of image before any frame header.
            0xDA | 0xD9 => return None,
            _ => i += 2 + usize::try_from(be16(i + 2)?).ok()?,
        }
    }
}

/// Base64 as `atob` reads it (forgiving-base64 of the WHATWG infra spec):
/// ASCII white space dropped, one or two `=` at the end of a whole quantum,
/// anything else outside the alphabet refused.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut chars: Vec<u8> = text
        .bytes()
        .filter(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\x0C' | b'\r'))
        .collect();
    if chars.len().is_multiple_of(4) {
        for _ in 0..2 {
            if chars.last() == Some(&b'=') {
                chars.pop();
            }
        }
    }
    if chars.len() % 4 == 1 {
        return None;
    }
    let value = |c: u8| -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    };
    let mut out = Vec::with_capacity(chars.len() * 3 / 4);
    for quantum in chars.chunks(4) {
        let mut bits = 0u32;
        for &c in quantum {
            bits = bits << 6 | value(c)?;
        }
        let bytes = (bits << (6 * (4 - quantum.len()))).to_be_bytes();
        out.extend_from_slice(&bytes[1..quantum.len()]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_as_atob_does() {
        assert_eq!(decode_base64("aGVsbG8="), Some(b"hello".to_vec()));
        assert_eq!(decode_base64("aGVsbG8"), Some(b"hello".to_vec()));
        assert_eq!(decode_base64("aGVs\nbG8h"), Some(b"hello!".to_vec()));
        assert_eq!(decode_base64(""), Some(vec![]));
        assert_eq!(decode_base64("aGVsb"), None);
        assert_eq!(decode_base64("aGV*bG8="), None);
    }

    #[test]
    fn the_size_is_read_from_a_png_and_a_jpeg() {
        let png = decode_base64("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==").unwrap();
        assert_eq!(sniff(&png), Some(("png", 1, 1)));
        // SOI, an APP0 of 4 bytes, then SOF0 of a 640 × 480 frame.
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xC0, 0, 11, 8, 0x01, 0xE0, 0x02, 0x80, 3,
        ];
        assert_eq!(sniff(&jpeg), Some(("jpeg", 640, 480)));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), None);
        assert_eq!(sniff(b"GIF89a"), None);
        let mut huge = png.clone();
        huge[16..20].copy_from_slice(&70_000u32.to_be_bytes());
        assert_eq!(sniff(&huge), None);
    }

    #[test]
    fn a_picture_fits_the_box_with_its_aspect_kept_and_is_never_enlarged() {
        assert_eq!(fit(1, 1), (9525, 9525));
        assert_eq!(fit(1600, 1200), (MAX_CX, MAX_CX * 1200 / 1600));
        assert_eq!(fit(900, 1600), (MAX_CY * 900 / 1600, MAX_CY));
        assert_eq!(fit(400, 300), (400 * 9525, 300 * 9525));
    }
}
