//! `journal.jsonl`: one header line naming the sweep, then one result row per finished
//! scenario, appended and fsynced as scenarios finish. A kill -9 can at worst cut the last
//! line short; [`Journal::open`] drops such a line (the scenario is simply run again).

use crate::error::{Error, Result};
use crate::sweep::results::ResultRow;
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The journal's file name inside OUT_DIR.
pub(crate) const JOURNAL_FILE: &str = "journal.jsonl";

/// The first line: which sweep the rows belong to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct JournalHeader {
    /// Always `flexplan-sweep-journal`.
    pub journal: String,
    /// Hash of the plan, the expanded scenarios and the settings (shard excluded).
    pub fingerprint: String,
    /// Scenarios in the whole sweep.
    pub n_scenarios: usize,
    /// `reoptimize` or `evaluate`.
    pub mode: String,
    /// `(K, N)` for a shard run, `(1, 1)` otherwise.
    pub shard: (usize, usize),
}

/// An open journal, appending rows.
#[derive(Debug)]
pub(crate) struct Journal {
    file: File,
    path: PathBuf,
}

/// A journal that cannot be written: the rows journaled before stay (`--resume`).
fn write_error(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::Journal { path: path.to_path_buf(), message: format!("cannot write: {e}") }
}

/// Reads a journal: its header and every complete row, plus the byte length of the complete
/// lines (a torn last line is left out).
pub(crate) fn read_journal(path: &Path) -> Result<(JournalHeader, Vec<ResultRow>, u64)> {
    let mut text = String::new();
    File::open(path)
        .and_then(|mut f| f.read_to_string(&mut text))
        .map_err(|source| Error::Read { path: path.to_path_buf(), source })?;
    let bad = |message: String| Error::Journal { path: path.to_path_buf(), message };
    let mut complete = 0u64;
    let mut header: Option<JournalHeader> = None;
    let mut rows = Vec::new();
    let mut lines = text.split_inclusive('\n').peekable();
    let mut line_no = 0;
    while let Some(line) = lines.next() {
        line_no += 1;
        let is_last = lines.peek().is_none();
        if !line.ends_with('\n') {
            break; // torn by a crash: dropped
        }
        let body = line.trim_end();
        if header.is_none() {
            header = Some(
                serde_json::from_str(body).map_err(|e| bad(format!("line 1 is not a sweep journal header: {e}")))?,
            );
        } else {
            match serde_json::from_str::<ResultRow>(body) {
                Ok(row) => rows.push(row.snapped()),
                Err(_) if is_last => break,
                Err(e) => return Err(bad(format!("line {line_no} is not a result row: {e}"))),
            }
        }
        complete += line.len() as u64;
    }
    let header = header.ok_or_else(|| bad("the journal has no header line".into()))?;
    if header.journal != "flexplan-sweep-journal" {
        return Err(bad("line 1 is not a sweep journal header".into()));
    }
    Ok((header, rows, complete))
}

impl Journal {
    /// Opens `out_dir/journal.jsonl` for `header`. Without `resume`, an existing journal with
    /// rows is refused (nothing is overwritten); with `resume`, its rows are returned and new
    /// rows are appended after them, after checking it belongs to the same sweep.
    pub(crate) fn open(out_dir: &Path, header: &JournalHeader, resume: bool) -> Result<(Journal, Vec<ResultRow>)> {
        let path = out_dir.join(JOURNAL_FILE);
        std::fs::create_dir_all(out_dir).map_err(|e| Error::Journal {
            path: path.clone(),
            message: format!("cannot create the folder {}: {e}", out_dir.display()),
        })?;
        if path.exists() {
            let (found, rows, complete) = read_journal(&path)?;
            if !resume {
                return Err(Error::Journal {
                    path,
                    message: format!(
                        "a sweep journal with {} finished scenarios is already here; pass --resume to finish it, or choose a new OUT_DIR",
                        rows.len()
                    ),
                });
            }
            if &found != header {
                return Err(Error::Journal {
                    path,
                    message: format!(
                        "it belongs to another sweep (fingerprint {}, shard {}/{}; this run: {}, shard {}/{}); the plan, scenario file or settings changed",
                        found.fingerprint, found.shard.0, found.shard.1, header.fingerprint, header.shard.0, header.shard.1
                    ),
                });
            }
            let mut file = OpenOptions::new().read(true).write(true).open(&path).map_err(write_error(&path))?;
            file.set_len(complete).map_err(write_error(&path))?;
            file.seek(SeekFrom::End(0)).map_err(write_error(&path))?;
            return Ok((Journal { file, path }, rows));
        }
        let mut file =
            OpenOptions::new().create(true).truncate(true).write(true).open(&path).map_err(write_error(&path))?;
        let line =
            serde_json::to_string(header).map_err(|e| Error::Journal { path: path.clone(), message: e.to_string() })?;
        file.write_all(format!("{line}\n").as_bytes()).map_err(write_error(&path))?;
        file.sync_all().map_err(write_error(&path))?;
        Ok((Journal { file, path }, Vec::new()))
    }

    /// Appends rows and fsyncs once (a group commit).
    pub(crate) fn append(&mut self, rows: &[ResultRow]) -> Result<()> {
        let mut buf = String::new();
        for row in rows {
            buf.push_str(
                &serde_json::to_string(row)
                    .map_err(|e| Error::Journal { path: self.path.clone(), message: e.to_string() })?,
            );
            buf.push('\n');
        }
        self.file.write_all(buf.as_bytes()).map_err(write_error(&self.path))?;
        self.file.sync_data().map_err(write_error(&self.path))
    }
}
