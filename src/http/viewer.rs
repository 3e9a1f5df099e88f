//! The map viewer: the page (`GET /` for browsers, see `ogc::landing`), its assets under
//! `/viewer/`, the glyph PBFs of the map's labels under `/fonts/{fontstack}/{range}.pbf`, and the
//! MapLibre styles under `/styles/{name}.json`.
//!
//! The page is the npm project in `web-viewer/`, built into `web-viewer/dist/`; the styles are the
//! files of `styles/`. Both directories default to the source tree this binary was built from
//! (`CARGO_MANIFEST_DIR`) and are set by `viewer_dir`/`styles_dir` in the configuration (see
//! [`set_paths`]). Styles are written with root-relative URLs (`/tiles/...`, `/fonts/...`) and
//! served with absolute ones for the host the client reached, because MapLibre resolves a style's
//! URLs against nothing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use axum::Router;
use axum::body::Body;
use axum::extract::Path as UrlPath;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use serde_json::Value;
use tower_http::services::ServeDir;

use super::{ApiError, AppState};

/// Where the viewer's files are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewerPaths {
    /// The npm project of the page (`web-viewer/`): the page is served from its `dist/`.
    pub viewer_dir: PathBuf,
    /// The MapLibre style documents (`styles/`), one `<name>.json` a style.
    pub styles_dir: PathBuf,
}

impl Default for ViewerPaths {
    fn default() -> ViewerPaths {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        ViewerPaths {
            viewer_dir: root.join("web-viewer"),
            styles_dir: root.join("styles"),
        }
    }
}

impl ViewerPaths {
    /// The built page's directory.
    pub fn dist(&self) -> PathBuf {
        self.viewer_dir.join("dist")
    }

    /// The built page.
    pub fn index_html(&self) -> PathBuf {
        self.dist().join("index.html")
    }
}

static PATHS: OnceLock<ViewerPaths> = OnceLock::new();

/// Sets where the viewer and styles are, for every router built afterwards; call once at
/// start-up, before `http::router` (later calls are ignored, and return false).
pub fn set_paths(paths: ViewerPaths) -> bool {
    PATHS.set(paths).is_ok()
}

/// The paths in force: those given to [`set_paths`], else the source tree's.
pub fn paths() -> ViewerPaths {
    PATHS.get().cloned().unwrap_or_default()
}

/// The viewer's routes (the page itself is `GET /`, answered through [`page`]).
pub fn routes() -> Router<AppState> {
    let p = paths();
    Router::new()
        .route("/styles/{file}", get(style))
        .nest_service("/viewer", ServeDir::new(p.dist()))
        .nest_service("/fonts", ServeDir::new(p.dist().join("fonts")))
}

/// True when the client wants the page rather than JSON: `f=html`, or, without `f`, an `Accept`
/// header that ranks `text/html` above JSON (browsers do; curl, GDAL and QGIS do not). A tie goes
/// to JSON.
pub fn wants_html(headers: &HeaderMap, f: Option<&str>) -> bool {
    match f {
        Some(f) => f.eq_ignore_ascii_case("html"),
        None => {
            let accept = headers
                .get_all(header::ACCEPT)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect::<Vec<_>>()
                .join(",");
            let html = media_quality(&accept, "text", "html", false);
            let json = media_quality(&accept, "application", "json", true);
            html > json
        }
    }
}

/// The quality `accept` gives `kind/sub`: the most specific matching entry's `q` (default 1), or
/// 0. Wildcards (`*/*`, `kind/*`) count only when `wildcards` is set, so a browser's `*/*;q=0.8`
/// never makes it look like it wants HTML less than a JSON client that sent nothing.
fn media_quality(accept: &str, kind: &str, sub: &str, wildcards: bool) -> f32 {
    let mut best: Option<(u8, f32)> = None;
    for entry in accept.split(',') {
        let mut parts = entry.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let Some((k, s)) = media.split_once('/') else {
            continue;
        };
        let specificity = match (k == kind, s == sub, k == "*", s == "*") {
            (true, true, _, _) => 2,
            (true, false, _, true) if wildcards => 1,
            (false, _, true, true) if wildcards => 0,
            _ => continue,
        };
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0)
            .clamp(0.0, 1.0);
        if best.is_none_or(|(sp, _)| specificity > sp) {
            best = Some((specificity, q));
        }
    }
    best.map_or(0.0, |(_, q)| q)
}

/// The map page, or, when the viewer is not built, a page that says how to build it (503).
pub async fn page() -> Response {
    let p = paths();
    match tokio::fs::read(p.index_html()).await {
        Ok(bytes) => html(StatusCode::OK, bytes),
        Err(e) => {
            tracing::warn!(path = %p.index_html().display(), "the map page is not built: {e}");
            html(
                StatusCode::SERVICE_UNAVAILABLE,
                not_built_page(&p).into_bytes(),
            )
        }
    }
}

fn html(status: StatusCode, bytes: Vec<u8>) -> Response {
    let mut res = Response::new(Body::from(bytes));
    *res.status_mut() = status;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn not_built_page(p: &ViewerPaths) -> String {
    let dir = escape_html(&p.viewer_dir.display().to_string());
    format!(
        "<!doctype html>\n<html lang=\"ar\" dir=\"rtl\"><head><meta charset=\"utf-8\">\
         <title>مدينتي · My City</title></head><body>\n\
         <h1>مدينتي · <span lang=\"en\">My City</span></h1>\n\
         <p>الخريطة غير مبنية بعد. ثبّت Node.js (الإصدار 20 أو أحدث) ثم نفّذ الأوامر أدناه وأعد تشغيل الخادم.</p>\n\
         <div dir=\"ltr\" lang=\"en\"><p>The map viewer is not built. Install Node.js 20 or later \
         (with npm), then run:</p>\n<pre>cd {dir}\nnpm ci\nnpm run build</pre>\n\
         <p>and reload this page (<code>madinati demo</code> and <code>madinati serve</code> do this \
         themselves at start-up when npm is installed). The APIs work meanwhile: \
         <a href=\"/?f=json\">/?f=json</a>, <a href=\"/collections\">/collections</a>.</p></div>\n\
         </body></html>\n"
    )
}

/// `GET /styles/{name}.json`: the style with its URLs made absolute for this client.
async fn style(UrlPath(file): UrlPath<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    let p = paths();
    let known = style_names(&p.styles_dir).await;
    let name = file.strip_suffix(".json").unwrap_or("");
    if !known.iter().any(|k| k == name) {
        return Err(ApiError::NotFound(format!(
            "no style {file:?}: the styles are {}",
            if known.is_empty() {
                "none (the styles directory is empty or missing)".to_string()
            } else {
                known
                    .iter()
                    .map(|k| format!("/styles/{k}.json"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        )));
    }
    let path = p.styles_dir.join(format!("{name}.json"));
    let text = tokio::fs::read_to_string(&path).await.map_err(|e| {
        ApiError::Internal(format!("cannot read the style {}: {e}", path.display()))
    })?;
    let mut doc: Value = serde_json::from_str(&text).map_err(|e| {
        ApiError::Internal(format!("the style {} is not JSON: {e}", path.display()))
    })?;
    absolutize(&mut doc, &super::ogc::base_url(&headers));
    let bytes = serde_json::to_vec(&doc).map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut res = Response::new(Body::from(bytes));
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(res)
}

/// The style names: the `*.json` files of `dir` whose stem is a plain name, sorted.
async fn style_names(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    let Ok(mut entries) = tokio::fs::read_dir(dir).await else {
        return names;
    };
    while let Ok(Some(entry)) = entries.next_entry().await {
        let file = entry.file_name();
        let Some(stem) = file.to_str().and_then(|f| f.strip_suffix(".json")) else {
            continue;
        };
        if !stem.is_empty()
            && stem
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            names.push(stem.to_string());
        }
    }
    names.sort();
    names
}

/// Prefixes every root-relative URL of a style (sources' `url` and `tiles`, `glyphs`, `sprite`,
/// `font-faces`) with `base` (`http://host:port`); an empty base leaves them as they are.
pub fn absolutize(style: &mut Value, base: &str) {
    if base.is_empty() {
        return;
    }
    let fix = |v: &mut Value| {
        if let Some(s) = v.as_str()
            && s.starts_with('/')
            && !s.starts_with("//")
        {
            *v = Value::String(format!("{base}{s}"));
        }
    };
    if let Some(sources) = style.get_mut("sources").and_then(Value::as_object_mut) {
        for source in sources.values_mut() {
            if let Some(url) = source.get_mut("url") {
                fix(url);
            }
            if let Some(tiles) = source.get_mut("tiles").and_then(Value::as_array_mut) {
                tiles.iter_mut().for_each(fix);
            }
        }
    }
    if let Some(glyphs) = style.get_mut("glyphs") {
        fix(glyphs);
    }
    match style.get_mut("sprite") {
        Some(Value::Array(sprites)) => {
            for s in sprites {
                if let Some(url) = s.get_mut("url") {
                    fix(url);
                }
            }
        }
        Some(sprite) => fix(sprite),
        None => {}
    }
    if let Some(faces) = style.get_mut("font-faces").and_then(Value::as_object_mut) {
        for face in faces.values_mut() {
            match face {
                Value::Array(files) => {
                    for f in files {
                        if let Some(url) = f.get_mut("url") {
                            fix(url);
                        }
                    }
                }
                other => fix(other),
            }
        }
    }
}

/// What [`ensure_built`] found or did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ViewerBuild {
    /// `dist/index.html` was there already.
    Present,
    /// Built now with npm.
    Built,
    /// Not built (the reason was logged); `GET /` says how to build it.
    Missing(String),
}

/// Builds the map page when `dist/index.html` is missing: `npm ci` then `npm run build` in the
/// viewer's directory, their output shown as they run. Without npm, or when the build fails, it
/// logs a warning and the server answers `GET /` with a page that says how to build the viewer.
/// Concurrent processes wait for one build (a lock file in the viewer's directory).
/// Blocking: call it from `spawn_blocking` or before the runtime serves.
pub fn ensure_built(paths: &ViewerPaths) -> ViewerBuild {
    if paths.index_html().is_file() {
        return ViewerBuild::Present;
    }
    let dir = &paths.viewer_dir;
    let missing = |reason: String| {
        tracing::warn!(
            "the map viewer is not built ({reason}); the APIs work, and GET / explains how to build it: cd {} && npm ci && npm run build",
            dir.display()
        );
        ViewerBuild::Missing(reason)
    };
    if !dir.join("package.json").is_file() {
        return missing(format!("no package.json in {}", dir.display()));
    }
    let npm_works = Command::new("npm")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !npm_works {
        return missing("npm is not installed: install Node.js 20 or later with npm".into());
    }
    let lock = match std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(".build.lock"))
    {
        Ok(f) => f,
        Err(e) => return missing(format!("cannot write in {}: {e}", dir.display())),
    };
    if let Err(e) = lock.lock() {
        return missing(format!("cannot lock {}: {e}", dir.display()));
    }
    if paths.index_html().is_file() {
        return ViewerBuild::Built; // another process built it while we waited
    }
    let mut out = std::io::stderr();
    for args in [
        &["ci", "--no-audit", "--no-fund"][..],
        &["run", "build"][..],
    ] {
        let _ = writeln!(
            out,
            "building the map viewer (first run): npm {} in {}",
            args.join(" "),
            dir.display()
        );
        // npm's own output goes to our stderr so stdout stays the program's.
        let status = Command::new("npm")
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(std::io::stderr())
            .stderr(std::io::stderr())
            .status();
        match status {
            Ok(s) if s.success() => {}
            Ok(s) => return missing(format!("npm {} failed ({s})", args.join(" "))),
            Err(e) => return missing(format!("cannot run npm {}: {e}", args.join(" "))),
        }
    }
    if paths.index_html().is_file() {
        let _ = writeln!(out, "map viewer built in {}", paths.dist().display());
        ViewerBuild::Built
    } else {
        missing(format!(
            "npm run build did not write {}",
            paths.index_html().display()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn browsers_get_the_page_and_api_clients_json() {
        let chrome =
            "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
        assert!(wants_html(&accept(chrome), None));
        assert!(!wants_html(&accept(chrome), Some("json")));
        assert!(wants_html(&accept("application/json"), Some("html")));
        assert!(!wants_html(&accept("*/*"), None));
        assert!(!wants_html(&HeaderMap::new(), None));
        assert!(!wants_html(&accept("application/json"), None));
        assert!(!wants_html(&accept("text/html, application/json"), None));
        assert!(!wants_html(
            &accept("application/json, text/html;q=0.5"),
            None
        ));
        assert!(wants_html(&accept("text/html, application/*;q=0.5"), None));
        assert!(!wants_html(&accept("text/html;q=0, */*"), None));
    }

    #[test]
    fn root_relative_urls_become_absolute() {
        let mut style = json!({
            "sources": {
                "a": {"type": "vector", "url": "/tiles/x.json"},
                "b": {"type": "vector", "tiles": ["/t/{z}/{x}/{y}.mvt", "https://other/t"]},
                "c": {"type": "raster", "url": "//cdn/x"}
            },
            "glyphs": "/fonts/{fontstack}/{range}.pbf",
            "sprite": [{"id": "default", "url": "/sprites/s"}],
            "font-faces": {"F": [{"url": "/f.woff2"}], "G": "/g.ttf"}
        });
        absolutize(&mut style, "http://h:1");
        assert_eq!(style["sources"]["a"]["url"], "http://h:1/tiles/x.json");
        assert_eq!(
            style["sources"]["b"]["tiles"][0],
            "http://h:1/t/{z}/{x}/{y}.mvt"
        );
        assert_eq!(style["sources"]["b"]["tiles"][1], "https://other/t");
        assert_eq!(style["sources"]["c"]["url"], "//cdn/x");
        assert_eq!(style["glyphs"], "http://h:1/fonts/{fontstack}/{range}.pbf");
        assert_eq!(style["sprite"][0]["url"], "http://h:1/sprites/s");
        assert_eq!(style["font-faces"]["F"][0]["url"], "http://h:1/f.woff2");
        assert_eq!(style["font-faces"]["G"], "http://h:1/g.ttf");
        let mut single = json!({"sprite": "/sprites/s"});
        absolutize(&mut single, "https://m");
        assert_eq!(single["sprite"], "https://m/sprites/s");
    }

    #[test]
    fn the_not_built_page_escapes_the_path() {
        let p = ViewerPaths {
            viewer_dir: PathBuf::from("/x/<b>"),
            styles_dir: PathBuf::from("/s"),
        };
        let page = not_built_page(&p);
        assert!(page.contains("/x/&lt;b&gt;") && page.contains("npm run build"));
    }
}
