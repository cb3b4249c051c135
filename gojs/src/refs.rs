//! The reference table through which Go holds JS values, as
//! `misc/wasm/wasm_exec.js` (go1.19) / `lib/wasm/wasm_exec.js` (go1.21+)
//! keep it: a reference crosses the ABI as a NaN-boxed `f64` whose low 32
//! bits are an id into a table of values (`_values`), with a per-id count
//! of references Go holds (`_goRefCounts`) that `syscall/js.finalizeRef`
//! decrements, and a value-to-id map (`_ids`) so one JS value has one id.

use crate::value::{Heap, HeapFull, Kind, ObjId, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// The upper half of a boxed reference: a quiet NaN (wasm_exec.js `nanHead`).
pub const NAN_HEAD: u32 = 0x7FF8_0000;

/// Ids wasm_exec.js reserves, in the order its `run` puts them in
/// `_values` (and [`Refs::new`] here), as Go's `syscall/js` hard-codes
/// them: `NaN`, `0`, `null`, `true`, `false`, `globalThis`, and the `Go`
/// instance (`this` of wasm_exec.js).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Id {
    /// `NaN`.
    Nan,
    /// `0`.
    Zero,
    /// `null`.
    Null,
    /// `true`.
    True,
    /// `false`.
    False,
    /// `globalThis`.
    Global,
    /// The `Go` instance.
    Go,
}

impl Id {
    /// The id as it crosses the ABI.
    pub const fn get(self) -> u32 {
        self as u32
    }
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
#[derive(Clone, Debug)]
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
            return Ok((Id::Nan.get(), 0));
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

    #[test]
    fn fixed_ids_and_sharing() {
        let mut heap = Heap::default();
        let g = heap.alloc(Kind::Plain).unwrap();
        let go = heap.alloc(Kind::Plain).unwrap();
        let mut refs = Refs::new(g, go);
        assert_eq!(refs.id_for(&Value::Null, &heap).unwrap(), (Id::Null.get(), 0));
        assert_eq!(refs.id_for(&Value::Bool(false), &heap).unwrap(), (Id::False.get(), 0));
        assert_eq!(refs.id_for(&Value::Number(0.0), &heap).unwrap(), (Id::Zero.get(), 0));
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
        refs.finalize(Id::Global.get());
        refs.finalize(999);
        assert_eq!(refs.get(Id::Global.get()), Value::Object(0));
        assert_eq!(refs.get(999), Value::Undefined);
    }
}
