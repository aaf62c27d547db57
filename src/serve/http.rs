//! The HTTP side of `dudao serve`: hyper's HTTP/1 server on a
//! single-threaded tokio runtime, answering from the current in-memory
//! [`Snapshot`](super::Snapshot), plus the live-reload script and its event
//! stream.
//!
//! Hostile or broken clients are bounded four ways: at most
//! [`Limits::max_connections`] connections at once (more are accepted and
//! closed at once, so the listen backlog and the process's file descriptors
//! never fill up); a request head must arrive whole within
//! [`Limits::header_timeout`] of the connection going idle (slowloris,
//! idle keep-alive); a head larger than [`Limits::max_head_bytes`] is
//! refused with 431 without being buffered (a 1 GB request line costs the
//! server one 16 KiB buffer); and a client that stops reading its response
//! for [`Limits::write_timeout`] loses the connection, so slow readers
//! cannot hold every connection slot.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::path::{Component, Path};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::body::{Bytes, Frame, SizeHint};
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use super::Live;

/// Where the live-reload script and its event stream live. The prefix is
/// not a path any built site has.
pub const SCRIPT_PATH: &str = "/__dudao/livereload.js";
pub const EVENTS_PATH: &str = "/__dudao/events";

/// The tag serve adds before `</body>` of every HTML page it answers with.
/// Same-origin, so the pages' CSP (`script-src 'self'`, `connect-src
/// 'self'`) allows it and its event stream as they are.
const SCRIPT_TAG: &[u8] = b"<script src=\"/__dudao/livereload.js\"></script>\n";

const SCRIPT: &str = include_str!("livereload.js");

/// How much a client may hold of the server. See the module docs.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_connections: usize,
    pub header_timeout: Duration,
    pub max_head_bytes: usize,
    pub write_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // A browser opens six connections per host; a few tabs and the
            // event streams fit many times over.
            max_connections: 256,
            header_timeout: Duration::from_secs(10),
            max_head_bytes: 16 * 1024,
            // Long enough for a phone on a weak link to take a 50 MB page
            // in pieces; a write that moves nothing for this long is stuck.
            write_timeout: Duration::from_secs(30),
        }
    }
}

/// Accepts connections on `listener` until the process ends.
pub async fn run(listener: TcpListener, live: Arc<Live>, limits: Limits) {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(limits.max_head_bytes)
        .max_headers(64);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors or a reset before accept: wait a
            // moment rather than spin, and keep serving.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let (live, builder) = (Arc::clone(&live), builder.clone());
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let live = Arc::clone(&live);
                async move { Ok::<_, Infallible>(respond(&live, &request).await) }
            });
            let _ = builder
                .serve_connection(
                    TokioIo::new(StallLimit::new(stream, limits.write_timeout)),
                    service,
                )
                .await;
            drop(permit);
        });
    }
}

/// A connection whose writes fail once one has made no progress for
/// `limit`: hyper has a timeout for reading a request head but none for
/// writing a response, and a client that never reads would keep its
/// connection slot for ever.
struct StallLimit {
    stream: TcpStream,
    limit: Duration,
    stalled: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl StallLimit {
    fn new(stream: TcpStream, limit: Duration) -> Self {
        StallLimit {
            stream,
            limit,
            stalled: None,
        }
    }

    /// Turns a write's `Pending` into an error once the stall has lasted
    /// `limit`; any progress forgets the stall.
    fn bound<T>(
        &mut self,
        cx: &mut Context<'_>,
        polled: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if polled.is_ready() {
            self.stalled = None;
            return polled;
        }
        let limit = self.limit;
        let stalled = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match stalled.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for StallLimit {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for StallLimit {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.bound(cx, polled)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.bound(cx, polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_flush(cx);
        this.bound(cx, polled)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

async fn respond(live: &Live, request: &Request<hyper::body::Incoming>) -> Response<Body> {
    let head = request.method() == Method::HEAD;
    if request.method() != Method::GET && !head {
        return text(StatusCode::METHOD_NOT_ALLOWED, "405 Method Not Allowed\n");
    }
    let path = request.uri().path();
    let response = match path {
        SCRIPT_PATH => reply(
            StatusCode::OK,
            "text/javascript; charset=utf-8",
            Body::from(Bytes::from_static(SCRIPT.as_bytes())),
        ),
        EVENTS_PATH => {
            let mut response = reply(StatusCode::OK, "text/event-stream", live.subscribe());
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("keep-alive"));
            return response;
        }
        _ => match resolve(path) {
            Some(file) => {
                let (snapshot, changed_in) = live.file_when_ready(&file).await;
                match snapshot.files.get(&file) {
                    Some(bytes) => {
                        let tag = entity_tag(changed_in);
                        if is_fresh(request.headers(), &tag) {
                            not_modified(tag)
                        } else {
                            let mut response = page(&file, bytes);
                            revalidate_with(&mut response, tag);
                            response
                        }
                    }
                    // `/notice` for `/notice/`: relative links need the slash.
                    None if snapshot.files.contains_key(&format!("{file}/index.html")) => {
                        let mut response = text(StatusCode::MOVED_PERMANENTLY, "");
                        if let Ok(location) = HeaderValue::from_str(&format!("{path}/")) {
                            response.headers_mut().insert(header::LOCATION, location);
                        }
                        response
                    }
                    // Browsers ask for it by themselves; the site has none.
                    None if file == "favicon.ico" => text(StatusCode::NO_CONTENT, ""),
                    None => not_found(),
                }
            }
            None => not_found(),
        },
    };
    if head {
        let (parts, body) = response.into_parts();
        let mut response = Response::from_parts(parts, Body::empty());
        if let Some(length) = hyper::body::Body::size_hint(&body).exact() {
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        }
        return response;
    }
    response
}

/// A file of the site; an HTML page gets the live-reload script tag before
/// its last `</body>`, without copying the page.
fn page(file: &str, bytes: &Bytes) -> Response<Body> {
    let content_type = content_type(file);
    if !file.ends_with(".html") {
        return reply(StatusCode::OK, content_type, Body::from(bytes.clone()));
    }
    let at = memrchr_body(bytes).unwrap_or(bytes.len());
    let chunks = VecDeque::from([
        bytes.slice(..at),
        Bytes::from_static(SCRIPT_TAG),
        bytes.slice(at..),
    ]);
    reply(StatusCode::OK, content_type, Body::Chunks(chunks))
}

fn memrchr_body(bytes: &[u8]) -> Option<usize> {
    const END: &[u8] = b"</body>";
    // Pages end with `</body>\n</html>`: search only the tail.
    let from = bytes.len().saturating_sub(4096);
    bytes[from..]
        .windows(END.len())
        .rposition(|w| w == END)
        .map(|i| from + i)
}

/// A file's entity tag: the generation whose rebuild last changed it, and
/// this process (a restarted serve counts generations from 1 again).
fn entity_tag(changed_in: Option<u64>) -> HeaderValue {
    static PROCESS: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
    let process = PROCESS.get_or_init(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    });
    let tag = format!("\"{process:x}-{}\"", changed_in.unwrap_or(0));
    HeaderValue::from_str(&tag).expect("hex digits and quotes")
}

/// Whether the browser holds the current bytes (its `If-None-Match` names
/// `tag`).
fn is_fresh(headers: &hyper::HeaderMap, tag: &HeaderValue) -> bool {
    let Some(held) = headers.get(header::IF_NONE_MATCH) else {
        return false;
    };
    let tag = tag.as_bytes();
    held.as_bytes().split(|&b| b == b',').any(|one| {
        one.trim_ascii()
            .strip_prefix(b"W/")
            .unwrap_or(one.trim_ascii())
            == tag
    })
}

/// A site file may be kept by the browser, but asked for again each time
/// it is used: a reload then costs a `304 Not Modified` per file that did
/// not change, and the browser keeps its compiled scripts, instead of
/// every file's bytes parsed again. Still never an older build: the tag
/// changes with the bytes.
fn revalidate_with(response: &mut Response<Body>, tag: HeaderValue) {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(header::ETAG, tag);
}

fn not_modified(tag: HeaderValue) -> Response<Body> {
    let mut response = reply(StatusCode::NOT_MODIFIED, "", Body::empty());
    response.headers_mut().remove(header::CONTENT_TYPE);
    revalidate_with(&mut response, tag);
    response
}

fn not_found() -> Response<Body> {
    reply(
        StatusCode::NOT_FOUND,
        "text/html; charset=utf-8",
        Body::from(Bytes::from_static(
            "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>404</title><p>找不到该页面。<a href=\"/\">返回首页</a></p></html>".as_bytes(),
        )),
    )
}

fn text(status: StatusCode, body: &'static str) -> Response<Body> {
    reply(
        status,
        "text/plain; charset=utf-8",
        Body::from(Bytes::from_static(body.as_bytes())),
    )
}

fn reply(status: StatusCode, content_type: &'static str, body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // Every answer is the current build: never a cached older one.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(crate::render::CONTENT_SECURITY_POLICY),
    );
    response
}

/// Maps a request path to a file of the site (`/` separators, no leading
/// slash), never outside it; `None` for anything that tries.
pub fn resolve(path: &str) -> Option<String> {
    let decoded = percent_decode(path)?;
    let mut parts = Vec::new();
    for component in Path::new(decoded.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str()?),
            Component::CurDir => {}
            _ => return None,
        }
    }
    let mut file = parts.join("/");
    if decoded.ends_with('/') || file.is_empty() {
        if !file.is_empty() {
            file.push('/');
        }
        file.push_str("index.html");
    }
    Some(file)
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

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map_or("", |(_, extension)| extension) {
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

/// A response body: a file in one or a few pieces shared with the snapshot
/// (no copy), or the live-reload event stream, open until the page goes.
pub enum Body {
    Chunks(VecDeque<Bytes>),
    Events(tokio::sync::mpsc::UnboundedReceiver<Bytes>),
}

impl Body {
    fn empty() -> Self {
        Body::Chunks(VecDeque::new())
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Body::Chunks(VecDeque::from([bytes]))
    }
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            Body::Chunks(chunks) => Poll::Ready(chunks.pop_front().map(|b| Ok(Frame::data(b)))),
            Body::Events(events) => events.poll_recv(cx).map(|e| e.map(|b| Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Body::Chunks(chunks) if chunks.is_empty())
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Chunks(chunks) => {
                SizeHint::with_exact(chunks.iter().map(|c| c.len() as u64).sum())
            }
            Body::Events(_) => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_cannot_escape_the_site() {
        assert_eq!(resolve("/notice/").as_deref(), Some("notice/index.html"));
        assert_eq!(resolve("/").as_deref(), Some("index.html"));
        assert_eq!(
            resolve("/static/css/site.css").as_deref(),
            Some("static/css/site.css")
        );
        assert_eq!(resolve("/../etc/passwd"), None);
        assert_eq!(resolve("/%2e%2e/etc/passwd"), None);
        assert_eq!(resolve("/a/%2e%2e/%2e%2e/x"), None);
    }

    #[test]
    fn a_file_is_fresh_only_for_its_own_tag() {
        let tag = entity_tag(Some(3));
        let held = |value: &str| {
            let mut headers = hyper::HeaderMap::new();
            headers.insert(header::IF_NONE_MATCH, HeaderValue::from_str(value).unwrap());
            is_fresh(&headers, &tag)
        };
        let own = tag.to_str().unwrap();
        assert!(held(own));
        assert!(held(&format!("W/{own}")));
        assert!(held(&format!("\"x\", {own}")));
        assert!(!held(entity_tag(Some(4)).to_str().unwrap()));
        assert!(!held("\"x\""));
        assert!(!is_fresh(&hyper::HeaderMap::new(), &tag));
    }

    #[test]
    fn the_script_tag_goes_before_the_last_body_end() {
        let html = Bytes::from_static(b"<html><body><p>x</p></body>\n</html>\n");
        assert_eq!(memrchr_body(&html), Some(20));
        assert_eq!(memrchr_body(b"no body end"), None);
    }
}
