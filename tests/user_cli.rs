//! `madinati user add | list | disable | enable`: accounts from the command line, the password
//! read from standard input only, and what each change means for signing in.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::*;
use madinati::app::auth::{Auth, AuthConfig, AuthError};
use madinati::store;

fn user(dir: &std::path::Path, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut child = bin()
        .current_dir(dir)
        .arg("user")
        .args(args)
        .env_remove("MADINATI_STORE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn accounts_are_added_listed_disabled_and_enabled_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let s = fresh_store(dir.path()).await;
    madinati::store::Store::close(&s).await;
    let add = |name: &str, roles: &str, pw: &str| {
        user(
            dir.path(),
            &[
                "add",
                "--store",
                "city.gpkg",
                "--username",
                name,
                "--role",
                roles,
                "--password-stdin",
                "--name-en",
                "Office 1",
                "--national-id",
                "1012345678",
            ],
            Some(&format!("{pw}\n")),
        )
    };
    let out = add("eng.office1", "surveyor,planner", "a long enough password");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Refused: a taken name, a short password, an unknown role, a malformed national id.
    let out = add("ENG.office1", "surveyor", "a long enough password");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("taken"));
    let out = add("second", "surveyor", "short");
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 10"));
    let out = add("third", "king", "a long enough password");
    assert_eq!(out.status.code(), Some(2));
    let out = user(
        dir.path(),
        &[
            "add",
            "--store",
            "city.gpkg",
            "--username",
            "fourth",
            "--role",
            "citizen",
            "--password-stdin",
            "--national-id",
            "12",
        ],
        Some("a long enough password\n"),
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("10 digits"));

    // Listed, without the national id.
    let out = user(dir.path(), &["list", "--store", "city.gpkg"], None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("eng.office1")
            && text.contains("surveyor,planner")
            && text.contains("active"),
        "{text}"
    );
    assert!(!text.contains("1012345678") && !text.contains("second"));

    // Signs in; disabled, does not; enabled again, does.
    let store = store::open(&dir.path().join("city.gpkg"), false)
        .await
        .unwrap();
    let auth = Auth::new(store.clone(), AuthConfig::default());
    let session = auth
        .login("eng.office1", "a long enough password", None)
        .await
        .unwrap();
    assert!(session.user.roles.to_string().contains("planner"));
    let out = user(
        dir.path(),
        &[
            "disable",
            "--store",
            "city.gpkg",
            "--username",
            "eng.office1",
        ],
        None,
    );
    assert!(out.status.success());
    assert!(matches!(
        auth.authenticate(&session.token).await,
        Err(AuthError::NoCredentials)
    ));
    assert!(matches!(
        auth.login("eng.office1", "a long enough password", None)
            .await,
        Err(AuthError::BadCredentials)
    ));
    let out = user(
        dir.path(),
        &[
            "enable",
            "--store",
            "city.gpkg",
            "--username",
            "eng.office1",
        ],
        None,
    );
    assert!(out.status.success());
    assert!(
        auth.login("eng.office1", "a long enough password", None)
            .await
            .is_ok()
    );
    let out = user(
        dir.path(),
        &["disable", "--store", "city.gpkg", "--username", "nobody"],
        None,
    );
    assert!(!out.status.success());
}
