//! Offline use of a hosted site (`[offline]` in dudao.toml, on by default):
//! the web app manifest and its icons, and the service worker `sw.js` at
//! the site root, which carries the precache list of every file the build
//! wrote with a content hash of each. Any change to any file changes the
//! list, hence the worker's bytes, so browsers install the new version;
//! an unchanged build writes a byte-identical worker. docs/site.md.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::{Output, Site};
use crate::diagnostic::{Diagnostic, Diagnostics};

/// Where the worker goes: the site root, so its scope covers every page.
pub const WORKER_PATH: &str = "sw.js";
pub const MANIFEST_PATH: &str = "manifest.webmanifest";
/// The theme's worker source, under `static/`; the build fills its manifest line.
pub const WORKER_SOURCE: &str = "sw.js";
/// The line of the worker source the build replaces with the precache list.
const MANIFEST_MARKER: &str = "// dudao:manifest";
/// The site's accent colour (site.css `--accent`): theme colour and icon.
pub const THEME_COLOUR: &str = "#0b5cad";
#[cfg(test)]
const ACCENT: [u8; 3] = [0x0b, 0x5c, 0xad];

/// The first 16 hex digits of the SHA-256 of `bytes`: enough to tell two
/// versions of one file apart, and what the worker checks each download
/// against.
pub fn file_hash(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes)[..8])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The page family for the manifest and its icons (nothing when switched off).
pub fn render_app(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    if !site.config.offline.enabled {
        return Ok(());
    }
    let icon = |size: u32| {
        serde_json::json!({
            "src": format!("static/icons/icon-{size}.png"),
            "sizes": format!("{size}x{size}"),
            "type": "image/png",
            "purpose": "any maskable",
        })
    };
    let manifest = serde_json::json!({
        "name": site.config.title,
        "short_name": "督导指标",
        "description": "技能人才评价质量督导：指标、评分表、在线评分，可离线使用。",
        "lang": "zh-CN",
        "dir": "ltr",
        "start_url": "index.html",
        "scope": "./",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [icon(192), icon(512), {
            "src": "static/icons/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any",
        }],
    });
    let mut json = serde_json::to_vec_pretty(&manifest).expect("the manifest serialises");
    json.push(b'\n');
    output.insert(MANIFEST_PATH.to_string(), json);
    output.insert("static/icons/icon.svg".to_string(), icon_svg().into_bytes());
    for (size, png) in ICON_PNGS {
        output.insert(format!("static/icons/icon-{size}.png"), png.to_vec());
    }
    Ok(())
}

/// `sw.js`: the theme's worker with the precache list (path → hash of every
/// file in `files`) and a version derived from that list.
pub fn service_worker(
    site: &Site,
    files: &BTreeMap<String, String>,
) -> Result<Output, Diagnostics> {
    let source_path = format!("themes/{}/static/{WORKER_SOURCE}", site.config.theme);
    let source = site.theme.static_file(WORKER_SOURCE).ok_or_else(|| {
        Diagnostics(vec![
            Diagnostic::error(&source_path, None, "the service worker source is missing")
                .hint("restore themes/default/static/sw.js, or set [offline] enabled = false in dudao.toml"),
        ])
    })?;
    let source = String::from_utf8_lossy(&source);
    let precache: BTreeMap<&str, &str> = files
        .iter()
        .filter(|(path, _)| path.as_str() != WORKER_PATH)
        .map(|(path, hash)| (path.as_str(), hash.as_str()))
        .collect();
    let list = serde_json::to_string(&precache).expect("the precache list serialises");
    let version = hex(&Sha256::digest(list.as_bytes())[..8]);
    let line = format!(
        "const MANIFEST = {{\"version\":\"{version}\",\"files\":{list}}}; {MANIFEST_MARKER}"
    );
    let mut found = false;
    let worker: Vec<&str> = source
        .lines()
        .map(|l| {
            if l.trim_end().ends_with(MANIFEST_MARKER) {
                found = true;
                line.as_str()
            } else {
                l
            }
        })
        .collect();
    if !found {
        return Err(Diagnostics(vec![
            Diagnostic::error(
                &source_path,
                None,
                format!("no line ends in `{MANIFEST_MARKER}`"),
            )
            .hint("keep the line `const MANIFEST = {…}; // dudao:manifest` the build fills in"),
        ]));
    }
    let mut output = Output::new();
    output.insert(
        WORKER_PATH.to_string(),
        (worker.join("\n") + "\n").into_bytes(),
    );
    Ok(output)
}

// ---- the icon: a white clipboard with a tick on the accent colour ----------

fn icon_svg() -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 100 100\">\
<rect width=\"100\" height=\"100\" fill=\"{THEME_COLOUR}\"/>\
<rect x=\"28\" y=\"24\" width=\"44\" height=\"56\" rx=\"4\" fill=\"#fff\"/>\
<rect x=\"40\" y=\"18\" width=\"20\" height=\"10\" rx=\"2\" fill=\"#cfe0f5\"/>\
<path d=\"M36 52 L46 62 L64 40\" fill=\"none\" stroke=\"{THEME_COLOUR}\" stroke-width=\"7\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>\
</svg>\n"
    )
}

/// The PNG icons, drawn by [`icon_png`] once and kept: drawing and
/// compressing them was 12 % of a bundled build's instructions
/// (docs/benchmarks.md). A test checks they are still what it draws.
const ICON_PNGS: [(u32, &[u8]); 2] = [
    (192, include_bytes!("icons/icon-192.png")),
    (512, include_bytes!("icons/icon-512.png")),
];

/// The SVG's shapes drawn pixel by pixel (the build has no rasteriser).
#[cfg(test)]
fn icon_pixel(u: f64, v: f64) -> [u8; 3] {
    let tick = [(0.36, 0.52), (0.46, 0.62), (0.64, 0.40)];
    let near_tick = tick
        .windows(2)
        .any(|s| distance_to_segment((u, v), s[0], s[1]) < 0.035);
    let inside = |x0: f64, y0: f64, x1: f64, y1: f64| u >= x0 && u < x1 && v >= y0 && v < y1;
    if near_tick && inside(0.28, 0.24, 0.72, 0.80) {
        ACCENT
    } else if inside(0.40, 0.18, 0.60, 0.28) {
        [0xcf, 0xe0, 0xf5]
    } else if inside(0.28, 0.24, 0.72, 0.80) {
        [0xff, 0xff, 0xff]
    } else {
        ACCENT
    }
}

#[cfg(test)]
fn distance_to_segment(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let t = (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
    ((p.0 - a.0 - t * dx).powi(2) + (p.1 - a.1 - t * dy).powi(2)).sqrt()
}

/// A `size`×`size` RGB PNG of the icon.
#[cfg(test)]
fn icon_png(size: u32) -> Vec<u8> {
    let mut raw = Vec::with_capacity((size * (size * 3 + 1)) as usize);
    for y in 0..size {
        raw.push(0); // filter: none
        for x in 0..size {
            let at = |n: u32| (f64::from(n) + 0.5) / f64::from(size);
            raw.extend_from_slice(&icon_pixel(at(x), at(y)));
        }
    }
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&raw).expect("writing to memory");
    let data = encoder.finish().expect("writing to memory");
    let mut header = Vec::new();
    header.extend_from_slice(&size.to_be_bytes());
    header.extend_from_slice(&size.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, no interlace
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, body) in [(b"IHDR", &header), (b"IDAT", &data), (b"IEND", &Vec::new())] {
        png.extend_from_slice(&(body.len() as u32).to_be_bytes());
        let start = png.len();
        png.extend_from_slice(kind);
        png.extend_from_slice(body);
        let crc = crc32(&png[start..]);
        png.extend_from_slice(&crc.to_be_bytes());
    }
    png
}

#[cfg(test)]
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_png_specification() {
        // The CRC of an IEND chunk's type, as every PNG ends with it.
        assert_eq!(crc32(b"IEND"), 0xae42_6082);
    }

    #[test]
    fn the_icon_is_a_png_of_the_asked_size() {
        let png = icon_png(192);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[16..24], &[0, 0, 0, 192, 0, 0, 0, 192]);
        assert!(png.ends_with(&[0xae, 0x42, 0x60, 0x82]));
    }

    #[test]
    fn the_shipped_icons_are_the_ones_the_svg_shapes_draw() {
        for (size, png) in ICON_PNGS {
            assert_eq!(
                png,
                icon_png(size),
                "icon-{size}.png: redraw it with icon_png({size})"
            );
        }
    }
}
