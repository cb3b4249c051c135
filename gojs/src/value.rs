//! The JS values Go's `syscall/js` can hold, and the heap of objects they
//! point to.
//!
//! Follows `misc/wasm/wasm_exec.js` (go1.19) / `lib/wasm/wasm_exec.js`
//! (go1.21+): a reference crosses the ABI as a NaN-boxed `f64` whose low 32
//! bits are an id into a table of values (`_values`), with a per-id count of
//! references Go holds (`_goRefCounts`) that `syscall/js.finalizeRef`
//! decrements, and a value-to-id map (`_ids`) so one JS value has one id.
//! The heap itself is collected here by mark and sweep from those ids, the
//! global object, the Go object and queued events: JS would collect it, and
//! a long-running guest must not grow it without bound.

use crate::world::Native;
use std::collections::{BTreeMap, HashMap};
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
#[derive(Debug)]
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
#[derive(Debug)]
pub struct Obj {
    /// Kind and kind-specific storage.
    pub kind: Kind,
    /// Own properties.
    pub props: BTreeMap<Arc<str>, Value>,
    marked: bool,
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

/// The object heap.
#[derive(Debug, Default)]
pub struct Heap {
    objs: Vec<Option<Obj>>,
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
        let obj = Obj {
            kind,
            props: BTreeMap::new(),
            marked: false,
        };
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
        self.objs.get(id as usize).and_then(Option::as_ref)
    }

    /// The object `id`, mutably, if alive.
    pub fn get_mut(&mut self, id: ObjId) -> Option<&mut Obj> {
        self.objs.get_mut(id as usize).and_then(Option::as_mut)
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
        while let Some(id) = stack.pop() {
            let Some(obj) = self.objs.get_mut(id as usize).and_then(Option::as_mut) else {
                continue;
            };
            if obj.marked {
                continue;
            }
            obj.marked = true;
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
            match slot {
                Some(o) if o.marked => o.marked = false,
                Some(_) => {
                    *slot = None;
                    self.free.push(i as ObjId);
                }
                None => {}
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

/// The upper half of a boxed reference: a quiet NaN (wasm_exec.js `nanHead`).
pub const NAN_HEAD: u32 = 0x7FF8_0000;

/// Ids wasm_exec.js reserves, as Go's `syscall/js` hard-codes them.
pub mod ids {
    /// `NaN`.
    pub const NAN: u32 = 0;
    /// `0`.
    pub const ZERO: u32 = 1;
    /// `null`.
    pub const NULL: u32 = 2;
    /// `true`.
    pub const TRUE: u32 = 3;
    /// `false`.
    pub const FALSE: u32 = 4;
    /// `globalThis`.
    pub const GLOBAL: u32 = 5;
    /// The `Go` instance (`this` of wasm_exec.js).
    pub const GO: u32 = 6;
}

/// What identifies a value in `_ids`: JS `Map` keys compare strings by
/// content and objects by identity.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Zero,
    Null,
    Bool(bool),
    Str(Arc<str>),
    Obj(ObjId),
}

fn key(v: &Value) -> Option<Key> {
    Some(match v {
        Value::Undefined => return None,
        Value::Number(n) if *n == 0.0 => Key::Zero,
        Value::Number(_) => return None,
        Value::Null => Key::Null,
        Value::Bool(b) => Key::Bool(*b),
        Value::String(s) => Key::Str(s.clone()),
        Value::Object(o) => Key::Obj(*o),
    })
}

/// How many references Go holds to an id.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Count {
    /// The fixed ids (wasm_exec.js: `Infinity`).
    Permanent,
    Live(u64),
    /// Finalized; the id is in the pool.
    Free,
}

/// Most ids alive at once; past it the guest is stopped.
pub const MAX_REFS: usize = 1 << 22;

/// The reference table: `_values`, `_goRefCounts`, `_ids`, `_idPool`.
#[derive(Debug)]
pub struct Refs {
    values: Vec<Value>,
    counts: Vec<Count>,
    ids: HashMap<Key, u32>,
    pool: Vec<u32>,
}

impl Refs {
    /// The table wasm_exec.js's `run` starts with: NaN, 0, null, true,
    /// false, the global object and the Go object, never freed.
    pub fn new(global: ObjId, go: ObjId) -> Refs {
        let values = vec![
            Value::Number(f64::NAN),
            Value::Number(0.0),
            Value::Null,
            Value::Bool(true),
            Value::Bool(false),
            Value::Object(global),
            Value::Object(go),
        ];
        let mut ids = HashMap::new();
        for (i, v) in values.iter().enumerate().skip(1) {
            if let Some(k) = key(v) {
                ids.insert(k, i as u32);
            }
        }
        Refs {
            counts: vec![Count::Permanent; values.len()],
            values,
            ids,
            pool: Vec::new(),
        }
    }

    /// The value behind `id`: `undefined` for an id never given out, as
    /// `this._values[id]` would be; `null` for a finalized one.
    pub fn get(&self, id: u32) -> Value {
        self.values.get(id as usize).cloned().unwrap_or(Value::Undefined)
    }

    /// The id of `v` (a value that is not boxed inline), with Go's count
    /// of references to it incremented: `storeValue`. Also returns the
    /// type flag for the upper half. Table full: [`HeapFull`].
    pub fn id_for(&mut self, v: &Value, heap: &Heap) -> Result<(u32, u32), HeapFull> {
        let flag = match v {
            Value::Object(o) => match heap.get(*o).map(|o| &o.kind) {
                Some(Kind::Function(_)) => 4,
                _ => 1,
            },
            Value::String(_) => 2,
            _ => 0,
        };
        let Some(k) = key(v) else {
            return Ok((ids::NAN, 0));
        };
        let id = match self.ids.get(&k) {
            Some(&id) => id,
            None => {
                let id = match self.pool.pop() {
                    Some(id) => id,
                    None => {
                        if self.values.len() >= MAX_REFS {
                            return Err(HeapFull("too many references held by Go"));
                        }
                        self.values.push(Value::Undefined);
                        self.counts.push(Count::Free);
                        (self.values.len() - 1) as u32
                    }
                };
                self.values[id as usize] = v.clone();
                self.counts[id as usize] = Count::Live(0);
                self.ids.insert(k, id);
                id
            }
        };
        if let Some(Count::Live(n)) = self.counts.get_mut(id as usize) {
            *n = n.saturating_add(1);
        }
        Ok((id, flag))
    }

    /// `finalizeRef`: Go dropped one reference to `id`; the last one frees
    /// it. Unknown, fixed or already free ids are left alone (in JS the
    /// count becomes `NaN`, `Infinity` or negative and never hits 0).
    pub fn finalize(&mut self, id: u32) {
        let i = id as usize;
        let Some(Count::Live(n)) = self.counts.get(i).copied() else {
            return;
        };
        if n > 1 {
            self.counts[i] = Count::Live(n - 1);
            return;
        }
        let old = std::mem::replace(&mut self.values[i], Value::Null);
        if let Some(k) = key(&old) {
            self.ids.remove(&k);
        }
        self.counts[i] = Count::Free;
        self.pool.push(id);
    }

    /// Every value Go holds, for the collector.
    pub fn roots(&self) -> impl Iterator<Item = &Value> {
        self.values.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (Heap, Refs) {
        let mut heap = Heap::default();
        let g = heap.alloc(Kind::Plain).unwrap();
        let go = heap.alloc(Kind::Plain).unwrap();
        (heap, Refs::new(g, go))
    }

    #[test]
    fn fixed_ids_and_sharing() {
        let (heap, mut refs) = setup();
        assert_eq!(refs.id_for(&Value::Null, &heap).unwrap(), (ids::NULL, 0));
        assert_eq!(refs.id_for(&Value::Bool(false), &heap).unwrap(), (ids::FALSE, 0));
        assert_eq!(refs.id_for(&Value::Number(0.0), &heap).unwrap(), (ids::ZERO, 0));
        let (a, fa) = refs.id_for(&Value::str("x"), &heap).unwrap();
        let (b, _) = refs.id_for(&Value::str("x"), &heap).unwrap();
        assert_eq!((a, fa), (7, 2));
        assert_eq!(a, b);
        refs.finalize(a);
        assert_eq!(refs.get(a), Value::str("x"));
        refs.finalize(a);
        assert_eq!(refs.get(a), Value::Null);
        // Reused lowest-last, as _idPool.pop() does.
        assert_eq!(refs.id_for(&Value::str("y"), &heap).unwrap().0, a);
        refs.finalize(ids::GLOBAL);
        refs.finalize(999);
        assert_eq!(refs.get(ids::GLOBAL), Value::Object(0));
        assert_eq!(refs.get(999), Value::Undefined);
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
}
