//! `dudao serve` against hostile clients, on loopback, each test bounded in
//! time: thousands of idle connections, a 1 GB request line, a request head
//! trickled a byte at a time. The server must bound them all and keep
//! answering.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{copy_tree, manifest_dir};

/// A running `dudao serve` on a copy of the bundled project; killed on drop.
struct Serve {
    child: Child,
    address: SocketAddr,
    _project: tempfile::TempDir,
}

impl Serve {
    fn start(extra: &[&str]) -> Serve {
        let project = tempfile::tempdir().unwrap();
        for part in ["content", "rubrics", "themes"] {
            copy_tree(&manifest_dir().join(part), &project.path().join(part), &[]);
        }
        std::fs::copy(
            manifest_dir().join("dudao.toml"),
            project.path().join("dudao.toml"),
        )
        .unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_dudao"))
            .args(["serve", "--address", "127.0.0.1:0", "--root"])
            .arg(project.path())
            .args(extra)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let address = loop {
            let line = lines.next().expect("serve prints its address").unwrap();
            if let Some(rest) = line.split(" at http://").nth(1) {
                break rest.split('/').next().unwrap().parse().unwrap();
            }
        };
        // Keep draining stderr so serve never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Serve {
            child,
            address,
            _project: project,
        }
    }

    fn get(&self, path: &str) -> String {
        let mut stream = TcpStream::connect_timeout(&self.address, Duration::from_secs(5)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    }

    fn open_files(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id()))
            .unwrap()
            .count()
    }

    fn resident_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }

    fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(target_os = "linux")]
#[test]
fn ten_thousand_idle_connections_are_bounded_in_count_and_time() {
    let mut serve = Serve::start(&["--max-connections", "64", "--header-timeout-ms", "1000"]);
    let baseline = serve.open_files();
    let started = Instant::now();
    let mut idle = Vec::new();
    for _ in 0..10_000 {
        if let Ok(stream) = TcpStream::connect_timeout(&serve.address, Duration::from_secs(2)) {
            idle.push(stream);
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "connecting took too long"
        );
    }
    assert!(
        idle.len() > 9_000,
        "only {} of 10,000 connected",
        idle.len()
    );
    assert!(serve.is_running(), "serve died under 10,000 connections");
    let held = serve.open_files();
    assert!(
        held <= baseline + 64 + 8,
        "serve holds {held} files with 10,000 idle clients (baseline {baseline}, limit 64)"
    );
    // The idle ones time out and free their slots, while the clients
    // still hold their ends open.
    std::thread::sleep(Duration::from_millis(1500));
    let response = serve.get("/notice/");
    assert!(response.starts_with("HTTP/1.1 200"), "{response:.200}");
    assert!(response.contains("/__dudao/livereload.js"));
    drop(idle);
}

#[cfg(target_os = "linux")]
#[test]
fn a_1_gb_request_line_is_refused_without_growing_memory() {
    let mut serve = Serve::start(&[]);
    // Warm up: the first answers allocate what serving needs anyway.
    serve.get("/");
    let before = serve.resident_kib();
    let mut stream = TcpStream::connect(serve.address).unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(b"GET /").unwrap();
    let chunk = vec![b'a'; 1 << 20];
    let mut sent: u64 = 0;
    while sent < 1 << 30 {
        match stream.write(&chunk) {
            Ok(n) => sent += n as u64,
            Err(_) => break,
        }
    }
    assert!(
        sent < 64 << 20,
        "serve kept reading a request line {} MiB long",
        sent >> 20
    );
    let after = serve.resident_kib();
    assert!(
        after < before + 16 * 1024,
        "serve grew from {before} to {after} KiB reading a huge request line"
    );
    assert!(serve.is_running());
    assert!(serve.get("/").starts_with("HTTP/1.1 200"));
}

#[cfg(target_os = "linux")]
#[test]
fn a_request_head_trickled_byte_by_byte_times_out() {
    let serve = Serve::start(&["--header-timeout-ms", "1000"]);
    let mut stream = TcpStream::connect(serve.address).unwrap();
    let started = Instant::now();
    let head = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let mut closed = false;
    for byte in head.iter().cycle() {
        if stream.write_all(&[*byte]).is_err() {
            closed = true;
            break;
        }
        // A closed connection shows on the read side first.
        stream.set_nonblocking(true).unwrap();
        let mut buffer = [0; 256];
        match stream.read(&mut buffer) {
            Ok(_) => {
                closed = true;
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(_) => {
                closed = true;
                break;
            }
        }
        stream.set_nonblocking(false).unwrap();
        if started.elapsed() > Duration::from_secs(10) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        closed,
        "a trickled request head kept its connection for 10 s"
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "closed only after {:?}",
        started.elapsed()
    );
    assert!(serve.get("/").starts_with("HTTP/1.1 200"));
}

#[cfg(target_os = "linux")]
#[test]
fn a_client_that_stops_reading_loses_its_connection_slot() {
    let serve = Serve::start(&["--max-connections", "1", "--write-timeout-ms", "1000"]);
    // 200 pipelined requests for a 150 KB page: ~30 MB of responses, far
    // more than the socket buffers hold, and this client reads none of it.
    let mut stuck = TcpStream::connect(serve.address).unwrap();
    stuck
        .write_all(&b"GET /tailor/ HTTP/1.1\r\nHost: x\r\n\r\n".repeat(200))
        .unwrap();
    let answers = |path: &str| -> bool {
        let Ok(mut stream) = TcpStream::connect_timeout(&serve.address, Duration::from_secs(2))
        else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        if stream.write_all(request.as_bytes()).is_err() {
            return false;
        }
        let mut head = [0; 12];
        stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.1 200")
    };
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        !answers("/notice/"),
        "the one connection slot should be the stuck client's"
    );
    let started = Instant::now();
    let freed = loop {
        std::thread::sleep(Duration::from_millis(200));
        if answers("/notice/") {
            break started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "a client that reads nothing kept the only slot for 10 s"
        );
    };
    assert!(freed < Duration::from_secs(4), "freed only after {freed:?}");
    drop(stuck);
}

#[test]
fn serve_answers_only_get_and_head_and_stays_inside_the_site() {
    let serve = Serve::start(&[]);
    let head = {
        let mut stream = TcpStream::connect(serve.address).unwrap();
        write!(
            stream,
            "HEAD /notice/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    };
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.ends_with("\r\n\r\n"), "HEAD has no body: {head}");
    let mut stream = TcpStream::connect(serve.address).unwrap();
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 405"), "{response}");
    assert!(serve.get("/../Cargo.toml").starts_with("HTTP/1.1 404"));
    let script = serve.get("/__dudao/livereload.js");
    assert!(script.contains("text/javascript"), "{script:.300}");
}
