//! The HTTP side of `ofsted label`: one page and a small JSON API over a [`Session`], served on
//! one thread (a person labels one unit at a time; the session needs no locks).
//!
//! Requests never name files: articles are looked up by id among the folder's own, so no request
//! reaches outside the folder. Bound to loopback, the server also refuses a `Host` that is not
//! loopback (a web page cannot reach it through DNS rebinding), and every change must be a JSON
//! POST, which a page on another site cannot send without a preflight this server never grants.

use super::{GradeInput, Refused, Session, UnitKey};
use crate::io::corpus::GoldOfficial;
use crate::error::{Error, Result};
use crate::grade::{Grade, JudgementArea};
use crate::io::page::Utf16Offsets;
use crate::label::Label;
use serde::Deserialize;
use serde_json::{json, Value};
use std::io::Read;
use std::net::{IpAddr, SocketAddr};
use tiny_http::{Header, Method, Request, Response, Server};

const PAGE: &str = include_str!("page.html");

/// Bodies larger than this are refused: a label is a few hundred bytes, an article's officials a
/// few kilobytes.
const MAX_BODY: usize = 1 << 20;

/// Queue items sent at once (the page labels the first and keeps the rest for skipping).
const QUEUE_DEFAULT: usize = 20;
const QUEUE_MAX: usize = 500;

pub struct Listening {
    server: Server,
    pub addr: SocketAddr,
    loopback_only: bool,
}

/// Bind `host:port` (port 0 takes a free one).
pub fn bind(host: IpAddr, port: u16) -> Result<Listening> {
    let server = Server::http(SocketAddr::new(host, port)).map_err(|e| Error::Config(format!("cannot listen on {host}:{port}: {e}")))?;
    let addr = server.server_addr().to_ip().ok_or_else(|| Error::Config("the server has no IP address".into()))?;
    Ok(Listening { server, addr, loopback_only: host.is_loopback() })
}

impl Listening {
    pub fn url(&self) -> String {
        match self.addr {
            SocketAddr::V6(a) => format!("http://[{}]:{}/", a.ip(), a.port()),
            SocketAddr::V4(a) => format!("http://{}:{}/", a.ip(), a.port()),
        }
    }

    /// Answer requests until the process is stopped. A request that cannot be answered (the
    /// browser went away) is dropped and the next one served.
    pub fn serve(self, session: &mut Session) {
        for mut request in self.server.incoming_requests() {
            let (status, body, kind) = match self.allowed(&request) {
                Err(refusal) => refusal,
                Ok(()) => route(session, &mut request),
            };
            let response = Response::from_data(body)
                .with_status_code(status)
                .with_header(header("Content-Type", kind))
                .with_header(header("Cache-Control", "no-store"))
                .with_header(header("X-Content-Type-Options", "nosniff"))
                .with_header(header("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'"));
            let _ = request.respond(response);
        }
    }

    fn allowed(&self, request: &Request) -> std::result::Result<(), (u16, Vec<u8>, &'static str)> {
        if !self.loopback_only {
            return Ok(());
        }
        let host = request.headers().iter().find(|h| h.field.equiv("Host")).map(|h| h.value.as_str().to_string()).unwrap_or_default();
        let name = match host.rsplit_once(':') {
            Some((n, port)) if port.chars().all(|c| c.is_ascii_digit()) => n,
            _ => host.as_str(),
        };
        if ["127.0.0.1", "localhost", "[::1]"].contains(&name.to_ascii_lowercase().as_str()) {
            Ok(())
        } else {
            Err(error(403, &format!("this server answers only to 127.0.0.1 or localhost, not Host {host:?} (start it with --host to serve other names)")))
        }
    }
}

fn header(k: &str, v: &str) -> Header {
    Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("static header")
}

type Reply = (u16, Vec<u8>, &'static str);

fn reply(status: u16, v: &Value) -> Reply {
    (status, v.to_string().into_bytes(), "application/json")
}

fn error(status: u16, message: &str) -> Reply {
    reply(status, &json!({ "error": message }))
}

fn refused(e: Refused) -> Reply {
    match e {
        Refused::NotFound(m) => error(404, &m),
        Refused::Invalid(m) => error(400, &m),
        Refused::Save(e) => error(500, &format!("not saved: {e}")),
    }
}

/// The pages and data a browser reads, and the changes it posts.
const READS: &[&str] = &["/", "/api/state", "/api/queue", "/api/article"];
const CHANGES: &[&str] = &["/api/label", "/api/note", "/api/officials", "/api/grades", "/api/undo"];

fn route(s: &mut Session, request: &mut Request) -> Reply {
    let url = request.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let param = |name: &str| form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    match (request.method().clone(), path) {
        (Method::Get, "/") => (200, PAGE.as_bytes().to_vec(), "text/html; charset=utf-8"),
        (Method::Get, "/api/state") => reply(200, &state(s)),
        (Method::Get, "/api/queue") => {
            let limit = param("limit").and_then(|l| l.parse().ok()).unwrap_or(QUEUE_DEFAULT).min(QUEUE_MAX);
            reply(200, &json!({ "progress": s.progress(), "queue": s.queue(limit) }))
        }
        (Method::Get, "/api/article") => match param("id") {
            Some(id) => article(s, &id).unwrap_or_else(refused),
            None => error(400, "give the article as ?id="),
        },
        (Method::Post, p) if CHANGES.contains(&p) => match body(request) {
            Err(r) => r,
            Ok(v) => change(s, path, v).unwrap_or_else(refused),
        },
        (_, p) if READS.contains(&p) || CHANGES.contains(&p) => error(405, "method not allowed"),
        _ => error(404, &format!("no such page: {path}")),
    }
}

/// The JSON body of a change; only `application/json` is taken.
fn body(request: &mut Request) -> std::result::Result<Value, Reply> {
    let json_type = request.headers().iter().any(|h| h.field.equiv("Content-Type") && h.value.as_str().trim_start().to_ascii_lowercase().starts_with("application/json"));
    if !json_type {
        return Err(error(415, "changes are sent as Content-Type: application/json"));
    }
    if request.body_length().is_some_and(|n| n > MAX_BODY) {
        return Err(error(413, "request body too large"));
    }
    let mut bytes = Vec::new();
    if let Err(e) = request.as_reader().take(MAX_BODY as u64 + 1).read_to_end(&mut bytes) {
        return Err(error(400, &format!("cannot read the request: {e}")));
    }
    if bytes.len() > MAX_BODY {
        return Err(error(413, "request body too large"));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(&bytes).map_err(|e| error(400, &format!("the request is not valid JSON: {e}")))
}

fn parse<T: for<'de> Deserialize<'de>>(v: Value) -> std::result::Result<T, Refused> {
    serde_json::from_value(v).map_err(|e| Refused::Invalid(format!("bad request: {e}")))
}

fn change(s: &mut Session, path: &str, v: Value) -> std::result::Result<Reply, Refused> {
    #[derive(Deserialize)]
    struct LabelReq {
        #[serde(flatten)]
        unit: UnitKey,
        label: Option<Label>,
    }
    #[derive(Deserialize)]
    struct NoteReq {
        #[serde(flatten)]
        unit: UnitKey,
        note: String,
    }
    #[derive(Deserialize)]
    struct Rows<T> {
        article_id: String,
        rows: Vec<T>,
    }
    let mut undone = None;
    match path {
        "/api/label" => {
            let r: LabelReq = parse(v)?;
            s.set_label(r.unit, r.label)?
        }
        "/api/note" => {
            let r: NoteReq = parse(v)?;
            s.set_note(r.unit, r.note)?
        }
        "/api/officials" => {
            let r: Rows<GoldOfficial> = parse(v)?;
            s.set_officials(&r.article_id, r.rows)?
        }
        "/api/grades" => {
            let r: Rows<GradeInput> = parse(v)?;
            s.set_grades(&r.article_id, r.rows)?
        }
        "/api/undo" => undone = s.undo()?,
        other => return Err(Refused::NotFound(format!("no such page: {other}"))),
    }
    Ok(reply(200, &json!({ "ok": true, "progress": s.progress(), "undone": undone })))
}

fn state(s: &Session) -> Value {
    let articles: Vec<Value> = s
        .articles()
        .map(|a| {
            let (units, labelled) = s.to_label(a).fold((0, 0), |(n, l), (_, _, label)| (n + 1, l + usize::from(label.is_some())));
            json!({ "id": a.id, "units": units, "labelled": labelled, "officials_checked": s.officials_of(&a.id).1, "grades_checked": s.grades_of(&a.id).1, "error": a.error })
        })
        .collect();
    json!({
        "dir": s.dir().display().to_string(),
        "progress": s.progress(),
        "articles": articles,
        "next_steps": super::next_steps(s.dir()),
        "labels": Label::ALL,
        "areas": JudgementArea::ALL,
        "grades": Grade::ALL,
    })
}

/// An article for the page: its text, units with offsets in JavaScript string indices (`at`)
/// beside the byte offsets the API takes, labels, notes, officials and grades.
fn article(s: &Session, id: &str) -> std::result::Result<Reply, Refused> {
    let a = s.article(id).ok_or_else(|| Refused::NotFound(format!("no article {id:?} in {}", s.dir().display())))?;
    let at = Utf16Offsets::of(&a.text);
    let units: Vec<Value> = a
        .units
        .iter()
        .map(|u| {
            let key = UnitKey { article_id: a.id.clone(), start: u.start, end: u.end };
            json!({ "start": u.start, "end": u.end, "at": [at.get(u.start), at.get(u.end)], "suggestion": u.label, "probs": u.probs,
                    "label": s.label_of(&key), "note": s.note_of(&key), "covered": s.is_covered(&key) })
        })
        .collect();
    let (officials, officials_checked) = s.officials_of(id);
    let (grades, grades_checked) = s.grades_of(id);
    Ok(reply(200, &json!({ "id": a.id, "text": a.text, "error": a.error, "units": units, "officials": officials, "officials_checked": officials_checked, "grades": grades, "grades_checked": grades_checked })))
}
