//! Generic table access: finds `NAME.csv` / `NAME.parquet` in a plan directory, loads it into a
//! polars [`DataFrame`], checks its header and extracts typed columns cell by cell.
//!
//! Every problem becomes a [`Diagnostic`] pushed into a [`Diagnostics`] collector; extraction
//! keeps going after a bad cell so that one run reports every problem of a file.
//!
//! CSV files are parsed by a small RFC 4180 parser in this module rather than by polars' CSV
//! reader: polars silently pads short (ragged) rows, renames duplicate header names, reports
//! malformed rows without a row number and splits quoted fields that contain a line break. Every
//! CSV column becomes a polars `String` column (no type inference), so each cell is validated
//! from its text. Parquet files and in-memory frames keep their polars types ("typed" tables).
//!
//! Rows are counted as a spreadsheet shows them: the header is row 1, the first data row is
//! row 2. Blank lines in a CSV file are skipped but still counted; a quoted value with a line
//! break inside stays one row. (Only "not valid UTF-8" counts physical lines.)

use crate::error::{Diagnostic, Diagnostics, MAX_DIAGNOSTICS};
use chrono::NaiveDate;
use polars::prelude::*;
use std::path::{Path, PathBuf};

/// Where a table's cells come from, which decides how they are interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableSource {
    /// A CSV file: every column is text and is parsed cell by cell.
    Csv,
    /// A Parquet file: columns are typed.
    Parquet,
    /// An in-memory polars frame given by the caller: columns are typed.
    Frame,
}

/// The file format of a table, read (a plan directory) or written (a plan folder).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TableFormat {
    /// `NAME.csv`: comma-separated, UTF-8, header row.
    #[default]
    Csv,
    /// `NAME.parquet`: Apache Parquet.
    Parquet,
}

/// A table file located in a plan directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TableFile {
    /// Full path of the file.
    pub path: PathBuf,
    /// File name as shown in diagnostics (`items.csv`).
    pub file_name: String,
    /// CSV or Parquet.
    pub format: TableFormat,
}

/// The columns a table may have.
#[derive(Debug, Clone, Copy)]
pub struct TableSchema {
    /// Table name without extension (`items`).
    pub name: &'static str,
    /// Columns that must be present.
    pub required: &'static [&'static str],
    /// Columns that may be present.
    pub optional: &'static [&'static str],
}

impl TableSchema {
    /// Every known column, required first.
    pub fn known_columns(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.required.iter().chain(self.optional.iter()).copied()
    }
}

/// One extracted cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<T> {
    /// The cell is empty (or null): the column's default applies.
    Empty,
    /// A valid value.
    Value(T),
    /// The cell is invalid; a diagnostic has already been recorded.
    Invalid,
}

impl<T> Cell<T> {
    /// The value, `default` for an empty cell, `None` for an invalid one.
    pub fn or_default(self, default: T) -> Option<T> {
        match self {
            Cell::Empty => Some(default),
            Cell::Value(value) => Some(value),
            Cell::Invalid => None,
        }
    }

    /// `Some(None)` for an empty cell, `Some(Some(v))` for a value, `None` for an invalid one.
    pub fn optional(self) -> Option<Option<T>> {
        match self {
            Cell::Empty => Some(None),
            Cell::Value(value) => Some(Some(value)),
            Cell::Invalid => None,
        }
    }

    /// The value when there is a valid one.
    pub fn value(self) -> Option<T> {
        match self {
            Cell::Value(value) => Some(value),
            Cell::Empty | Cell::Invalid => None,
        }
    }
}

/// Whether an empty cell is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// An empty cell is an error ("a value is required").
    Required,
    /// An empty cell is [`Cell::Empty`].
    Optional,
}

/// The range rule of a floating-point column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberRule {
    /// A finite number `>= 0`.
    NonNegative,
    /// A finite number `> 0`.
    Positive,
}

/// The largest magnitude any number of a plan directory may have (quantities, costs, times,
/// capacities). The planner solves with a feasibility tolerance of 1e-9 and writes plans to
/// 1e-6; a double holds about 16 significant digits, so beyond 1e12 a unit of the value is no
/// longer represented next to those tolerances, HiGHS refuses or mis-solves the model (an
/// order of 1e300 units made it fail while building), and one such term makes every other
/// cost vanish inside the gap. A larger value is far more likely a spreadsheet accident than
/// a real plan.
pub(crate) const MAX_MAGNITUDE: f64 = 1e12;

impl NumberRule {
    fn accepts(self, value: f64) -> bool {
        value.is_finite()
            && value <= MAX_MAGNITUDE
            && match self {
                NumberRule::NonNegative => value >= 0.0,
                NumberRule::Positive => value > 0.0,
            }
    }

    fn expectation(self) -> &'static str {
        match self {
            NumberRule::NonNegative => "expected a finite number from 0 to 1e12",
            NumberRule::Positive => "expected a finite number > 0 and at most 1e12",
        }
    }
}

/// The inclusive range of a whole-number column (`lead_time`, `period`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WholeRange {
    /// Smallest value allowed.
    pub min: u64,
    /// Largest value allowed, when bounded (e.g. the number of periods).
    pub max: Option<u64>,
}

impl WholeRange {
    /// Largest whole number accepted when no bound is given (keeps later arithmetic safe).
    pub const CEILING: u64 = u32::MAX as u64;

    fn upper(self) -> u64 {
        self.max.unwrap_or(Self::CEILING)
    }

    fn expectation(self) -> String {
        match self.max {
            Some(max) => format!("expected a whole number from {} to {max}", self.min),
            None => format!("expected a whole number >= {}", self.min),
        }
    }
}

/// A loaded table: a polars frame plus where its rows came from.
#[derive(Debug, Clone)]
pub struct Table {
    file_name: String,
    source: TableSource,
    frame: DataFrame,
    /// Spreadsheet row of each frame row when blank CSV lines were skipped; `None` = index + 2.
    row_numbers: Option<Vec<usize>>,
}

/// Finds `NAME.csv` or `NAME.parquet` in `dir`. Both present is an error; neither is `Ok(None)`.
pub(crate) fn find_table(dir: &Path, name: &str) -> Result<Option<TableFile>, Diagnostic> {
    let csv_name = format!("{name}.csv");
    let parquet_name = format!("{name}.parquet");
    let csv_path = dir.join(&csv_name);
    let parquet_path = dir.join(&parquet_name);
    match (csv_path.is_file(), parquet_path.is_file()) {
        (true, true) => Err(Diagnostic::file(
            csv_name.clone(),
            format!("both {csv_name} and {parquet_name} exist; keep only one of them"),
        )),
        (true, false) => Ok(Some(TableFile { path: csv_path, file_name: csv_name, format: TableFormat::Csv })),
        (false, true) => {
            Ok(Some(TableFile { path: parquet_path, file_name: parquet_name, format: TableFormat::Parquet }))
        }
        (false, false) => Ok(None),
    }
}

/// The diagnostic for a required table that is absent.
pub(crate) fn missing_table(dir: &Path, name: &str) -> Diagnostic {
    Diagnostic::file(
        format!("{name}.csv"),
        format!("required table not found: no {name}.csv or {name}.parquet in {}", dir.display()),
    )
}

/// Loads a located table file. On failure the diagnostics are recorded and `None` returned.
pub(crate) fn load_table(file: &TableFile, diags: &mut Diagnostics) -> Option<Table> {
    let loaded = match file.format {
        TableFormat::Csv => std::fs::read(&file.path)
            .map_err(|err| vec![Diagnostic::file(file.file_name.clone(), format!("cannot read the file: {err}"))])
            .and_then(|bytes| parse_csv(&file.file_name, &bytes)),
        TableFormat::Parquet => read_parquet(&file.path, &file.file_name).map_err(|d| vec![d]),
    };
    match loaded {
        Ok(table) => Some(table),
        Err(problems) => {
            problems.into_iter().for_each(|d| diags.push(d));
            None
        }
    }
}

/// Reads a Parquet file into a typed table.
pub(crate) fn read_parquet(path: &Path, file_name: &str) -> Result<Table, Diagnostic> {
    let handle =
        std::fs::File::open(path).map_err(|err| Diagnostic::file(file_name, format!("cannot read the file: {err}")))?;
    let frame = ParquetReader::new(handle)
        .finish()
        .map_err(|err| Diagnostic::file(file_name, format!("not a readable Parquet file: {err}")))?;
    Ok(Table { file_name: file_name.to_string(), source: TableSource::Parquet, frame, row_numbers: None })
}

/// Parses CSV bytes (UTF-8, optional byte-order mark, LF or CRLF line ends, `"` quoting) into a
/// text table. A malformed file gives one diagnostic per problem found, each naming the file and
/// the row.
pub(crate) fn parse_csv(file_name: &str, bytes: &[u8]) -> Result<Table, Vec<Diagnostic>> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf".as_slice()).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|err| {
        let line = 1 + bytes.iter().take(err.valid_up_to()).filter(|&&b| b == b'\n').count();
        vec![Diagnostic {
            file: file_name.to_string(),
            row: Some(line),
            column: None,
            value: None,
            message: "the file is not valid UTF-8; save it as \"CSV UTF-8\"".to_string(),
        }]
    })?;
    let mut parser = CsvParser::new(text);
    let mut header = Record::default();
    loop {
        if !parser.next_record(file_name, &mut header).map_err(|d| vec![d])? {
            return Ok(empty_text_table(file_name));
        }
        if !header.is_blank() {
            break;
        }
    }
    let header_names: Vec<String> =
        (0..header.n_fields()).map(|field_idx| header.field(text, field_idx).trim().to_string()).collect();
    check_duplicate_names(file_name, header.row, &header_names).map_err(|d| vec![d])?;
    build_text_table(file_name, text, &header_names, &mut parser)
}

fn empty_text_table(file_name: &str) -> Table {
    Table { file_name: file_name.to_string(), source: TableSource::Csv, frame: DataFrame::empty(), row_numbers: None }
}

fn check_duplicate_names(file_name: &str, header_row: usize, names: &[String]) -> Result<(), Diagnostic> {
    for (later_idx, name) in names.iter().enumerate() {
        if let Some(first_idx) = names.iter().take(later_idx).position(|earlier| earlier == name) {
            return Err(Diagnostic {
                file: file_name.to_string(),
                row: Some(header_row),
                column: Some(name.clone()),
                value: None,
                message: format!(
                    "column name `{name}` appears twice in the header (columns {} and {}); rename or remove one",
                    first_idx + 1,
                    later_idx + 1
                ),
            });
        }
    }
    Ok(())
}

fn build_text_table(
    file_name: &str,
    text: &str,
    header_names: &[String],
    parser: &mut CsvParser<'_>,
) -> Result<Table, Vec<Diagnostic>> {
    let n_columns = header_names.len();
    let capacity_guess = text.len() / (8 * n_columns.max(1)) + 1;
    let mut builders: Vec<StringChunkedBuilder> = header_names
        .iter()
        .map(|name| StringChunkedBuilder::new(PlSmallStr::from_str(name), capacity_guess.min(1 << 20)))
        .collect();
    let mut row_numbers = Vec::new();
    let mut skipped_blank = false;
    let mut problems = Vec::new();
    let mut record = Record::default();
    loop {
        match parser.next_record(file_name, &mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(diagnostic) => {
                problems.push(diagnostic);
                break;
            }
        }
        if record.is_blank() {
            skipped_blank = true;
            continue;
        }
        if record.n_fields() != n_columns {
            if problems.len() < MAX_DIAGNOSTICS {
                problems.push(ragged_row(file_name, record.row, record.n_fields(), n_columns));
            }
            continue;
        }
        for (field_idx, builder) in builders.iter_mut().enumerate() {
            let field = record.field(text, field_idx);
            if field.is_empty() {
                builder.append_null();
            } else {
                builder.append_value(field);
            }
        }
        row_numbers.push(record.row);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let height = row_numbers.len();
    let columns: Vec<Column> = builders.into_iter().map(|builder| builder.finish().into_series().into()).collect();
    let frame = DataFrame::new(height, columns)
        .map_err(|err| vec![Diagnostic::file(file_name, format!("cannot build the table: {err}"))])?;
    Ok(Table {
        file_name: file_name.to_string(),
        source: TableSource::Csv,
        frame,
        row_numbers: skipped_blank.then_some(row_numbers),
    })
}

fn ragged_row(file_name: &str, row: usize, n_fields: usize, n_columns: usize) -> Diagnostic {
    Diagnostic {
        file: file_name.to_string(),
        row: Some(row),
        column: None,
        value: None,
        message: format!(
            "this row has {n_fields} field{} but the header has {n_columns} column{}; \
             check for a missing or extra comma (quote values that contain commas)",
            if n_fields == 1 { "" } else { "s" },
            if n_columns == 1 { "" } else { "s" },
        ),
    }
}

/// One CSV record: byte ranges of its fields in the text, plus an unescaped copy for quoted
/// fields that contained a doubled quote.
#[derive(Default)]
struct Record {
    row: usize,
    fields: Vec<FieldSpan>,
}

enum FieldSpan {
    Slice(usize, usize),
    Owned(String),
}

impl Record {
    fn n_fields(&self) -> usize {
        self.fields.len()
    }

    fn is_blank(&self) -> bool {
        matches!(self.fields.as_slice(), [FieldSpan::Slice(start, end)] if start == end)
    }

    fn field<'t>(&'t self, text: &'t str, field_idx: usize) -> &'t str {
        match self.fields.get(field_idx) {
            Some(FieldSpan::Slice(start, end)) => text.get(*start..*end).unwrap_or(""),
            Some(FieldSpan::Owned(owned)) => owned.as_str(),
            None => "",
        }
    }
}

/// A streaming RFC 4180 parser over validated UTF-8 text.
struct CsvParser<'t> {
    text: &'t str,
    position: usize,
    row: usize,
}

impl<'t> CsvParser<'t> {
    fn new(text: &'t str) -> Self {
        CsvParser { text, position: 0, row: 0 }
    }

    /// Reads the next record into `record` (its buffer is reused); false at the end of the text.
    fn next_record(&mut self, file_name: &str, record: &mut Record) -> Result<bool, Diagnostic> {
        let bytes = self.text.as_bytes();
        if self.position >= bytes.len() {
            return Ok(false);
        }
        self.row += 1;
        let row = self.row;
        record.row = row;
        let fields = &mut record.fields;
        fields.clear();
        loop {
            let field_start = self.position;
            let (field, terminator) = if bytes.get(field_start) == Some(&b'"') {
                self.quoted_field(file_name, row)?
            } else {
                self.plain_field()
            };
            fields.push(field);
            match terminator {
                Terminator::Comma => continue,
                Terminator::EndOfRecord => break,
            }
        }
        Ok(true)
    }

    /// An unquoted field: up to the next comma or line end.
    fn plain_field(&mut self) -> (FieldSpan, Terminator) {
        let bytes = self.text.as_bytes();
        let start = self.position;
        let mut end = start;
        while let Some(&byte) = bytes.get(end) {
            if byte == b',' || byte == b'\n' || byte == b'\r' {
                break;
            }
            end += 1;
        }
        let terminator = self.consume_terminator(end);
        (FieldSpan::Slice(start, end), terminator)
    }

    /// A field starting with `"`: up to the closing quote; `""` stands for one quote.
    fn quoted_field(&mut self, file_name: &str, row: usize) -> Result<(FieldSpan, Terminator), Diagnostic> {
        let bytes = self.text.as_bytes();
        let content_start = self.position + 1;
        let mut cursor = content_start;
        let mut unescaped: Option<String> = None;
        let mut segment_start = content_start;
        loop {
            match bytes.get(cursor) {
                None => {
                    return Err(bad_quoting(file_name, row, "a quoted field is never closed: add the closing `\"`"))
                }
                Some(b'"') if bytes.get(cursor + 1) == Some(&b'"') => {
                    let owned = unescaped.get_or_insert_with(String::new);
                    owned.push_str(self.text.get(segment_start..=cursor).unwrap_or(""));
                    cursor += 2;
                    segment_start = cursor;
                }
                Some(b'"') => break,
                Some(_) => cursor += 1,
            }
        }
        let content_end = cursor;
        let after_quote = cursor + 1;
        match bytes.get(after_quote) {
            None | Some(b',') | Some(b'\n') | Some(b'\r') => {}
            Some(_) => {
                return Err(bad_quoting(
                    file_name,
                    row,
                    "text follows the closing quote of a field; a `\"` inside a quoted field must be doubled (`\"\"`)",
                ))
            }
        }
        let terminator = self.consume_terminator(after_quote);
        let field = match unescaped {
            Some(mut owned) => {
                owned.push_str(self.text.get(segment_start..content_end).unwrap_or(""));
                FieldSpan::Owned(owned)
            }
            None => FieldSpan::Slice(content_start, content_end),
        };
        Ok((field, terminator))
    }

    /// Moves past the comma or line end at `at`.
    fn consume_terminator(&mut self, at: usize) -> Terminator {
        let bytes = self.text.as_bytes();
        match bytes.get(at) {
            Some(b',') => {
                self.position = at + 1;
                Terminator::Comma
            }
            Some(b'\r') if bytes.get(at + 1) == Some(&b'\n') => {
                self.position = at + 2;
                Terminator::EndOfRecord
            }
            Some(b'\r') | Some(b'\n') => {
                self.position = at + 1;
                Terminator::EndOfRecord
            }
            _ => {
                self.position = bytes.len();
                Terminator::EndOfRecord
            }
        }
    }
}

enum Terminator {
    Comma,
    EndOfRecord,
}

fn bad_quoting(file_name: &str, row: usize, message: &str) -> Diagnostic {
    Diagnostic { file: file_name.to_string(), row: Some(row), column: None, value: None, message: message.to_string() }
}

/// Suggests the candidate closest to `word` (case-insensitive match first, then a small edit
/// distance), for "did you mean" hints.
pub(crate) fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let lowered = word.to_lowercase();
    let limit = (word.chars().count() / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate.to_lowercase() == lowered {
            return Some(candidate);
        }
        let distance = strsim::levenshtein(word, candidate);
        if distance <= limit
            && distance < word.chars().count()
            && best.is_none_or(|(best_distance, _)| distance < best_distance)
        {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

impl Table {
    /// A caller's in-memory frame, shown as `file_name` in diagnostics (e.g. `<orders frame>`).
    pub fn from_frame(file_name: &str, frame: &DataFrame) -> Table {
        Table { file_name: file_name.to_string(), source: TableSource::Frame, frame: frame.clone(), row_numbers: None }
    }

    /// File name as shown in diagnostics.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// Where the cells come from.
    pub fn source(&self) -> TableSource {
        self.source
    }

    /// Number of data rows.
    pub fn height(&self) -> usize {
        self.frame.height()
    }

    /// Spreadsheet row (header = 1) of 0-based data row `row_idx`.
    pub fn row_number(&self, row_idx: usize) -> usize {
        match &self.row_numbers {
            Some(rows) => rows.get(row_idx).copied().unwrap_or(row_idx + 2),
            None => row_idx + 2,
        }
    }

    /// The column names, in the table's order.
    pub fn column_names(&self) -> Vec<String> {
        self.frame.get_column_names().into_iter().map(|name| name.to_string()).collect()
    }

    /// True when the table has this column.
    pub fn has_column(&self, name: &str) -> bool {
        self.frame.column(name).is_ok()
    }

    /// Checks the header against `schema`: every missing required column, every unknown column
    /// (did-you-mean when a known column is close; `x_` columns are allowed, and `opt_<attribute>`
    /// columns in a table with an `options` column). Returns false when
    /// a required column is missing, so that the rows cannot be read.
    pub fn check_header(&self, schema: &TableSchema, diags: &mut Diagnostics) -> bool {
        let found: Vec<&str> = self.frame.get_column_names().into_iter().map(|name| name.as_str()).collect();
        if found.is_empty() {
            diags.push(Diagnostic::file(
                self.file_name.clone(),
                format!(
                    "the file is empty; its first row must name the columns ({})",
                    backticked(schema.known_columns())
                ),
            ));
            return false;
        }
        for name in &found {
            let attribute_column = name.starts_with("opt_") && schema.optional.contains(&"options");
            if name.starts_with("x_") || attribute_column || schema.known_columns().any(|known| known == *name) {
                continue;
            }
            diags.push(self.header_diagnostic(unknown_column_message(name, schema)));
        }
        let mut complete = true;
        for required in schema.required {
            if !found.contains(required) {
                complete = false;
                diags.push(self.header_diagnostic(format!(
                    "missing required column `{required}` (columns found: {})",
                    backticked(found.iter().copied())
                )));
            }
        }
        complete
    }

    fn header_diagnostic(&self, message: String) -> Diagnostic {
        let row = match self.source {
            TableSource::Csv => Some(1),
            TableSource::Parquet | TableSource::Frame => None,
        };
        Diagnostic { file: self.file_name.clone(), row, column: None, value: None, message }
    }

    fn cell_diagnostic(
        &self,
        row_idx: usize,
        column: &str,
        value: impl Into<String>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::cell(self.file_name.clone(), self.row_number(row_idx), column, value, message)
    }

    /// Records a problem about one cell of this table.
    pub fn report(
        &self,
        diags: &mut Diagnostics,
        row_idx: usize,
        column: &str,
        value: impl Into<String>,
        message: impl Into<String>,
    ) {
        diags.push(self.cell_diagnostic(row_idx, column, value, message));
    }

    /// Records a column-level type problem (typed tables only).
    fn wrong_type(&self, diags: &mut Diagnostics, column: &str, expected: &str, found: &DataType) {
        let origin = match self.source {
            TableSource::Parquet => "Parquet column",
            TableSource::Csv | TableSource::Frame => "column",
        };
        diags.push(Diagnostic {
            file: self.file_name.clone(),
            row: None,
            column: Some(column.to_string()),
            value: None,
            message: format!("{origin} of the wrong type: expected {expected}, found {found:?}"),
        });
    }

    /// Applies `need` to an empty cell: `Invalid` plus a diagnostic when a value is required.
    fn empty_cell<T>(&self, diags: &mut Diagnostics, row_idx: usize, column: &str, need: Need) -> Cell<T> {
        match need {
            Need::Optional => Cell::Empty,
            Need::Required => {
                diags.push(Diagnostic {
                    file: self.file_name.clone(),
                    row: Some(self.row_number(row_idx)),
                    column: Some(column.to_string()),
                    value: None,
                    message: "a value is required".to_string(),
                });
                Cell::Invalid
            }
        }
    }

    /// Cells for a column that is absent: empty, or invalid (already reported by the header
    /// check) when required.
    fn absent<T: Copy>(&self, need: Need) -> Vec<Cell<T>> {
        let fill = match need {
            Need::Optional => Cell::Empty,
            Need::Required => Cell::Invalid,
        };
        vec![fill; self.height()]
    }

    /// Identifier (or free text) cells, trimmed.
    pub fn ids<'a>(&'a self, column: &str, need: Need, diags: &mut Diagnostics) -> Vec<Cell<&'a str>> {
        let Ok(series) = self.frame.column(column) else {
            return self.absent(need);
        };
        let series = series.as_materialized_series();
        self.parse_text_cells(series, column, "text (String)", need, diags, Ok)
    }

    /// Numbers with a range rule. Text must parse as a finite number; typed tables need a
    /// numeric column.
    pub fn numbers(&self, column: &str, rule: NumberRule, need: Need, diags: &mut Diagnostics) -> Vec<Cell<f64>> {
        let Ok(series) = self.frame.column(column) else {
            return self.absent(need);
        };
        let series = series.as_materialized_series();
        if series.dtype().is_primitive_numeric() {
            return self.typed_numbers(series, column, need, diags, |value| {
                if rule.accepts(value) {
                    Ok(value)
                } else {
                    Err(rule.expectation().to_string())
                }
            });
        }
        if self.refuse_typed_text(series, column, diags) {
            return vec![Cell::Invalid; self.height()];
        }
        self.parse_text_cells(series, column, "a number", need, diags, |text| match text.parse::<f64>() {
            Ok(value) if rule.accepts(value) => Ok(value),
            _ => Err(rule.expectation().to_string()),
        })
    }

    /// Whole numbers within `range` ("3" is fine; "3.5", "-1", "abc" are not).
    pub fn whole_numbers(
        &self,
        column: &str,
        range: WholeRange,
        need: Need,
        diags: &mut Diagnostics,
    ) -> Vec<Cell<u64>> {
        let Ok(series) = self.frame.column(column) else {
            return self.absent(need);
        };
        let series = series.as_materialized_series();
        let check = |value: f64| -> Result<u64, String> {
            let in_range =
                value.is_finite() && value.fract() == 0.0 && value >= range.min as f64 && value <= range.upper() as f64;
            if in_range {
                Ok(value as u64)
            } else {
                Err(range.expectation())
            }
        };
        if series.dtype().is_primitive_numeric() {
            return self.typed_numbers(series, column, need, diags, check);
        }
        if self.refuse_typed_text(series, column, diags) {
            return vec![Cell::Invalid; self.height()];
        }
        self.parse_text_cells(series, column, "a whole number", need, diags, |text| match text.parse::<u64>() {
            Ok(value) if value >= range.min && value <= range.upper() => Ok(value),
            Ok(_) => Err(range.expectation()),
            Err(_) => text.parse::<f64>().map_err(|_| range.expectation()).and_then(check),
        })
    }

    /// ISO dates (`YYYY-MM-DD`); a typed table may also give a `Date` column.
    pub fn dates(&self, column: &str, need: Need, diags: &mut Diagnostics) -> Vec<Cell<NaiveDate>> {
        let Ok(series) = self.frame.column(column) else {
            return self.absent(need);
        };
        let series = series.as_materialized_series();
        if let DataType::Date = series.dtype() {
            return self.typed_dates(series, column, need, diags);
        }
        self.parse_text_cells(series, column, "a date", need, diags, |text| {
            parse_iso_date(text).ok_or_else(|| "expected a calendar date written YYYY-MM-DD".to_string())
        })
    }

    /// One of a fixed set of words (e.g. `make` / `buy`); the index into `choices`.
    pub fn choices(&self, column: &str, choices: &[&str], need: Need, diags: &mut Diagnostics) -> Vec<Cell<usize>> {
        let Ok(series) = self.frame.column(column) else {
            return self.absent(need);
        };
        let series = series.as_materialized_series();
        let expectation = format!("expected {}", or_list(choices));
        self.parse_text_cells(series, column, "text (String)", need, diags, |text| {
            choices.iter().position(|choice| *choice == text).ok_or_else(|| expectation.clone())
        })
    }

    /// Runs `parse` on every non-empty trimmed cell of a text column (an all-null column is
    /// all empty; any other type is a column-level error naming `expected`).
    fn parse_text_cells<'a, T: Copy>(
        &self,
        series: &'a Series,
        column: &str,
        expected: &str,
        need: Need,
        diags: &mut Diagnostics,
        mut parse: impl FnMut(&'a str) -> Result<T, String>,
    ) -> Vec<Cell<T>> {
        let chunked = match series.dtype() {
            DataType::String => series.str(),
            DataType::Null => {
                return (0..self.height()).map(|row_idx| self.empty_cell(diags, row_idx, column, need)).collect()
            }
            dtype => {
                self.wrong_type(diags, column, expected, dtype);
                return vec![Cell::Invalid; self.height()];
            }
        };
        let Ok(chunked) = chunked else {
            return vec![Cell::Invalid; self.height()];
        };
        let mut cells = Vec::with_capacity(self.height());
        for (row_idx, raw) in chunked.iter().enumerate() {
            let cell = match raw.map(str::trim) {
                None | Some("") => self.empty_cell(diags, row_idx, column, need),
                Some(text) => match parse(text) {
                    Ok(value) => Cell::Value(value),
                    Err(message) => {
                        self.report(diags, row_idx, column, text, message);
                        Cell::Invalid
                    }
                },
            };
            cells.push(cell);
        }
        cells
    }

    /// For a typed table, a text column where a number is expected is a column-level error.
    fn refuse_typed_text(&self, series: &Series, column: &str, diags: &mut Diagnostics) -> bool {
        if self.source != TableSource::Csv && series.dtype() == &DataType::String {
            self.wrong_type(diags, column, "a number", series.dtype());
            return true;
        }
        false
    }

    /// Runs `check` on every value of a numeric column (nulls are empty cells).
    fn typed_numbers<T: Copy>(
        &self,
        series: &Series,
        column: &str,
        need: Need,
        diags: &mut Diagnostics,
        check: impl Fn(f64) -> Result<T, String>,
    ) -> Vec<Cell<T>> {
        let Ok(as_float) = series.cast(&DataType::Float64) else {
            self.wrong_type(diags, column, "a number", series.dtype());
            return vec![Cell::Invalid; self.height()];
        };
        let Ok(values) = as_float.f64() else {
            return vec![Cell::Invalid; self.height()];
        };
        let mut cells = Vec::with_capacity(self.height());
        for (row_idx, raw) in values.iter().enumerate() {
            let cell = match raw {
                None => self.empty_cell(diags, row_idx, column, need),
                Some(value) => match check(value) {
                    Ok(checked) => Cell::Value(checked),
                    Err(message) => {
                        self.report(diags, row_idx, column, value.to_string(), message);
                        Cell::Invalid
                    }
                },
            };
            cells.push(cell);
        }
        cells
    }

    /// The cells of a polars `Date` column.
    fn typed_dates(&self, series: &Series, column: &str, need: Need, diags: &mut Diagnostics) -> Vec<Cell<NaiveDate>> {
        let Ok(dates) = series.date() else {
            return vec![Cell::Invalid; self.height()];
        };
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1);
        let mut cells = Vec::with_capacity(self.height());
        for (row_idx, raw) in dates.physical().iter().enumerate() {
            let cell = match raw {
                None => self.empty_cell(diags, row_idx, column, need),
                Some(days) => {
                    match epoch.and_then(|epoch| epoch.checked_add_signed(chrono::TimeDelta::days(i64::from(days)))) {
                        Some(date) => Cell::Value(date),
                        None => {
                            self.report(diags, row_idx, column, days.to_string(), "date out of range");
                            Cell::Invalid
                        }
                    }
                }
            };
            cells.push(cell);
        }
        cells
    }
}

fn unknown_column_message(name: &str, schema: &TableSchema) -> String {
    if name.is_empty() {
        return "a column has no name in the header; name it or remove it".to_string();
    }
    match closest(name, schema.known_columns()) {
        Some(suggestion) => format!("unknown column `{name}`; did you mean `{suggestion}`?"),
        None => format!(
            "unknown column `{name}`; the known columns are {} (prefix your own columns with `x_`)",
            backticked(schema.known_columns())
        ),
    }
}

/// `a`, `b`, `c` with backticks.
pub(crate) fn backticked<'s>(names: impl Iterator<Item = &'s str>) -> String {
    names.map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ")
}

/// `` `a`, `b` or `c` ``.
pub(crate) fn or_list(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [only] => format!("`{only}`"),
        [init @ .., last] => format!("{} or `{last}`", backticked(init.iter().copied())),
    }
}

/// Parses exactly `YYYY-MM-DD` into a calendar date.
pub(crate) fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = bytes.get(range)?;
        part.iter().try_fold(0u32, |acc, &byte| byte.is_ascii_digit().then(|| acc * 10 + u32::from(byte - b'0')))
    };
    let year = i32::try_from(digits(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &str) -> Table {
        parse_csv("t.csv", text.as_bytes()).unwrap_or_else(|problems| panic!("refused: {problems:?}"))
    }

    fn messages(diags: Diagnostics) -> Vec<String> {
        diags.into_problems().diagnostics.iter().map(ToString::to_string).collect()
    }

    fn texts(table: &Table, column: &str) -> Vec<Option<String>> {
        let mut diags = Diagnostics::new();
        let cells = table.ids(column, Need::Optional, &mut diags);
        assert!(diags.is_empty());
        cells.into_iter().map(|cell| cell.value().map(str::to_string)).collect()
    }

    const SCHEMA: TableSchema =
        TableSchema { name: "t", required: &["item", "kind"], optional: &["holding_cost", "lead_time"] };

    #[test]
    fn csv_handles_bom_crlf_quotes_and_blank_lines() {
        let table = csv("\u{feff}item,note\r\n\"a,b\",\"say \"\"hi\"\"\"\r\n\r\nc,\"two\nlines\"\r\n d ,\n");
        assert_eq!(texts(&table, "item"), [Some("a,b".into()), Some("c".into()), Some("d".into())]);
        assert_eq!(texts(&table, "note"), [Some("say \"hi\"".into()), Some("two\nlines".into()), None]);
        // Row 3 is the blank line; the record with a line break inside quotes is row 4.
        let rows: Vec<usize> = (0..table.height()).map(|row_idx| table.row_number(row_idx)).collect();
        assert_eq!(rows, [2, 4, 5]);
    }

    #[test]
    fn csv_header_only_and_empty_files() {
        let header_only = csv("item,kind\n");
        assert_eq!(header_only.height(), 0);
        assert!(header_only.has_column("kind"));
        let mut diags = Diagnostics::new();
        assert!(!csv("").check_header(&SCHEMA, &mut diags));
        assert_eq!(
            messages(diags),
            ["t.csv: the file is empty; its first row must name the columns (`item`, `kind`, `holding_cost`, `lead_time`)"]
        );
    }

    #[test]
    fn csv_malformed_rows_are_located() {
        let problems = parse_csv("t.csv", b"a,b\n1\n1,2\n1,2,3\n").expect_err("ragged");
        let rows: Vec<Option<usize>> = problems.iter().map(|d| d.row).collect();
        assert_eq!(rows, [Some(2), Some(4)]);
        let unclosed = parse_csv("t.csv", b"a,b\n1,2\n\"x,2\n").expect_err("unclosed");
        assert_eq!(unclosed[0].row, Some(3));
        let after_quote = parse_csv("t.csv", b"a,b\n\"x\"y,2\n").expect_err("text after quote");
        assert!(after_quote[0].message.contains("must be doubled"));
        let not_utf8 = parse_csv("t.csv", b"a,b\n1,2\n3,\xff\n").expect_err("not utf-8");
        assert_eq!(not_utf8[0].row, Some(3));
        let duplicate = parse_csv("t.csv", b"a,b,a\n1,2,3\n").expect_err("duplicate header");
        assert!(duplicate[0].message.contains("columns 1 and 3"));
    }

    #[test]
    fn header_check_reports_unknown_and_missing_columns() {
        let table = csv("item,holdng_cost,x_mine,zzz\nA,1,,\n");
        let mut diags = Diagnostics::new();
        assert!(!table.check_header(&SCHEMA, &mut diags));
        let found = messages(diags);
        assert_eq!(found[0], "t.csv, row 1: unknown column `holdng_cost`; did you mean `holding_cost`?");
        assert!(found[1].starts_with("t.csv, row 1: unknown column `zzz`; the known columns are"));
        assert_eq!(
            found[2],
            "t.csv, row 1: missing required column `kind` (columns found: `item`, `holdng_cost`, `x_mine`, `zzz`)"
        );
        assert_eq!(found.len(), 3);
    }

    #[test]
    fn numbers_beyond_the_magnitude_limit_are_refused() {
        let table = csv("v\n1e12\n1000000000001\n1e300\n");
        let mut diags = Diagnostics::new();
        let cells = table.numbers("v", NumberRule::Positive, Need::Required, &mut diags);
        assert_eq!(cells, [Cell::Value(1e12), Cell::Invalid, Cell::Invalid]);
        assert_eq!(
            messages(diags)[1],
            "t.csv, row 4, column v, value \"1e300\": expected a finite number > 0 and at most 1e12"
        );
    }

    #[test]
    fn numbers_follow_their_rule() {
        let table = csv("v\n0\n2.5\n-1\nNaN\ninf\n-inf\n1e999\nabc\n\n 7 \n");
        let mut diags = Diagnostics::new();
        let cells = table.numbers("v", NumberRule::NonNegative, Need::Optional, &mut diags);
        use Cell::{Empty, Invalid, Value};
        // The blank line is skipped, so "7" is the 9th cell.
        assert_eq!(cells, [Value(0.0), Value(2.5), Invalid, Invalid, Invalid, Invalid, Invalid, Invalid, Value(7.0)]);
        assert_eq!(diags.len(), 6);
        let mut diags = Diagnostics::new();
        let positive = table.numbers("v", NumberRule::Positive, Need::Optional, &mut diags);
        assert_eq!(positive[0], Invalid);
        assert_eq!(
            messages(diags)[0],
            "t.csv, row 2, column v, value \"0\": expected a finite number > 0 and at most 1e12"
        );
        let empties = csv("v,w\n,1\n");
        let mut diags = Diagnostics::new();
        assert_eq!(empties.numbers("v", NumberRule::Positive, Need::Optional, &mut diags), [Empty]);
        assert_eq!(empties.numbers("v", NumberRule::Positive, Need::Required, &mut diags), [Invalid]);
        assert_eq!(empties.numbers("absent", NumberRule::Positive, Need::Optional, &mut diags), [Empty]);
        assert_eq!(messages(diags), ["t.csv, row 2, column v: a value is required"]);
    }

    #[test]
    fn whole_numbers_accept_integers_only() {
        let table = csv("p\n3\n3.0\n3.5\n-1\nabc\n0\n5\n");
        let mut diags = Diagnostics::new();
        let range = WholeRange { min: 1, max: Some(4) };
        let cells = table.whole_numbers("p", range, Need::Required, &mut diags);
        use Cell::{Invalid, Value};
        assert_eq!(cells, [Value(3), Value(3), Invalid, Invalid, Invalid, Invalid, Invalid]);
        assert_eq!(messages(diags)[4], "t.csv, row 8, column p, value \"5\": expected a whole number from 1 to 4");
    }

    #[test]
    fn dates_and_choices() {
        let table = csv("d,k\n2026-01-05,make\n2026-02-30,buy\n2026-1-5,Make\n");
        let mut diags = Diagnostics::new();
        let dates = table.dates("d", Need::Required, &mut diags);
        assert_eq!(dates[0], Cell::Value(NaiveDate::from_ymd_opt(2026, 1, 5).expect("date")));
        assert_eq!(&dates[1..], [Cell::Invalid, Cell::Invalid]);
        let kinds = table.choices("k", &["make", "buy"], Need::Required, &mut diags);
        assert_eq!(kinds, [Cell::Value(0), Cell::Value(1), Cell::Invalid]);
        assert_eq!(messages(diags)[2], "t.csv, row 4, column k, value \"Make\": expected `make` or `buy`");
    }

    #[test]
    fn typed_frames_keep_their_types() {
        let epoch_days = Column::new("d".into(), [20458i32, 0]).cast(&DataType::Date).expect("date");
        let frame = DataFrame::new(
            2,
            vec![
                Column::new("int".into(), [3i64, -2]),
                Column::new("float".into(), [Some(1.5f64), None]),
                Column::new("text".into(), ["1", "2"]),
                epoch_days,
            ],
        )
        .expect("frame");
        let table = Table::from_frame("<f>", &frame);
        let mut diags = Diagnostics::new();
        use Cell::{Empty, Invalid, Value};
        assert_eq!(table.numbers("int", NumberRule::NonNegative, Need::Optional, &mut diags), [Value(3.0), Invalid]);
        assert_eq!(table.numbers("float", NumberRule::Positive, Need::Optional, &mut diags), [Value(1.5), Empty]);
        let whole = WholeRange { min: 0, max: None };
        assert_eq!(table.whole_numbers("float", whole, Need::Optional, &mut diags), [Invalid, Empty]);
        assert_eq!(table.numbers("text", NumberRule::Positive, Need::Optional, &mut diags), [Invalid, Invalid]);
        let dates = table.dates("d", Need::Required, &mut diags);
        assert_eq!(dates, [Value(NaiveDate::from_ymd_opt(2026, 1, 5).expect("d")), Value(NaiveDate::default())]);
        assert_eq!(
            messages(diags),
            [
                "<f>, row 3, column int, value \"-2\": expected a finite number from 0 to 1e12",
                "<f>, row 2, column float, value \"1.5\": expected a whole number >= 0",
                "<f>, column text: column of the wrong type: expected a number, found String",
            ]
        );
    }

    #[test]
    fn closest_prefers_case_then_small_edits() {
        let known = ["holding_cost", "unit_cost", "A", "LINE1"];
        assert_eq!(closest("holdng_cost", known), Some("holding_cost"));
        assert_eq!(closest("Unit_Cost", known), Some("unit_cost"));
        assert_eq!(closest("a", known), Some("A"));
        assert_eq!(closest("Z", known), None, "one letter away from a one-letter id is no hint");
        assert_eq!(closest("LINE9", known), Some("LINE1"));
        assert_eq!(closest("colour", known), None);
    }

    #[test]
    fn iso_dates_are_strict() {
        assert_eq!(parse_iso_date("2024-02-29"), NaiveDate::from_ymd_opt(2024, 2, 29));
        for bad in ["2023-02-29", "2026-1-05", "2026/01/05", "20260105", "2026-01-05T00", "２０２６-01-05"] {
            assert_eq!(parse_iso_date(bad), None, "{bad}");
        }
    }
}
