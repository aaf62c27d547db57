//! QR codes as inline SVG, made at build time (no network, no image files).

use qrcode::{Color, EcLevel, QrCode};

/// An `<svg>` QR code for `text`, sized by CSS through its viewBox, with a
/// four-module quiet zone as scanners expect. `None` if `text` is too long
/// for a QR code.
pub fn svg(text: &str, label: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let quiet = 4;
    let size = width + 2 * quiet;
    let colors = code.to_colors();
    let mut path = String::new();
    // One rectangle per horizontal run of dark modules keeps the SVG small.
    for (y, line) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if line[x] == Color::Dark {
                let run = line[x..].iter().take_while(|c| **c == Color::Dark).count();
                path.push_str(&format!("M{} {}h{run}v1h-{run}z", x + quiet, y + quiet));
                x += run;
            } else {
                x += 1;
            }
        }
    }
    let label = label
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;");
    Some(format!(
        "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" \
         role=\"img\" aria-label=\"{label}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/>\
         <path fill=\"#000\" d=\"{path}\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_svg_is_deterministic_and_escapes_its_label() {
        let a = svg("https://example.org/rubrics/annex-1/", "a<b").unwrap();
        assert_eq!(
            a,
            svg("https://example.org/rubrics/annex-1/", "a<b").unwrap()
        );
        assert!(a.starts_with("<svg class=\"qr\""));
        assert!(a.contains("aria-label=\"a&lt;b\""));
    }
}
