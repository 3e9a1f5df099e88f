//! The `.dbf` beside a shapefile: its rows as JSON properties, read strictly as UTF-8, with the
//! position of each row known (the dBase reader skips deleted rows without saying which).

use std::cell::Cell;
use std::fs::File;
use std::io::{BufReader, ErrorKind, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use serde_json::{Map, Value};
use shapefile::dbase::{self, FieldIterator, FieldValue, ReadableRecord};

use super::{format_error, io};
use crate::import::source::ReadError;

/// A `Read + Seek` that tells where it is, so that the row each `.dbf` item came from is known
/// (the dBase reader skips deleted rows without saying so).
struct Tracked<R> {
    inner: R,
    at: Rc<Cell<u64>>,
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.at.set(self.at.get() + n as u64);
        Ok(n)
    }
}

impl<R: Seek> Seek for Tracked<R> {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        let p = self.inner.seek(pos)?;
        self.at.set(p);
        Ok(p)
    }
}

/// An open `.dbf`.
pub(super) struct Dbf {
    reader: dbase::Reader<Tracked<BufReader<File>>>,
    at: Rc<Cell<u64>>,
    path: PathBuf,
}

/// What the next `.dbf` row is.
pub(super) enum Next {
    /// A row that is not deleted: its 0-based index, and its fields or why they are unreadable.
    Row(u64, Result<Row, String>),
    /// No more rows.
    End,
    /// The file ends before its last row.
    Truncated,
}

impl Dbf {
    /// Opens the `.dbf` and reads its header and field list.
    pub(super) fn open(
        path: &Path,
        encoding: Option<&'static shapefile::dbase::encoding_rs::Encoding>,
    ) -> Result<Dbf, ReadError> {
        let at = Rc::new(Cell::new(0));
        let file = File::open(path).map_err(|e| io(path, e))?;
        let source = Tracked {
            inner: BufReader::new(file),
            at: at.clone(),
        };
        let builder = dbase::ReaderBuilder::new();
        let builder = match encoding {
            Some(e) => builder.with_encoding(dbase::encoding::EncodingRs::from(e)),
            None => builder.with_encoding(dbase::Unicode),
        };
        let reader = builder.build(source).map_err(|e| format_error(path, e))?;
        Ok(Dbf {
            reader,
            at,
            path: path.to_path_buf(),
        })
    }

    /// The rows, in order.
    pub(super) fn rows(&mut self) -> Rows<'_> {
        let header = self.reader.header();
        let first = u64::from(header.offset_to_first_record);
        let len = u64::from(header.size_of_record).max(1);
        let count = u64::from(header.num_records);
        Rows {
            iter: self.reader.iter_records_as::<Row>(),
            at: self.at.clone(),
            first,
            len,
            count,
            path: &self.path,
        }
    }
}

/// The rows of a `.dbf`, deleted ones skipped.
pub(super) struct Rows<'a> {
    iter: dbase::RecordIterator<'a, Tracked<BufReader<File>>, Row>,
    at: Rc<Cell<u64>>,
    first: u64,
    len: u64,
    count: u64,
    path: &'a Path,
}

impl Rows<'_> {
    /// How many rows the header declares, deleted ones included.
    pub(super) fn count(&self) -> u64 {
        self.count
    }

    /// The next row that is not deleted. An I/O error other than a short file is fatal.
    pub(super) fn next(&mut self) -> Result<Next, ReadError> {
        match self.iter.next() {
            None => Ok(Next::End),
            Some(Err(e)) => match e.kind() {
                dbase::ErrorKind::IoError(io) if io.kind() == ErrorKind::UnexpectedEof => {
                    Ok(Next::Truncated)
                }
                dbase::ErrorKind::IoError(_) => Err(format_error(self.path, e)),
                _ => Ok(Next::Row(
                    self.index(),
                    Err(format!("unreadable .dbf row: {e}")),
                )),
            },
            Some(Ok(row)) => Ok(Next::Row(self.index(), Ok(row))),
        }
    }

    /// Index of the row just read, from where the reader now is.
    fn index(&self) -> u64 {
        (self.at.get().saturating_sub(self.first) / self.len).saturating_sub(1)
    }
}

/// One `.dbf` row: its fields, in order, as JSON (nulls left out).
pub(super) struct Row(pub(super) Map<String, Value>);

impl ReadableRecord for Row {
    fn read_using<S, M>(fields: &mut FieldIterator<S, M>) -> Result<Self, dbase::FieldError>
    where
        S: Read + Seek,
        M: Read + Seek,
    {
        let mut map = Map::new();
        for field in fields {
            let field = field?;
            if let Some(v) = field_json(field.value) {
                map.insert(field.name.to_string(), v);
            }
        }
        Ok(Row(map))
    }
}

/// A dBase value as JSON; `None` for a null. Numeric values that are whole numbers become
/// integers; a `Float` keeps its shortest decimal form (0.1, not 0.10000000149).
fn field_json(v: FieldValue) -> Option<Value> {
    let number = |x: f64| {
        if x.fract() == 0.0 && x.abs() < 9.0e15 {
            Some(Value::from(x as i64))
        } else {
            serde_json::Number::from_f64(x).map(Value::Number)
        }
    };
    match v {
        FieldValue::Character(s) => s.map(Value::String),
        FieldValue::Memo(s) => Some(Value::String(s)),
        FieldValue::Numeric(x) => x.and_then(number),
        FieldValue::Float(x) => x.and_then(|x| number(x.to_string().parse().ok()?)),
        FieldValue::Integer(i) => Some(Value::from(i)),
        FieldValue::Currency(x) | FieldValue::Double(x) => {
            serde_json::Number::from_f64(x).map(Value::Number)
        }
        FieldValue::Logical(b) => b.map(Value::Bool),
        FieldValue::Date(d) => {
            d.map(|d| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()).into())
        }
        FieldValue::DateTime(t) => {
            let (d, t) = (t.date(), t.time());
            Some(Value::String(format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                d.year(),
                d.month(),
                d.day(),
                t.hours(),
                t.minutes(),
                t.seconds()
            )))
        }
    }
}
