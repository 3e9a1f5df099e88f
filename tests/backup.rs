//! `madinati backup` while approvals run, and `madinati restore`: every backup taken under write
//! load is consistent (each approved request's register change whole, none half) and restores
//! into a store that serves; a damaged copy is refused and nothing is replaced.

mod common;
mod register_support;

use common::run;
use register_support::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_taken_under_write_load_restore_consistent_stores() {
    let city = city().await;
    let surveyor = login(&city.app, "surveyor").await;
    let planner = login(&city.app, "planner").await;
    let mut bodies = Vec::new();
    for skip in 0..6 {
        bodies.push(splittable(&city, &surveyor, skip).await.1);
    }
    // The load: submit, take and approve one split after another.
    let app = city.app.clone();
    let load = tokio::spawn(async move {
        let mut approved = 0;
        for body in bodies {
            let id = submit_and_take(&app, &surveyor, &planner, &body).await;
            let (s, v) = call(
                &app,
                "POST",
                &format!("/api/requests/{id}/decision"),
                Some(&planner),
                Some(json!({"decision": "approve"})),
            )
            .await;
            assert_eq!(s.as_u16(), 200, "{v}");
            approved += 1;
        }
        approved
    });
    // Backups from another process, while the load runs.
    let dir = city.dir.path().to_path_buf();
    let mut taken = Vec::new();
    for i in 0..3 {
        let out = format!("backup-{i}.gpkg");
        let d = dir.clone();
        let o = out.clone();
        let res = tokio::task::spawn_blocking(move || {
            run(&d, &["backup", "--store", "city.gpkg", "--out", &o])
        })
        .await
        .unwrap();
        assert!(
            res.status.success(),
            "{}",
            String::from_utf8_lossy(&res.stderr)
        );
        let said = String::from_utf8_lossy(&res.stdout).to_string();
        assert!(!said.contains("PROBLEMS"), "{said}");
        taken.push(out);
    }
    assert_eq!(load.await.unwrap(), 6);
    // A last one after the load holds all six approvals.
    let res = run(
        &dir,
        &[
            "backup",
            "--store",
            "city.gpkg",
            "--out",
            "backup-last.gpkg",
        ],
    );
    assert!(res.status.success());
    taken.push("backup-last.gpkg".into());

    for (i, b) in taken.iter().enumerate() {
        let target = format!("restored-{i}.gpkg");
        let res = run(&dir, &["restore", "--from", b, "--store", &target]);
        assert!(
            res.status.success(),
            "{b}: {}",
            String::from_utf8_lossy(&res.stderr)
        );
        assert!(String::from_utf8_lossy(&res.stdout).contains("is sound"));
        // The restored store serves, and its register agrees with its requests.
        let (store, app) = reopen(&dir.join(&target)).await;
        let requests = store.requests(&Default::default()).await.unwrap();
        for r in &requests {
            let (s, v) = call(
                &app,
                "GET",
                &format!("/api/parcels/{}/lineage", r.parcels[0].0),
                None,
                None,
            )
            .await;
            assert_eq!(s.as_u16(), 200);
            let children = v["descendants"].as_array().unwrap().len();
            match r.status.code() {
                "approved" => assert_eq!(
                    children, 2,
                    "{b}: request {} approved without its children",
                    r.id
                ),
                _ => assert_eq!(children, 0, "{b}: request {} not approved but split", r.id),
            }
        }
        if b == "backup-last.gpkg" {
            assert_eq!(
                requests
                    .iter()
                    .filter(|r| r.status.code() == "approved")
                    .count(),
                6
            );
        }
        store.close().await;
    }

    // Restoring over a store needs --force; a damaged copy is refused and nothing replaced.
    let res = run(
        &dir,
        &[
            "restore",
            "--from",
            "backup-last.gpkg",
            "--store",
            "restored-0.gpkg",
        ],
    );
    assert!(!res.status.success());
    assert!(String::from_utf8_lossy(&res.stderr).contains("--force"));
    let mut bytes = std::fs::read(dir.join("backup-last.gpkg")).unwrap();
    let len = bytes.len();
    for b in &mut bytes[len / 2..len / 2 + 8192] {
        *b = 0x5A;
    }
    std::fs::write(dir.join("damaged.gpkg"), &bytes).unwrap();
    let before = std::fs::read(dir.join("restored-0.gpkg")).unwrap();
    let res = run(
        &dir,
        &[
            "restore",
            "--from",
            "damaged.gpkg",
            "--store",
            "restored-0.gpkg",
            "--force",
        ],
    );
    assert!(!res.status.success(), "a damaged copy was restored");
    assert_eq!(std::fs::read(dir.join("restored-0.gpkg")).unwrap(), before);
    let res = run(
        &dir,
        &[
            "restore",
            "--from",
            "backup-last.gpkg",
            "--store",
            "restored-0.gpkg",
            "--force",
        ],
    );
    assert!(res.status.success());
}
