//! The JS values Go's `syscall/js` can hold, the heap of objects they
//! point to, and JS's conversions between them (`ToNumber`, `ToUint8`,
//! `Number.prototype.toString`).
//!
//! The heap is collected here by mark and sweep from the ids Go holds
//! (`refs.rs`), the global object, the Go object and queued events:
//! JS would collect it, and a long-running guest must not grow it without
//! bound.

use crate::natives::Native;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Index of an object in the [`Heap`].
pub type ObjId = u32;

/// A JS value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `undefined`.
    Undefined,
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    String(Arc<str>),
    /// An object, array, typed array or function on the heap.
    Object(ObjId),
}

impl Value {
    /// A string value.
    pub fn str(s: &str) -> Value {
        Value::String(Arc::from(s))
    }

    /// The number, if this is one.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }
}

/// A function's behaviour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Func {
    /// Implemented by the host.
    Native(Native),
    /// A Go function wrapped by `_makeFuncWrapper(id)`: calling it sets
    /// `_pendingEvent` and resumes the guest.
    Go(f64),
}

/// What kind of object.
#[derive(Clone, Debug)]
pub enum Kind {
    /// A plain object.
    Plain,
    /// An `Array`.
    Array(Vec<Value>),
    /// A `Uint8Array` with its own bytes.
    Bytes(Vec<u8>),
    /// A `Date`: ms since the epoch.
    Date(f64),
    /// An `Error` (its `message` and `code` are properties).
    Error,
    /// A function.
    Function(Func),
}

/// An object: its kind and its own properties.
#[derive(Clone, Debug)]
pub struct Obj {
    /// Kind and kind-specific storage.
    pub kind: Kind,
    /// Own properties.
    pub props: BTreeMap<Arc<str>, Value>,
}

/// Most objects alive at once; past it the guest is stopped (node would
/// run out of heap).
pub const MAX_OBJECTS: usize = 1 << 22;

/// Most bytes (typed arrays, strings) reachable at once after a collection.
pub const MAX_HEAP_BYTES: usize = 1 << 29;

/// Bytes allocated between two collections.
const GC_EVERY_BYTES: usize = 1 << 25;

/// Objects allocated between two collections.
const GC_EVERY_OBJECTS: usize = 1 << 16;

/// The object heap. Objects are shared copy-on-write (`Arc`), so a heap
/// clones in one pass over its slots and a clone copies an object only
/// when it first changes it: every guest's world starts as a clone of
/// one template (`World::new`).
#[derive(Clone, Debug, Default)]
pub struct Heap {
    objs: Vec<Option<Arc<Obj>>>,
    free: Vec<ObjId>,
    objects_since_gc: usize,
    bytes_since_gc: usize,
}

/// The heap is full: the guest ends (as node does when it runs out of heap).
#[derive(Clone, Copy, Debug, thiserror::Error, PartialEq, Eq)]
#[error("the JS heap is full ({0})")]
pub struct HeapFull(pub &'static str);

impl Heap {
    /// Allocates an object. Full: [`HeapFull`].
    pub fn alloc(&mut self, kind: Kind) -> Result<ObjId, HeapFull> {
        if let Kind::Bytes(b) = &kind {
            self.note_bytes(b.len())?;
        }
        self.objects_since_gc += 1;
        let obj = Arc::new(Obj {
            kind,
            props: BTreeMap::new(),
        });
        if let Some(id) = self.free.pop() {
            self.objs[id as usize] = Some(obj);
            return Ok(id);
        }
        if self.objs.len() >= MAX_OBJECTS {
            return Err(HeapFull("too many objects"));
        }
        self.objs.push(Some(obj));
        Ok((self.objs.len() - 1) as ObjId)
    }

    /// Counts `n` newly allocated bytes towards the next collection.
    pub fn note_bytes(&mut self, n: usize) -> Result<(), HeapFull> {
        if n > MAX_HEAP_BYTES {
            return Err(HeapFull("allocation larger than the heap"));
        }
        self.bytes_since_gc = self.bytes_since_gc.saturating_add(n);
        Ok(())
    }

    /// The object `id`, if alive.
    pub fn get(&self, id: ObjId) -> Option<&Obj> {
        self.objs.get(id as usize).and_then(Option::as_deref)
    }

    /// The object `id`, mutably, if alive.
    pub fn get_mut(&mut self, id: ObjId) -> Option<&mut Obj> {
        self.objs
            .get_mut(id as usize)
            .and_then(Option::as_mut)
            .map(Arc::make_mut)
    }

    /// Whether enough was allocated since the last collection to collect.
    pub fn wants_gc(&self) -> bool {
        self.objects_since_gc >= GC_EVERY_OBJECTS || self.bytes_since_gc >= GC_EVERY_BYTES
    }

    /// Frees every object not reachable from `roots`; returns the bytes
    /// still reachable. More than [`MAX_HEAP_BYTES`]: [`HeapFull`].
    pub fn collect<'a>(&mut self, roots: impl Iterator<Item = &'a Value>) -> Result<usize, HeapFull> {
        let mut stack: Vec<ObjId> = Vec::new();
        let mut bytes = 0usize;
        let visit = |v: &Value, stack: &mut Vec<ObjId>, bytes: &mut usize| match v {
            Value::Object(id) => stack.push(*id),
            Value::String(s) => *bytes = bytes.saturating_add(s.len()),
            _ => {}
        };
        for v in roots {
            visit(v, &mut stack, &mut bytes);
        }
        // Marks live apart from the objects, so a collection copies none
        // of the objects a world still shares with its template.
        let mut marked = vec![false; self.objs.len()];
        while let Some(id) = stack.pop() {
            let Some(obj) = self.objs.get(id as usize).and_then(Option::as_ref) else {
                continue;
            };
            if std::mem::replace(&mut marked[id as usize], true) {
                continue;
            }
            for (k, v) in &obj.props {
                bytes = bytes.saturating_add(k.len());
                visit(v, &mut stack, &mut bytes);
            }
            match &obj.kind {
                Kind::Array(items) => items.iter().for_each(|v| visit(v, &mut stack, &mut bytes)),
                Kind::Bytes(b) => bytes = bytes.saturating_add(b.len()),
                _ => {}
            }
        }
        for (i, slot) in self.objs.iter_mut().enumerate() {
            if slot.is_some() && !marked[i] {
                *slot = None;
                self.free.push(i as ObjId);
            }
        }
        self.objects_since_gc = 0;
        self.bytes_since_gc = 0;
        if bytes > MAX_HEAP_BYTES {
            return Err(HeapFull("too many live bytes"));
        }
        Ok(bytes)
    }

    /// Number of live objects.
    pub fn live(&self) -> usize {
        self.objs.len() - self.free.len()
    }
}

/// `ToNumber(v)`.
pub fn to_number(v: &Value) -> f64 {
    match v {
        Value::Undefined => f64::NAN,
        Value::Null => 0.0,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Number(n) => *n,
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                0.0
            } else {
                t.parse().unwrap_or(f64::NAN)
            }
        }
        Value::Object(_) => f64::NAN,
    }
}

/// `ToUint8(n)`: modulo 256, NaN and infinities are 0.
pub fn to_uint8(n: f64) -> u8 {
    if !n.is_finite() {
        return 0;
    }
    (n.trunc().rem_euclid(256.0)) as u8
}

/// `Number.prototype.toString()` for the numbers Go exchanges.
pub fn number_to_string(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if n == 0.0 {
        return "0".into();
    }
    let a = n.abs();
    if (1e-6..1e21).contains(&a) {
        format!("{n}")
    } else {
        let s = format!("{n:e}");
        match s.split_once('e') {
            Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e}"),
            _ => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::refs::Refs;

    fn setup() -> (Heap, Refs) {
        let mut heap = Heap::default();
        let g = heap.alloc(Kind::Plain).unwrap();
        let go = heap.alloc(Kind::Plain).unwrap();
        (heap, Refs::new(g, go))
    }

    #[test]
    fn collection_keeps_reachable_objects() {
        let (mut heap, refs) = setup();
        let kept = heap.alloc(Kind::Array(vec![])).unwrap();
        let lost = heap.alloc(Kind::Bytes(vec![0; 10])).unwrap();
        heap.get_mut(0)
            .unwrap()
            .props
            .insert(Arc::from("k"), Value::Object(kept));
        heap.collect(refs.roots()).unwrap();
        assert!(heap.get(kept).is_some());
        assert!(heap.get(lost).is_none());
        assert_eq!(heap.alloc(Kind::Plain).unwrap(), lost);
    }

    #[test]
    fn numbers_print_as_js_does() {
        assert_eq!(number_to_string(1.0), "1");
        assert_eq!(number_to_string(-2.5), "-2.5");
        assert_eq!(number_to_string(1e21), "1e+21");
        assert_eq!(number_to_string(1e-7), "1e-7");
        assert_eq!(number_to_string(f64::NAN), "NaN");
        assert_eq!(to_uint8(-1.0), 255);
        assert_eq!(to_uint8(256.7), 0);
    }
}
