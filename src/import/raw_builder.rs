//! Builds a `RawGeometry` from geozero's geometry events (FlatGeobuf, WKT), keeping rings as
//! the source wrote them.

use geo::Coord;
use geozero::GeomProcessor;
use geozero::error::{GeozeroError, Result};

use crate::domain::RawGeometry;

enum Frame {
    Point(Option<Coord>),
    MultiPoint(Vec<Coord>),
    Line(Vec<Coord>),
    Polygon(Vec<Vec<Coord>>),
    MultiLine(Vec<Vec<Coord>>),
    MultiPolygon(Vec<Vec<Vec<Coord>>>),
    Collection(Vec<RawGeometry>),
}

/// Collects one geometry from geozero events.
#[derive(Default)]
pub struct RawBuilder {
    stack: Vec<Frame>,
    done: Option<RawGeometry>,
}

impl RawBuilder {
    /// The geometry built, if any events were seen.
    pub fn finish(self) -> Option<RawGeometry> {
        self.done
    }

    fn emit(&mut self, g: RawGeometry) {
        match self.stack.last_mut() {
            Some(Frame::Collection(v)) => v.push(g),
            _ => self.done = Some(g),
        }
    }

    fn mismatch() -> GeozeroError {
        GeozeroError::Geometry("unexpected geometry structure".into())
    }
}

impl GeomProcessor for RawBuilder {
    fn xy(&mut self, x: f64, y: f64, _idx: usize) -> Result<()> {
        let c = Coord { x, y };
        match self.stack.last_mut() {
            Some(Frame::Point(p)) => *p = Some(c),
            Some(Frame::MultiPoint(v)) | Some(Frame::Line(v)) => v.push(c),
            _ => return Err(Self::mismatch()),
        }
        Ok(())
    }

    fn empty_point(&mut self, _idx: usize) -> Result<()> {
        if !matches!(self.stack.last(), Some(Frame::MultiPoint(_))) {
            self.emit(RawGeometry::MultiPoint(vec![]));
        }
        Ok(())
    }

    fn point_begin(&mut self, _idx: usize) -> Result<()> {
        self.stack.push(Frame::Point(None));
        Ok(())
    }

    fn point_end(&mut self, _idx: usize) -> Result<()> {
        match self.stack.pop() {
            Some(Frame::Point(Some(c))) => match self.stack.last_mut() {
                Some(Frame::MultiPoint(v)) => v.push(c),
                _ => self.emit(RawGeometry::Point(c)),
            },
            Some(Frame::Point(None)) => self.emit(RawGeometry::MultiPoint(vec![])),
            _ => return Err(Self::mismatch()),
        }
        Ok(())
    }

    fn multipoint_begin(&mut self, size: usize, _idx: usize) -> Result<()> {
        self.stack.push(Frame::MultiPoint(Vec::with_capacity(size)));
        Ok(())
    }

    fn multipoint_end(&mut self, _idx: usize) -> Result<()> {
        match self.stack.pop() {
            Some(Frame::MultiPoint(v)) => self.emit(RawGeometry::MultiPoint(v)),
            _ => return Err(Self::mismatch()),
        }
        Ok(())
    }

    fn linestring_begin(&mut self, _tagged: bool, size: usize, _idx: usize) -> Result<()> {
        self.stack.push(Frame::Line(Vec::with_capacity(size)));
        Ok(())
    }

    fn linestring_end(&mut self, _tagged: bool, _idx: usize) -> Result<()> {
        let Some(Frame::Line(l)) = self.stack.pop() else {
            return Err(Self::mismatch());
        };
        match self.stack.last_mut() {
            Some(Frame::Polygon(rings)) => rings.push(l),
            Some(Frame::MultiLine(ls)) => ls.push(l),
            _ => self.emit(RawGeometry::LineString(l)),
        }
        Ok(())
    }

    fn multilinestring_begin(&mut self, size: usize, _idx: usize) -> Result<()> {
        self.stack.push(Frame::MultiLine(Vec::with_capacity(size)));
        Ok(())
    }

    fn multilinestring_end(&mut self, _idx: usize) -> Result<()> {
        let Some(Frame::MultiLine(ls)) = self.stack.pop() else {
            return Err(Self::mismatch());
        };
        self.emit(RawGeometry::MultiLineString(ls));
        Ok(())
    }

    fn polygon_begin(&mut self, _tagged: bool, size: usize, _idx: usize) -> Result<()> {
        self.stack.push(Frame::Polygon(Vec::with_capacity(size)));
        Ok(())
    }

    fn polygon_end(&mut self, _tagged: bool, _idx: usize) -> Result<()> {
        let Some(Frame::Polygon(rings)) = self.stack.pop() else {
            return Err(Self::mismatch());
        };
        match self.stack.last_mut() {
            Some(Frame::MultiPolygon(ps)) => ps.push(rings),
            _ => self.emit(RawGeometry::Polygon(rings)),
        }
        Ok(())
    }

    fn multipolygon_begin(&mut self, size: usize, _idx: usize) -> Result<()> {
        self.stack
            .push(Frame::MultiPolygon(Vec::with_capacity(size)));
        Ok(())
    }

    fn multipolygon_end(&mut self, _idx: usize) -> Result<()> {
        let Some(Frame::MultiPolygon(ps)) = self.stack.pop() else {
            return Err(Self::mismatch());
        };
        self.emit(RawGeometry::MultiPolygon(ps));
        Ok(())
    }

    fn geometrycollection_begin(&mut self, size: usize, _idx: usize) -> Result<()> {
        self.stack.push(Frame::Collection(Vec::with_capacity(size)));
        Ok(())
    }

    fn geometrycollection_end(&mut self, _idx: usize) -> Result<()> {
        let Some(Frame::Collection(gs)) = self.stack.pop() else {
            return Err(Self::mismatch());
        };
        self.emit(RawGeometry::GeometryCollection(gs));
        Ok(())
    }
}
