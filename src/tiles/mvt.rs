//! A small Mapbox Vector Tile 2.1 encoder: a hand-written protobuf writer for
//! `Tile { layers }`, `Layer { version = 2, name, features, keys, values, extent }` and
//! `Feature { id, tags, type, geometry }`.
//!
//! Geometries come in already clipped, generalised and in integer tile units (see
//! `super::clip` and `super::simplify`); this module only writes them as MoveTo / LineTo /
//! ClosePath commands with zigzag-encoded deltas. Keys and values are deduplicated per layer.

/// A point in tile units (x to the right, y down).
pub type TilePoint = [i32; 2];

/// A geometry ready to encode, in integer tile units.
#[derive(Clone, Debug, PartialEq)]
pub enum TileGeometry {
    /// One or more points.
    Points(Vec<TilePoint>),
    /// One or more lines, each of at least two distinct points.
    Lines(Vec<Vec<TilePoint>>),
    /// Rings, open (the last point is not the first), in MVT order: each exterior ring (positive
    /// area in tile space, i.e. clockwise on screen) followed by its holes (negative area).
    Polygons(Vec<Vec<TilePoint>>),
}

impl TileGeometry {
    /// Whether there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        match self {
            TileGeometry::Points(p) => p.is_empty(),
            TileGeometry::Lines(l) | TileGeometry::Polygons(l) => l.is_empty(),
        }
    }
}

/// A typed MVT value.
#[derive(Clone, Debug, PartialEq)]
pub enum MvtValue {
    String(String),
    Double(f64),
    /// A negative integer, written as `sint_value` (zigzag).
    SInt(i64),
    /// A non-negative integer, written as `uint_value`.
    UInt(u64),
    Bool(bool),
}

impl MvtValue {
    /// The MVT value of a JSON value; `None` for null. Arrays and objects become their JSON text.
    pub fn from_json(v: &serde_json::Value) -> Option<MvtValue> {
        use serde_json::Value;
        Some(match v {
            Value::Null => return None,
            Value::Bool(b) => MvtValue::Bool(*b),
            Value::String(s) => MvtValue::String(s.clone()),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    MvtValue::UInt(u)
                } else if let Some(i) = n.as_i64() {
                    MvtValue::SInt(i)
                } else {
                    MvtValue::Double(n.as_f64()?)
                }
            }
            Value::Array(_) | Value::Object(_) => MvtValue::String(v.to_string()),
        })
    }
}

/// A value as a hashable key for deduplication (doubles by their bits).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum ValueKey {
    String(String),
    Double(u64),
    SInt(i64),
    UInt(u64),
    Bool(bool),
}

impl From<&MvtValue> for ValueKey {
    fn from(v: &MvtValue) -> ValueKey {
        match v {
            MvtValue::String(s) => ValueKey::String(s.clone()),
            MvtValue::Double(d) => ValueKey::Double(d.to_bits()),
            MvtValue::SInt(i) => ValueKey::SInt(*i),
            MvtValue::UInt(u) => ValueKey::UInt(*u),
            MvtValue::Bool(b) => ValueKey::Bool(*b),
        }
    }
}

/// Protobuf wire types.
const VARINT: u32 = 0;
const FIXED64: u32 = 1;
const BYTES: u32 = 2;

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_key(out: &mut Vec<u8>, field: u32, wire: u32) {
    put_varint(out, u64::from((field << 3) | wire));
}

fn put_bytes(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    put_key(out, field, BYTES);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn put_uint(out: &mut Vec<u8>, field: u32, v: u64) {
    put_key(out, field, VARINT);
    put_varint(out, v);
}

fn put_packed(out: &mut Vec<u8>, field: u32, values: &[u32]) {
    if values.is_empty() {
        return;
    }
    let mut body = Vec::with_capacity(values.len() * 2);
    for v in values {
        put_varint(&mut body, u64::from(*v));
    }
    put_bytes(out, field, &body);
}

fn zigzag32(v: i32) -> u32 {
    ((v << 1) ^ (v >> 31)) as u32
}

fn zigzag64(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

const MOVE_TO: u32 = 1;
const LINE_TO: u32 = 2;
const CLOSE_PATH: u32 = 7;

fn command(id: u32, count: usize) -> u32 {
    // Counts are bounded by the vertices of one tile's geometry (far below 2^29).
    (id & 0x7) | ((count as u32) << 3)
}

/// Writes the geometry commands of `g`; the cursor starts at (0, 0) for each feature.
pub fn encode_geometry(g: &TileGeometry) -> Vec<u32> {
    let mut out = Vec::new();
    let mut cursor = [0i32, 0i32];
    let mut delta = |out: &mut Vec<u32>, p: &TilePoint| {
        out.push(zigzag32(p[0].wrapping_sub(cursor[0])));
        out.push(zigzag32(p[1].wrapping_sub(cursor[1])));
        cursor = *p;
    };
    match g {
        TileGeometry::Points(points) => {
            if !points.is_empty() {
                out.push(command(MOVE_TO, points.len()));
                for p in points {
                    delta(&mut out, p);
                }
            }
        }
        TileGeometry::Lines(lines) => {
            for line in lines.iter().filter(|l| l.len() >= 2) {
                out.push(command(MOVE_TO, 1));
                delta(&mut out, &line[0]);
                out.push(command(LINE_TO, line.len() - 1));
                for p in &line[1..] {
                    delta(&mut out, p);
                }
            }
        }
        TileGeometry::Polygons(rings) => {
            for ring in rings.iter().filter(|r| r.len() >= 3) {
                out.push(command(MOVE_TO, 1));
                delta(&mut out, &ring[0]);
                out.push(command(LINE_TO, ring.len() - 1));
                for p in &ring[1..] {
                    delta(&mut out, p);
                }
                out.push(command(CLOSE_PATH, 1));
            }
        }
    }
    out
}

/// One MVT layer being built: features with deduplicated keys and values.
#[derive(Debug)]
pub struct LayerBuilder {
    name: String,
    extent: u32,
    keys: Vec<String>,
    key_index: foldhash::HashMap<String, u32>,
    values: Vec<MvtValue>,
    value_index: foldhash::HashMap<ValueKey, u32>,
    features: Vec<u8>,
    count: usize,
}

impl LayerBuilder {
    /// An empty layer called `name` with `extent` tile units a side.
    pub fn new(name: &str, extent: u32) -> LayerBuilder {
        LayerBuilder {
            name: name.to_string(),
            extent,
            keys: Vec::new(),
            key_index: foldhash::HashMap::default(),
            values: Vec::new(),
            value_index: foldhash::HashMap::default(),
            features: Vec::new(),
            count: 0,
        }
    }

    /// Number of features added.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether no feature was added.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn key(&mut self, k: &str) -> u32 {
        if let Some(i) = self.key_index.get(k) {
            return *i;
        }
        let i = self.keys.len() as u32;
        self.keys.push(k.to_string());
        self.key_index.insert(k.to_string(), i);
        i
    }

    fn value(&mut self, v: MvtValue) -> u32 {
        let key = ValueKey::from(&v);
        if let Some(i) = self.value_index.get(&key) {
            return *i;
        }
        let i = self.values.len() as u32;
        self.values.push(v);
        self.value_index.insert(key, i);
        i
    }

    /// Adds a feature; an empty geometry adds nothing. `id` is written when given.
    pub fn add<'a>(
        &mut self,
        id: Option<u64>,
        geometry: &TileGeometry,
        properties: impl IntoIterator<Item = (&'a str, MvtValue)>,
    ) {
        let commands = encode_geometry(geometry);
        if commands.is_empty() {
            return;
        }
        let mut tags = Vec::new();
        for (k, v) in properties {
            let ki = self.key(k);
            let vi = self.value(v);
            tags.push(ki);
            tags.push(vi);
        }
        let mut f = Vec::with_capacity(commands.len() * 2 + tags.len() + 8);
        if let Some(id) = id {
            put_uint(&mut f, 1, id);
        }
        put_packed(&mut f, 2, &tags);
        let kind = match geometry {
            TileGeometry::Points(_) => 1,
            TileGeometry::Lines(_) => 2,
            TileGeometry::Polygons(_) => 3,
        };
        put_uint(&mut f, 3, kind);
        put_packed(&mut f, 4, &commands);
        put_bytes(&mut self.features, 2, &f);
        self.count += 1;
    }

    /// The layer message (not yet wrapped in the tile's field).
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.features.len() + 64);
        put_uint(&mut out, 15, 2);
        put_bytes(&mut out, 1, self.name.as_bytes());
        out.extend_from_slice(&self.features);
        for k in &self.keys {
            put_bytes(&mut out, 3, k.as_bytes());
        }
        for v in &self.values {
            let mut m = Vec::new();
            match v {
                MvtValue::String(s) => put_bytes(&mut m, 1, s.as_bytes()),
                MvtValue::Double(d) => {
                    put_key(&mut m, 3, FIXED64);
                    m.extend_from_slice(&d.to_le_bytes());
                }
                MvtValue::UInt(u) => put_uint(&mut m, 5, *u),
                MvtValue::SInt(i) => put_uint(&mut m, 6, zigzag64(*i)),
                MvtValue::Bool(b) => put_uint(&mut m, 7, u64::from(*b)),
            }
            put_bytes(&mut out, 4, &m);
        }
        put_uint(&mut out, 5, u64::from(self.extent));
        out
    }
}

/// Appends `layer` to the tile bytes `tile` (a tile is the concatenation of its layers); an
/// empty layer is left out.
pub fn push_layer(tile: &mut Vec<u8>, layer: &LayerBuilder) {
    if !layer.is_empty() {
        put_bytes(tile, 3, &layer.encode());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zigzag_and_varints_follow_protobuf() {
        assert_eq!(zigzag32(0), 0);
        assert_eq!(zigzag32(-1), 1);
        assert_eq!(zigzag32(1), 2);
        assert_eq!(zigzag32(-2), 3);
        assert_eq!(zigzag64(i64::MIN), u64::MAX);
        let mut v = Vec::new();
        put_varint(&mut v, 300);
        assert_eq!(v, [0xAC, 0x02]);
    }

    #[test]
    fn geometry_commands_match_the_specification_examples() {
        // MVT 2.1 spec, 4.3.5: a point at (25, 17).
        assert_eq!(
            encode_geometry(&TileGeometry::Points(vec![[25, 17]])),
            [9, 50, 34]
        );
        // A line (2,2) (2,10) (10,10).
        assert_eq!(
            encode_geometry(&TileGeometry::Lines(vec![vec![[2, 2], [2, 10], [10, 10]]])),
            [9, 4, 4, 18, 0, 16, 16, 0]
        );
        // A polygon (3,6) (8,12) (20,34), closed.
        assert_eq!(
            encode_geometry(&TileGeometry::Polygons(vec![vec![
                [3, 6],
                [8, 12],
                [20, 34]
            ]])),
            [9, 6, 12, 18, 10, 12, 24, 44, 15]
        );
    }

    #[test]
    fn keys_and_values_are_deduplicated() {
        let mut l = LayerBuilder::new("x", 4096);
        let g = TileGeometry::Points(vec![[1, 1]]);
        for i in 0..3u64 {
            l.add(
                Some(i),
                &g,
                [
                    ("a", MvtValue::String("same".into())),
                    ("b", MvtValue::UInt(i % 2)),
                ],
            );
        }
        assert_eq!(l.keys, ["a", "b"]);
        assert_eq!(l.values.len(), 3);
        l.add(Some(9), &TileGeometry::Points(vec![]), []);
        assert_eq!(l.len(), 3);
    }

    #[test]
    fn json_values_map_to_typed_values() {
        use serde_json::json;
        assert_eq!(MvtValue::from_json(&json!(null)), None);
        assert_eq!(MvtValue::from_json(&json!(3)), Some(MvtValue::UInt(3)));
        assert_eq!(MvtValue::from_json(&json!(-3)), Some(MvtValue::SInt(-3)));
        assert_eq!(
            MvtValue::from_json(&json!(2.5)),
            Some(MvtValue::Double(2.5))
        );
        assert_eq!(
            MvtValue::from_json(&json!(true)),
            Some(MvtValue::Bool(true))
        );
        assert_eq!(
            MvtValue::from_json(&json!("ا")),
            Some(MvtValue::String("ا".into()))
        );
    }
}
