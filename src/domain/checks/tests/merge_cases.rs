//! Merges: parents 1 and 2 side by side on the street, merged into one parcel.

use super::*;

fn merge<'a>(
    parents: &'a [StoredFeature],
    owners: &[Option<&'a str>],
    children: Vec<ProposedParcel>,
    streets: Vec<&'a StoredFeature>,
) -> Situation<'a> {
    Situation {
        kind: ChangeKind::Merge,
        parents: parents
            .iter()
            .zip(owners)
            .map(|(p, o)| Parent {
                fid: p.fid,
                current: Some(p),
                owner_id: *o,
            })
            .collect(),
        children,
        streets,
        block_parcels: vec![],
    }
}

const OWNER: Option<&str> = Some("1012345678");

#[test]
fn a_correct_merge_passes_every_check() {
    let b = block();
    let parents = [
        parcel(1, "11", rect(0.0, 0.0, 20.0, 20.0)),
        parcel(2, "12", rect(20.0, 0.0, 40.0, 20.0)),
    ];
    let s = merge(
        &parents,
        &[OWNER, OWNER],
        vec![child(0, "11", rect(0.0, 0.0, 40.0, 20.0))],
        vec![&b.street],
    );
    let out = run_checks(&s, &SplitRules::default());
    assert!(out.iter().all(|o| o.passed), "{out:#?}");
    let d = &outcome(&out, "adjacent").detail;
    assert!(
        (d["shared"][0]["shared_m"].as_f64().unwrap() - 20.0).abs() < 0.2,
        "{d}"
    );
    assert_messages(&out);
}

#[test]
fn a_merge_needs_two_parents() {
    let b = block();
    let parents = [parcel(1, "11", rect(0.0, 0.0, 40.0, 20.0))];
    let s = merge(
        &parents,
        &[OWNER],
        vec![child(0, "11", rect(0.0, 0.0, 40.0, 20.0))],
        vec![&b.street],
    );
    assert_eq!(
        failed(&run_checks(&s, &SplitRules::default())),
        ["parcel_count"]
    );
}

#[test]
fn parcels_touching_at_a_corner_are_not_adjacent() {
    let south = street(100, Some(10.0), &[(-20.0, -5.0), (80.0, -5.0)]);
    let north = street(101, Some(10.0), &[(-20.0, 45.0), (80.0, 45.0)]);
    let parents = [
        parcel(1, "11", rect(0.0, 0.0, 20.0, 20.0)),
        parcel(2, "12", rect(20.0, 20.0, 40.0, 40.0)),
    ];
    let children = vec![
        child(0, "11", rect(0.0, 0.0, 20.0, 20.0)),
        child(1, "12", rect(20.0, 20.0, 40.0, 40.0)),
    ];
    let s = merge(&parents, &[OWNER, OWNER], children, vec![&south, &north]);
    let out = run_checks(&s, &SplitRules::default());
    assert_eq!(failed(&out), ["adjacent"]);
    assert_eq!(
        outcome(&out, "adjacent").detail["groups"],
        json!([[1], [2]])
    );
    assert_messages(&out);
}

#[test]
fn parcels_of_two_blocks_fail_same_block() {
    let b = block();
    let parents = [
        parcel(1, "11", rect(0.0, 0.0, 20.0, 20.0)),
        parcel_in(2, "12", "B4", rect(20.0, 0.0, 40.0, 20.0)),
    ];
    let s = merge(
        &parents,
        &[OWNER, OWNER],
        vec![child(0, "11", rect(0.0, 0.0, 40.0, 20.0))],
        vec![&b.street],
    );
    let out = run_checks(&s, &SplitRules::default());
    assert_eq!(failed(&out), ["same_block"]);
}

#[test]
fn parcels_of_two_owners_or_an_unknown_one_fail_same_owner() {
    let b = block();
    let parents = [
        parcel(1, "11", rect(0.0, 0.0, 20.0, 20.0)),
        parcel(2, "12", rect(20.0, 0.0, 40.0, 20.0)),
    ];
    let whole = || vec![child(0, "11", rect(0.0, 0.0, 40.0, 20.0))];
    let s = merge(
        &parents,
        &[OWNER, Some("1098765432")],
        whole(),
        vec![&b.street],
    );
    let out = run_checks(&s, &SplitRules::default());
    assert_eq!(failed(&out), ["same_owner"]);
    let d = &outcome(&out, "same_owner").detail;
    assert_eq!(d["owners_differ"], true);
    assert!(
        !d.to_string().contains("1098765432"),
        "owner ids are private: {d}"
    );

    let s = merge(&parents, &[OWNER, None], whole(), vec![&b.street]);
    let out = run_checks(&s, &SplitRules::default());
    assert_eq!(failed(&out), ["same_owner"]);
    assert_eq!(
        outcome(&out, "same_owner").detail["unknown_owner"],
        json!([2])
    );
}
