//! `dudao serve`: build, serve the output on localhost, rebuild on change.
//!
//! A static file server for one local reader needs GET, a few content types
//! and index.html for directories, so it is std's `TcpListener` and a thread
//! per connection rather than an HTTP crate. Changes are found by polling
//! modification times twice a second: no platform-specific watcher, and a
//! rebuild of the whole site takes well under a second anyway.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use walkdir::WalkDir;

/// The source paths whose changes trigger a rebuild, relative to the root.
pub const WATCHED: &[&str] = &["content", "rubrics", "themes", crate::config::CONFIG_FILE];

/// Serves `dir` on `address` until the process ends, calling `rebuild`
/// whenever a watched file under `root` changes. `rebuild` reports its own
/// errors; on failure the previous site keeps being served.
pub fn serve(
    root: &Path,
    dir: &Path,
    address: &str,
    rebuild: impl Fn() + Send + 'static,
) -> std::io::Result<()> {
    let listener = TcpListener::bind(address)?;
    eprintln!(
        "serving {} at http://{}/ (Ctrl-C to stop)",
        dir.display(),
        listener.local_addr()?
    );
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        let mut last = latest_change(&root);
        loop {
            std::thread::sleep(Duration::from_millis(500));
            let now = latest_change(&root);
            if now != last {
                last = now;
                eprintln!("change detected, rebuilding");
                rebuild();
            }
        }
    });
    let dir = Arc::new(dir.to_path_buf());
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let dir = Arc::clone(&dir);
        std::thread::spawn(move || {
            let _ = respond(stream, &dir);
        });
    }
    Ok(())
}

/// The newest modification time and the file count under the watched paths
/// (the count catches deletions, which no remaining mtime reveals).
fn latest_change(root: &Path) -> (Option<SystemTime>, usize) {
    let mut newest = None;
    let mut count = 0;
    for watched in WATCHED {
        for entry in WalkDir::new(root.join(watched)).into_iter().flatten() {
            count += 1;
            if let Some(modified) = entry.metadata().ok().and_then(|m| m.modified().ok()) {
                newest = newest.max(Some(modified));
            }
        }
    }
    (newest, count)
}

fn respond(stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Drain the headers; nothing in them changes the answer.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let mut stream = &stream;
    if method != "GET" && method != "HEAD" {
        return reply(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain; charset=utf-8",
            b"405",
            method == "HEAD",
        );
    }
    match resolve(dir, target) {
        Some(path) => match std::fs::read(&path) {
            Ok(body) => reply(
                &mut stream,
                "200 OK",
                content_type(&path),
                &body,
                method == "HEAD",
            ),
            Err(_) => not_found(&mut stream, dir, method == "HEAD"),
        },
        None => not_found(&mut stream, dir, method == "HEAD"),
    }
}

fn not_found(stream: &mut &TcpStream, _dir: &Path, head: bool) -> std::io::Result<()> {
    reply(
        stream,
        "404 Not Found",
        "text/html; charset=utf-8",
        "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>404</title><p>找不到该页面。<a href=\"/\">返回首页</a></p></html>".as_bytes(),
        head,
    )
}

fn reply(
    stream: &mut &TcpStream,
    status: &str,
    content_type: &str,
    body: &[u8],
    head: bool,
) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// Maps a request target to a file under `dir`, never outside it.
fn resolve(dir: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode(path)?;
    let mut file = dir.to_path_buf();
    for component in Path::new(decoded.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => file.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_cannot_escape_the_site_directory() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("notice")).unwrap();
        std::fs::write(tmp.path().join("notice/index.html"), "n").unwrap();
        assert_eq!(
            resolve(tmp.path(), "/notice/?x=1"),
            Some(tmp.path().join("notice/index.html"))
        );
        assert_eq!(resolve(tmp.path(), "/../etc/passwd"), None);
        assert_eq!(resolve(tmp.path(), "/%2e%2e/etc/passwd"), None);
    }
}
