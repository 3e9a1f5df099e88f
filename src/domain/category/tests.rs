use super::*;

fn code(s: &str) -> CategoryCode {
    CategoryCode::try_from(s).unwrap()
}

fn resolved(registry: &CategoryRegistry, input: &str) -> Option<String> {
    registry.resolve(input).map(|c| c.code.to_string())
}

#[test]
fn the_default_list_is_fixed_and_consistent() {
    let registry = CategoryRegistry::default();
    let codes: Vec<&str> = registry.all().iter().map(|c| c.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "grocery",
            "bakery",
            "pharmacy",
            "hospital",
            "clinic",
            "gas_cylinders",
            "water_seller",
            "maintenance",
            "fuel_station",
            "school",
            "mosque",
            "government_office"
        ]
    );
    // Every default code is valid and no default name is ambiguous.
    for category in registry.all() {
        assert_eq!(
            CategoryCode::try_from(category.code.as_str()).as_ref(),
            Ok(&category.code)
        );
    }
    let strict = CategoryRegistry::new(default_categories()).unwrap();
    assert_eq!(strict.by_name, registry.by_name);
    let pharmacy = registry.get(&code("pharmacy")).unwrap();
    assert_eq!(
        (pharmacy.label_ar.as_str(), pharmacy.label_en.as_str()),
        ("صيدلية", "Pharmacy")
    );
    assert!(registry.get(&code("laundry")).is_none());
}

#[test]
fn resolve_accepts_codes_labels_and_aliases_in_both_languages() {
    let registry = CategoryRegistry::default();
    let table = [
        ("صيدليه", "pharmacy"),
        ("Pharmacy", "pharmacy"),
        ("pharmacy", "pharmacy"),
        ("الصيدلية", "pharmacy"),
        ("  PHARMACY ", "pharmacy"),
        ("صَيْدَلِيَّة", "pharmacy"),
        ("صيدلـــية", "pharmacy"),
        ("بقالة", "grocery"),
        ("تموينات", "grocery"),
        ("البقاله", "grocery"),
        ("مخبز", "bakery"),
        ("المستشفى", "hospital"),
        ("مستشفي", "hospital"),
        ("مستوصف", "clinic"),
        ("عياده", "clinic"),
        ("بيع أسطوانات الغاز", "gas_cylinders"),
        ("غاز", "gas_cylinders"),
        ("gas-cylinders", "gas_cylinders"),
        ("Gas Cylinders", "gas_cylinders"),
        ("المياه", "water_seller"),
        ("مياه", "water_seller"),
        ("ورشة صيانة", "maintenance"),
        ("محطة وقود", "fuel_station"),
        ("Gas station", "fuel_station"),
        ("مدرسة", "school"),
        ("جامع", "mosque"),
        ("الجامع", "mosque"),
        ("مسجد", "mosque"),
        ("دائرة حكومية", "government_office"),
        ("جهة حكومية", "government_office"),
        ("Government office", "government_office"),
    ];
    for (input, expected) in table {
        assert_eq!(
            resolved(&registry, input).as_deref(),
            Some(expected),
            "{input:?}"
        );
    }
    for input in ["", "   ", "ال", "laundry", "مغسلة", "pharm", "صيدليات"] {
        assert_eq!(resolved(&registry, input), None, "{input:?}");
    }
}

#[test]
fn normalize_arabic_key_cases() {
    let table = [
        ("الصَّيْدَلِيَّة", "صيدليه"),
        ("أسطوانة", "اسطوانه"),
        ("إسعاف", "اسعاف"),
        ("آبار", "ابار"),
        ("مستشفى", "مستشفي"),
        ("مسـجد", "مسجد"),
        ("  بيع   المياه  ", "بيع مياه"),
        ("ال", "ال"),
        ("اله", "اله"),
        ("Pharmacy  Store", "pharmacy store"),
        ("\u{200F}مخبز\u{200E}", "مخبز"),
        ("کتاب ی", "كتاب ي"),
    ];
    for (input, expected) in table {
        assert_eq!(normalize_arabic_key(input), expected, "{input:?}");
    }
}

#[test]
fn category_codes_are_lowercase_snake_case() {
    for valid in ["laundry", "gas_cylinders", "a1", "car_wash_2"] {
        assert_eq!(code(valid).as_str(), valid);
        assert_eq!(
            valid.parse::<CategoryCode>().map(String::from).as_deref(),
            Ok(valid)
        );
    }
    let long = "a".repeat(65);
    let invalid = [
        "",
        "Laundry",
        "gas-cylinders",
        "_x",
        "x_",
        "a__b",
        "1abc",
        "مغسلة",
        "a b",
    ];
    for bad in invalid.into_iter().chain([long.as_str()]) {
        let error = CategoryCode::try_from(bad).unwrap_err();
        assert!(
            matches!(&error, CategoryError::InvalidCode { code, .. } if code == bad),
            "{bad:?}"
        );
    }
    assert_eq!(
        CategoryCode::try_from("Laundry").unwrap_err().to_string(),
        "invalid category code \"Laundry\": must start with a lowercase letter"
    );
}

#[test]
fn configuration_adds_categories() {
    #[derive(Deserialize)]
    struct Config {
        categories: Vec<Category>,
    }
    let json = r#"{"categories": [
        {"code": "laundry", "label_ar": "مغسلة", "label_en": "Laundry"},
        {"code": "car_wash", "label_ar": "مغسلة سيارات", "label_en": "Car wash", "aliases": ["غسيل سيارات"]}
    ]}"#;
    let config: Config = serde_json::from_str(json).unwrap();
    assert!(config.categories[0].aliases.is_empty());
    let registry = CategoryRegistry::with_extra(config.categories).unwrap();
    assert_eq!(registry.all().len(), DEFAULTS.len() + 2);
    assert_eq!(resolved(&registry, "المغسلة").as_deref(), Some("laundry"));
    assert_eq!(resolved(&registry, "Laundry").as_deref(), Some("laundry"));
    assert_eq!(
        resolved(&registry, "غسيل السيارات").as_deref(),
        Some("car_wash")
    );
    assert_eq!(resolved(&registry, "صيدلية").as_deref(), Some("pharmacy"));
    assert_eq!(
        registry.get(&code("car_wash")).map(|c| c.label_en.as_str()),
        Some("Car wash")
    );

    let bad_code = r#"{"code": "Laundry", "label_ar": "مغسلة", "label_en": "Laundry"}"#;
    let error = serde_json::from_str::<Category>(bad_code)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("invalid category code \"Laundry\""),
        "{error}"
    );
}

#[test]
fn bad_extra_categories_are_rejected() {
    let category = |c: &str, ar: &str, en: &str, aliases: &[&str]| Category {
        code: code(c),
        label_ar: ar.into(),
        label_en: en.into(),
        aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
    };
    let duplicate = CategoryRegistry::with_extra(vec![category("pharmacy", "دواء", "Drugs", &[])]);
    assert_eq!(
        duplicate.unwrap_err(),
        CategoryError::DuplicateCode(code("pharmacy"))
    );
    let ambiguous =
        CategoryRegistry::with_extra(vec![category("drugs", "أدوية", "Drugs", &["الصيدليه"])]);
    assert_eq!(
        ambiguous.unwrap_err().to_string(),
        "\"الصيدليه\" would name both category \"pharmacy\" and \"drugs\""
    );
    let clash_with_code =
        CategoryRegistry::with_extra(vec![category("shop", "محل", "Bakery", &[])]);
    assert!(matches!(
        clash_with_code,
        Err(CategoryError::AmbiguousName { .. })
    ));
    let empty = CategoryRegistry::with_extra(vec![category("laundry", " ", "Laundry", &[])]);
    assert_eq!(
        empty.unwrap_err(),
        CategoryError::EmptyName {
            code: code("laundry"),
            field: "label_ar"
        }
    );
    let empty_alias =
        CategoryRegistry::with_extra(vec![category("laundry", "مغسلة", "Laundry", &["َ"])]);
    assert!(matches!(
        empty_alias,
        Err(CategoryError::EmptyName { field: "alias", .. })
    ));
}

#[test]
fn codes_and_categories_serialise_as_plain_values() {
    assert_eq!(
        serde_json::to_string(&code("gas_cylinders")).unwrap(),
        "\"gas_cylinders\""
    );
    assert_eq!(
        serde_json::from_str::<CategoryCode>("\"mosque\"").unwrap(),
        code("mosque")
    );
    let registry = CategoryRegistry::default();
    let mosque = registry.get(&code("mosque")).unwrap();
    let json = serde_json::to_value(mosque).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"code": "mosque", "label_ar": "مسجد", "label_en": "Mosque", "aliases": ["جامع"]})
    );
    assert_eq!(&serde_json::from_value::<Category>(json).unwrap(), mosque);
}
