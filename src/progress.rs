//! Progress reporting behind one helper: an indicatif bar on a terminal, plain log lines when
//! stderr is redirected, nothing with `--quiet`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Progress {
    bar: Option<ProgressBar>,
    plain: bool,
    what: &'static str,
    total: u64,
    done: AtomicU64,
    sentences: AtomicU64,
    start: Instant,
    last_log: Mutex<Instant>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    Bar,
    Plain,
    Quiet,
}

impl Mode {
    pub fn detect(quiet: bool) -> Mode {
        if quiet {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            Mode::Bar
        } else {
            Mode::Plain
        }
    }
}

impl Progress {
    /// `what` names the counted items ("articles"); `total` is how many there are.
    pub fn new(mode: Mode, what: &'static str, total: u64) -> Progress {
        let bar = (mode == Mode::Bar).then(|| {
            let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {prefix} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b.set_prefix(what);
            b.enable_steady_tick(Duration::from_millis(200));
            b
        });
        Progress {
            bar,
            plain: mode == Mode::Plain,
            what,
            total,
            done: AtomicU64::new(0),
            sentences: AtomicU64::new(0),
            start: Instant::now(),
            last_log: Mutex::new(Instant::now()),
        }
    }

    /// A line of text that does not break the bar.
    pub fn println(&self, line: &str) {
        match &self.bar {
            Some(b) => b.println(line),
            None => {
                if self.plain {
                    eprintln!("{line}")
                }
            }
        }
    }

    pub fn sentences_done(&self, n: usize) {
        let s = self.sentences.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        if let Some(b) = &self.bar {
            b.set_message(format!("| {s} sentences, {:.0}/s", self.rate()));
        }
    }

    pub fn items_done(&self, n: usize) {
        let done = self.done.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        if let Some(b) = &self.bar {
            b.set_position(done);
        } else if self.plain {
            let mut last = self.last_log.lock().unwrap_or_else(|e| e.into_inner());
            if last.elapsed() >= Duration::from_secs(5) || done == self.total {
                *last = Instant::now();
                let sentences = self.sentences.load(Ordering::Relaxed);
                if sentences == 0 {
                    eprintln!("[ofsted] {done}/{} {}", self.total, self.what);
                } else {
                    eprintln!("[ofsted] {done}/{} {}, {sentences} sentences, {:.1} sentences/s", self.total, self.what, self.rate());
                }
            }
        }
    }

    pub fn set_message(&self, msg: &str) {
        if let Some(b) = &self.bar {
            b.set_message(msg.to_string());
        }
    }

    pub fn rate(&self) -> f64 {
        self.sentences.load(Ordering::Relaxed) as f64 / self.start.elapsed().as_secs_f64().max(1e-9)
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
