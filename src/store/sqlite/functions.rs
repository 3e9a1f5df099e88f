//! The SQL functions the GeoPackage R-tree extension's triggers call (`ST_MinX`, `ST_MaxX`,
//! `ST_MinY`, `ST_MaxY`, `ST_IsEmpty`, GeoPackage 1.3 clause F.3), registered on every connection
//! madinati opens, so that inserting a feature keeps `rtree_<table>_geom` up to date in the same
//! transaction. GDAL and QGIS register their own when they open the file.
//!
//! SQLite's C API is reached through `libsqlite3-sys` (the library sqlx links); this is the one
//! place in the store with `unsafe` code, kept to reading an argument blob and setting a result.

use std::ffi::{CString, c_int};
use std::ptr::NonNull;

use libsqlite3_sys as ffi;

use super::gpkg_blob;

#[derive(Clone, Copy)]
enum Part {
    MinX,
    MaxX,
    MinY,
    MaxY,
    IsEmpty,
}

/// The blob of the first argument, or `None` (SQL NULL, not a blob).
///
/// # Safety
/// `argv` must be the argument array SQLite passed to a function of one argument.
unsafe fn blob_arg<'a>(argv: *mut *mut ffi::sqlite3_value) -> Option<&'a [u8]> {
    // SAFETY: SQLite guarantees one valid argument for a function registered with nArg = 1.
    unsafe {
        let v = *argv;
        if ffi::sqlite3_value_type(v) != ffi::SQLITE_BLOB {
            return None;
        }
        let p = ffi::sqlite3_value_blob(v) as *const u8;
        let n = ffi::sqlite3_value_bytes(v);
        if p.is_null() || n <= 0 {
            return Some(&[]);
        }
        Some(std::slice::from_raw_parts(p, n as usize))
    }
}

unsafe extern "C" fn call(
    ctx: *mut ffi::sqlite3_context,
    argc: c_int,
    argv: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: user data is a `Part` leaked at registration; SQLite passes the arguments as
    // registered (one).
    unsafe {
        let part = *(ffi::sqlite3_user_data(ctx) as *const Part);
        if argc != 1 {
            ffi::sqlite3_result_null(ctx);
            return;
        }
        let Some(blob) = blob_arg(argv) else {
            ffi::sqlite3_result_null(ctx);
            return;
        };
        match (part, gpkg_blob::envelope(blob)) {
            (Part::IsEmpty, Ok(e)) => ffi::sqlite3_result_int(ctx, c_int::from(e.is_none())),
            (_, Ok(None)) | (_, Err(_)) => ffi::sqlite3_result_null(ctx),
            (p, Ok(Some(b))) => ffi::sqlite3_result_double(
                ctx,
                match p {
                    Part::MinX => b.min_x,
                    Part::MaxX => b.max_x,
                    Part::MinY => b.min_y,
                    _ => b.max_y,
                },
            ),
        }
    }
}

static PARTS: [(&str, Part); 5] = [
    ("ST_MinX", Part::MinX),
    ("ST_MaxX", Part::MaxX),
    ("ST_MinY", Part::MinY),
    ("ST_MaxY", Part::MaxY),
    ("ST_IsEmpty", Part::IsEmpty),
];

/// Registers the functions on a connection; an error names the function SQLite refused.
pub fn register(db: NonNull<ffi::sqlite3>) -> Result<(), String> {
    for (name, part) in &PARTS {
        let cname = CString::new(*name).map_err(|e| e.to_string())?;
        // SAFETY: `db` is a live connection handle held locked by the caller; the name is a
        // valid C string; the user data points into a static; the callback matches the
        // signature SQLite expects.
        let rc = unsafe {
            ffi::sqlite3_create_function_v2(
                db.as_ptr(),
                cname.as_ptr(),
                1,
                ffi::SQLITE_UTF8 | ffi::SQLITE_DETERMINISTIC,
                part as *const Part as *mut std::ffi::c_void,
                Some(call),
                None,
                None,
                None,
            )
        };
        if rc != ffi::SQLITE_OK {
            return Err(format!("cannot register {name} (SQLite code {rc})"));
        }
    }
    Ok(())
}

/// Whether the connection is inside a transaction (SQLite's autocommit mode is off).
pub(super) fn in_transaction(db: NonNull<ffi::sqlite3>) -> bool {
    // SAFETY: `db` is the open connection sqlx locked for the caller; `sqlite3_get_autocommit`
    // only reads its flag.
    unsafe { ffi::sqlite3_get_autocommit(db.as_ptr()) == 0 }
}
