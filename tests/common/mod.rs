//! One builder for integration tests: arguments in, exit code, stdout, stderr and files out.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Ofsted {
    args: Vec<String>,
    envs: Vec<(String, String)>,
    cwd: Option<PathBuf>,
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn ofsted(args: &[&str]) -> Ofsted {
    Ofsted { args: args.iter().map(|s| s.to_string()).collect(), envs: Vec::new(), cwd: None }
}

impl Ofsted {
    pub fn arg(mut self, a: impl AsRef<std::ffi::OsStr>) -> Self {
        self.args.push(a.as_ref().to_string_lossy().into_owned());
        self
    }
    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.envs.push((k.into(), v.into()));
        self
    }
    pub fn cwd(mut self, d: &Path) -> Self {
        self.cwd = Some(d.to_path_buf());
        self
    }
    pub fn run(self) -> Output {
        let o = self.command().output().expect("run ofsted");
        Output { code: o.status.code().unwrap_or(-1), stdout: String::from_utf8_lossy(&o.stdout).into(), stderr: String::from_utf8_lossy(&o.stderr).into() }
    }
    /// Start it without waiting (to kill it, or to run several at once); output is discarded.
    pub fn spawn(self) -> std::process::Child {
        let mut c = self.command();
        c.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
        c.spawn().expect("start ofsted")
    }
    /// Start a server (`ofsted label ... --port 0`) and wait for the address it prints on stdout.
    pub fn serve(self) -> Served {
        let log = tempfile::NamedTempFile::new().unwrap();
        let mut c = self.command();
        c.stdout(std::process::Stdio::piped()).stderr(log.reopen().unwrap());
        let mut child = c.spawn().expect("start ofsted");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            let mut line = String::new();
            let _ = std::io::BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let url = rx.recv_timeout(std::time::Duration::from_secs(600)).unwrap_or_default().trim().to_string();
        let served = Served { child, url, log };
        assert!(served.url.starts_with("http://"), "the server printed its address:\n{}", served.log());
        served
    }
    fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_ofsted"));
        c.args(&self.args).env_remove("OFSTED_OUT").env_remove("OFSTED_MODEL").env_remove("OFSTED_MODELS_DIR");
        // a test run inside a scheduler's job must not shard itself
        for k in ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "JOB_COMPLETION_INDEX", "OFSTED_SHARD", "OFSTED_SHARDS", "OFSTED_RESUME"] {
            c.env_remove(k);
        }
        for (k, v) in &self.envs {
            c.env(k, v);
        }
        if let Some(d) = &self.cwd {
            c.current_dir(d);
        }
        c
    }
}

/// A running server; killed (as by `kill -9`) when dropped or by [`Served::kill`].
pub struct Served {
    pub child: std::process::Child,
    pub url: String,
    log: tempfile::NamedTempFile,
}

impl Served {
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The checkout's models folder (set up by scripts/setup.sh).
pub fn models() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models")
}

pub fn write(dir: &Path, name: &str, body: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, body).unwrap();
    p
}

pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|rec| rec.unwrap().iter().map(String::from).collect()).collect();
    (header, rows)
}

fn chromium() -> PathBuf {
    for c in ["chromium", "chromium-browser", "google-chrome"] {
        if let Ok(o) = Command::new("sh").arg("-c").arg(format!("command -v {c}")).output() {
            if o.status.success() {
                return PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
            }
        }
    }
    panic!("headless Chromium not found: run scripts/setup.sh (installs Debian's chromium)");
}

/// Headless Chromium on a page (`#fragment` allowed), with console messages on stderr.
pub fn headless(extra: &[&str], page: &Path, fragment: &str) -> std::process::Output {
    headless_url(extra, &format!("file://{}{fragment}", page.display()))
}

pub fn headless_url(extra: &[&str], url: &str) -> std::process::Output {
    let profile = tempfile::tempdir().unwrap();
    Command::new(chromium())
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=0"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("run chromium")
}

/// Headless Chromium on `url`, driven through the DevTools protocol: script evaluation and key
/// presses, as a person at the page would make them. Closed when dropped.
pub struct Browser {
    child: std::process::Child,
    ws: tungstenite::WebSocket<std::net::TcpStream>,
    next_id: u64,
    _profile: tempfile::TempDir,
    /// Script errors and console errors seen so far.
    pub errors: Vec<String>,
}

impl Browser {
    pub fn open(url: &str) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let child = Command::new(chromium())
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--remote-debugging-port=0", "--window-size=1400,1000"])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(url)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("run chromium");
        // Chromium writes the port it took into the profile
        let port_file = profile.path().join("DevToolsActivePort");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let port = loop {
            if let Some(p) = std::fs::read_to_string(&port_file).ok().and_then(|s| s.lines().next().and_then(|l| l.trim().parse::<u16>().ok())) {
                break p;
            }
            assert!(std::time::Instant::now() < deadline, "Chromium did not open its DevTools port");
            std::thread::sleep(std::time::Duration::from_millis(100));
        };
        let page = loop {
            let list: serde_json::Value = ureq::get(&format!("http://127.0.0.1:{port}/json/list")).call().ok().and_then(|r| r.into_string().ok()).and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
            if let Some(ws) = list.as_array().and_then(|l| l.iter().find(|t| t["type"] == "page" && t["url"].as_str().is_some_and(|u| u.starts_with(url)))).and_then(|t| t["webSocketDebuggerUrl"].as_str().map(String::from)) {
                break ws;
            }
            assert!(std::time::Instant::now() < deadline, "Chromium has no page for {url}: {list}");
            std::thread::sleep(std::time::Duration::from_millis(100));
        };
        let stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        let (ws, _) = tungstenite::client(page.as_str(), stream).expect("DevTools websocket");
        let mut b = Browser { child, ws, next_id: 0, _profile: profile, errors: Vec::new() };
        b.call("Runtime.enable", serde_json::json!({}));
        b
    }

    /// One DevTools command; events seen while waiting are checked for errors.
    pub fn call(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        self.next_id += 1;
        let id = self.next_id;
        self.ws.send(tungstenite::Message::text(serde_json::json!({ "id": id, "method": method, "params": params }).to_string())).unwrap();
        loop {
            let msg = self.ws.read().expect("DevTools message");
            let Ok(text) = msg.to_text() else { continue };
            let v: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
            if v["id"] == id {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
            match v["method"].as_str() {
                Some("Runtime.exceptionThrown") => self.errors.push(v["params"]["exceptionDetails"].to_string()),
                Some("Runtime.consoleAPICalled") if v["params"]["type"] == "error" => self.errors.push(v["params"]["args"].to_string()),
                _ => {}
            }
        }
    }

    /// The value of a script expression (promises awaited).
    pub fn eval(&mut self, js: &str) -> serde_json::Value {
        let r = self.call("Runtime.evaluate", serde_json::json!({ "expression": js, "returnByValue": true, "awaitPromise": true }));
        assert!(r.get("exceptionDetails").is_none(), "{js}: {r}");
        r["result"]["value"].clone()
    }

    /// Poll `js` until it is true (at most 30 s); while the page is still loading it may throw.
    pub fn wait_for(&mut self, js: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let guarded = format!("(() => {{ try {{ return ({js}) === true; }} catch (e) {{ return false; }} }})()");
        while self.eval(&guarded) != serde_json::Value::Bool(true) {
            assert!(std::time::Instant::now() < deadline, "waited 30 s for {js}; errors: {:?}", self.errors);
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// Press and release a key ("s", "Enter", "/").
    pub fn key(&mut self, key: &str) {
        let code = match key {
            "Enter" => "Enter".to_string(),
            "/" => "Slash".to_string(),
            k => format!("Key{}", k.to_uppercase()),
        };
        let vk = match key { "Enter" => 13, "/" => 191, k => k.to_uppercase().chars().next().unwrap() as u32 };
        let text = if key == "Enter" { "\r".to_string() } else { key.to_string() };
        self.call("Input.dispatchKeyEvent", serde_json::json!({ "type": "keyDown", "key": key, "code": code, "text": text, "windowsVirtualKeyCode": vk }));
        self.call("Input.dispatchKeyEvent", serde_json::json!({ "type": "keyUp", "key": key, "code": code, "windowsVirtualKeyCode": vk }));
    }

    /// Type text into the focused field.
    pub fn type_text(&mut self, text: &str) {
        self.call("Input.insertText", serde_json::json!({ "text": text }));
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
