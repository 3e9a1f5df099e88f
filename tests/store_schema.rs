//! The GeoPackage's feature tables are the layers' schema tables (`domain::schema`): the same
//! columns in the same order, so the migrations, the writes and the public view cannot drift.

mod common;

use madinati::domain::LayerKind;
use madinati::domain::schema;
use sqlx::Connection;

#[tokio::test]
async fn every_feature_table_has_the_schema_tables_columns_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::fresh_store(dir.path()).await;
    madinati::store::Store::close(&store).await;
    let path = dir.path().join("city.gpkg");
    let mut db = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    for layer in LayerKind::ALL {
        let names: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT name FROM pragma_table_info('{}') ORDER BY cid",
            layer.id()
        ))
        .fetch_all(&mut db)
        .await
        .unwrap();
        assert_eq!(names, schema::stored_names(layer), "{layer}");
    }
}
