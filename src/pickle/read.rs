//! The pickle machine: opcodes of protocols 0–5 over an arena of objects.

use std::collections::HashMap;

use time::{Date, Month, PrimitiveDateTime, Time, UtcOffset};
use uuid::Uuid;

use crate::error::{Error, Limit, PayloadStage, Result};
use crate::limits::Limits;
use crate::python;
use crate::value::Budget;
use crate::value::{Dict, Int, Value};

/// A callable a session's pickle may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Global {
    DateTime,
    Date,
    TimeDelta,
    TimeZone,
    Uuid,
    SafeUuid,
    Markup,
    Set,
    CodecsEncode,
    Reconstructor,
    Object,
    Str,
    /// `bytes()`: protocols 0–2 write an empty `bytes` as a call of it.
    Bytes,
}

fn global(module: &str, name: &str) -> Result<Global> {
    Ok(match (module, name) {
        ("datetime", "datetime") => Global::DateTime,
        ("datetime", "date") => Global::Date,
        ("datetime", "timedelta") => Global::TimeDelta,
        ("datetime", "timezone") => Global::TimeZone,
        ("uuid", "UUID") => Global::Uuid,
        ("uuid", "SafeUUID") => Global::SafeUuid,
        ("markupsafe", "Markup") => Global::Markup,
        ("builtins" | "__builtin__", "set") => Global::Set,
        ("_codecs", "encode") => Global::CodecsEncode,
        ("copyreg" | "copy_reg", "_reconstructor") => Global::Reconstructor,
        ("builtins" | "__builtin__", "object") => Global::Object,
        ("builtins" | "__builtin__", "str" | "unicode") => Global::Str,
        ("builtins" | "__builtin__", "bytes") => Global::Bytes,
        _ => {
            return Err(bad(format!(
                "the pickle names the global {module}.{name}, which a session does not hold; \
                 this reader recognises only datetime, date, timezone, UUID, Markup and set \
                 (it never imports or calls anything)"
            )));
        }
    })
}

/// An object of the running pickle.
#[derive(Debug, Clone)]
enum Obj {
    /// A finished value that nothing mutates.
    Value(Value),
    List(Vec<usize>),
    Tuple(Vec<usize>),
    Dict(Vec<(usize, usize)>),
    Set(Vec<usize>),
    Global(Global),
    /// `timedelta(days, seconds, microseconds)`, in microseconds.
    TimeDelta(i128),
    /// `timezone(offset)`.
    TimeZone(UtcOffset),
    /// A `uuid.UUID` made by `object.__new__`, waiting for its state (BUILD).
    BlankUuid,
}

/// A stack entry: a mark, or an object of the arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    Mark,
    Obj(usize),
}

fn bad(detail: impl Into<String>) -> Error {
    Error::payload(PayloadStage::Pickle, detail)
}

/// `pickle.loads` for a session's pickle, executing nothing: see the module docs.
/// Limits: [`Limits::max_stored_len`] before anything is read; then values, depth
/// and integer digits.
///
/// ```
/// use flask_session_cookie::{Limits, pickle};
/// assert!(pickle::loads(b"\x80\x04N.", &Limits::server_side())?.is_none());
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
pub fn loads(data: &[u8], limits: &Limits) -> Result<Value> {
    let mut budget = Budget::new(data.len(), limits)?;
    let mut m = Machine {
        data,
        pos: 0,
        arena: Vec::new(),
        stack: Vec::new(),
        memo: HashMap::new(),
        limits,
    };
    let root = m.run()?;
    m.build(root, 0, &mut budget)
}

struct Machine<'a> {
    data: &'a [u8],
    pos: usize,
    arena: Vec<Obj>,
    stack: Vec<Item>,
    memo: HashMap<u64, usize>,
    limits: &'a Limits,
}

impl<'a> Machine<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.data.len())
            .ok_or_else(|| bad("the pickle is truncated"))?;
        let out = self.data.get(self.pos..end).unwrap_or_default();
        self.pos = end;
        Ok(out)
    }

    fn uint_le(&mut self, n: usize) -> Result<u64> {
        Ok(self
            .take(n)?
            .iter()
            .rev()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }

    fn len_le(&mut self, n: usize) -> Result<usize> {
        let len = self.uint_le(n)?;
        usize::try_from(len)
            .ok()
            .filter(|&l| l <= self.data.len() - self.pos)
            .ok_or_else(|| bad("the pickle is truncated"))
    }

    /// A text line (protocol 0), without its `\n`.
    fn line(&mut self) -> Result<&'a [u8]> {
        let rest = self.data.get(self.pos..).unwrap_or_default();
        let n = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| bad("the pickle is truncated (a line has no end)"))?;
        let line = rest.get(..n).unwrap_or_default();
        self.pos += n + 1;
        Ok(line)
    }

    fn new_obj(&mut self, obj: Obj) -> Result<usize> {
        if self.arena.len() >= self.limits.max_items() {
            return Err(Error::limit(
                Limit::Items,
                format!("more than {} values", self.limits.max_items()),
            ));
        }
        self.arena.push(obj);
        Ok(self.arena.len() - 1)
    }

    fn push(&mut self, obj: Obj) -> Result<()> {
        let id = self.new_obj(obj)?;
        self.stack.push(Item::Obj(id));
        Ok(())
    }

    fn push_value(&mut self, v: Value) -> Result<()> {
        self.push(Obj::Value(v))
    }

    fn pop(&mut self) -> Result<usize> {
        match self.stack.pop() {
            Some(Item::Obj(id)) => Ok(id),
            Some(Item::Mark) => Err(bad("a mark where an object was expected")),
            None => Err(bad(
                "the pickle's stack is empty where an object was expected",
            )),
        }
    }

    fn top(&self) -> Result<usize> {
        match self.stack.last() {
            Some(Item::Obj(id)) => Ok(*id),
            _ => Err(bad("no object on the pickle's stack")),
        }
    }

    /// The objects above the topmost mark, and the mark removed.
    fn pop_mark(&mut self) -> Result<Vec<usize>> {
        let at = self
            .stack
            .iter()
            .rposition(|i| *i == Item::Mark)
            .ok_or_else(|| bad("no mark on the pickle's stack"))?;
        let items = self.stack.split_off(at + 1);
        self.stack.pop();
        items
            .into_iter()
            .map(|i| match i {
                Item::Obj(id) => Ok(id),
                Item::Mark => Err(bad("a mark where an object was expected")),
            })
            .collect()
    }

    fn obj(&self, id: usize) -> Result<&Obj> {
        self.arena
            .get(id)
            .ok_or_else(|| bad("a reference to no object"))
    }

    fn memo_put(&mut self, key: u64) -> Result<()> {
        let id = self.top()?;
        self.memo.insert(key, id);
        Ok(())
    }

    fn memo_get(&mut self, key: u64) -> Result<()> {
        let id = *self
            .memo
            .get(&key)
            .ok_or_else(|| bad(format!("the memo has no entry {key}")))?;
        self.stack.push(Item::Obj(id));
        Ok(())
    }

    fn add_items(&mut self, target: usize, items: Vec<usize>) -> Result<()> {
        match self.arena.get_mut(target) {
            Some(Obj::List(list)) => list.extend(items),
            Some(Obj::Set(set)) => set.extend(items),
            _ => {
                return Err(bad(
                    "APPEND or ADDITEMS on something that is not a list or set",
                ));
            }
        }
        Ok(())
    }

    fn set_items(&mut self, target: usize, items: Vec<usize>) -> Result<()> {
        if !items.len().is_multiple_of(2) {
            return Err(bad("SETITEMS with an odd number of objects"));
        }
        let Some(Obj::Dict(entries)) = self.arena.get_mut(target) else {
            return Err(bad("SETITEM on something that is not a dict"));
        };
        entries.extend(items.chunks_exact(2).filter_map(|p| match p {
            [k, v] => Some((*k, *v)),
            _ => None,
        }));
        Ok(())
    }

    fn text(&self, bytes: &[u8]) -> Result<String> {
        std::str::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|_| bad("a string in the pickle is not valid UTF-8"))
    }

    /// Python 2 `str` (STRING, BINSTRING): read as `pickle.loads`' default
    /// `encoding="ASCII"` does.
    fn ascii(&self, bytes: &[u8]) -> Result<String> {
        if !bytes.is_ascii() {
            return Err(bad(
                "a Python 2 str in the pickle is not ASCII (pickle.loads would fail too)",
            ));
        }
        self.text(bytes)
    }

    fn int_text(&self, line: &[u8]) -> Result<Value> {
        let text = std::str::from_utf8(line).map_err(|_| bad("a bad INT"))?;
        let text = text.trim().trim_end_matches('L');
        match text {
            "00" => return Ok(Value::Bool(false)),
            "01" => return Ok(Value::Bool(true)),
            _ => {}
        }
        self.int_digits(text.trim_start_matches(['-', '+']).len())?;
        text.parse::<Int>()
            .map(Value::Int)
            .map_err(|_| bad(format!("a bad integer in the pickle: {text:?}")))
    }

    fn int_digits(&self, digits: usize) -> Result<()> {
        Budget::new(0, self.limits)?.int_digits(digits)
    }

    /// LONG1 / LONG4: little-endian two's complement.
    fn long(&mut self, n: usize) -> Result<Value> {
        // 8 bytes are at least 2.4 decimal digits each: refuse before converting.
        self.int_digits((n * 12).div_ceil(5).saturating_sub(2))?;
        let bytes = self.take(n)?;
        Ok(Value::Int(int_from_le(bytes)))
    }

    fn run(&mut self) -> Result<usize> {
        loop {
            let op = *self
                .take(1)?
                .first()
                .ok_or_else(|| bad("the pickle is truncated"))?;
            match op {
                b'.' => return self.pop(),
                0x80 => {
                    let proto = self.take(1)?.first().copied().unwrap_or(0);
                    if proto > 5 {
                        return Err(bad(format!(
                            "pickle protocol {proto} (this reader knows 0 to 5)"
                        )));
                    }
                }
                0x95 => {
                    self.take(8)?;
                }
                b'(' => self.stack.push(Item::Mark),
                b'0' => {
                    self.stack
                        .pop()
                        .ok_or_else(|| bad("POP on an empty stack"))?;
                }
                b'1' => {
                    self.pop_mark()?;
                }
                b'2' => {
                    let top = self.top()?;
                    self.stack.push(Item::Obj(top));
                }
                b'N' => self.push_value(Value::None)?,
                0x88 => self.push_value(Value::Bool(true))?,
                0x89 => self.push_value(Value::Bool(false))?,
                b'I' => {
                    let line = self.line()?;
                    let v = self.int_text(line)?;
                    self.push_value(v)?;
                }
                b'L' => {
                    let line = self.line()?;
                    let v = self.int_text(line)?;
                    self.push_value(v)?;
                }
                b'J' => {
                    let v = self.uint_le(4)? as u32 as i32;
                    self.push_value(Value::from(i64::from(v)))?;
                }
                b'K' => {
                    let v = self.uint_le(1)?;
                    self.push_value(Value::from(v as i64))?;
                }
                b'M' => {
                    let v = self.uint_le(2)?;
                    self.push_value(Value::from(v as i64))?;
                }
                0x8a => {
                    let n = self.len_le(1)?;
                    let v = self.long(n)?;
                    self.push_value(v)?;
                }
                0x8b => {
                    let n = self.uint_le(4)? as u32 as i32;
                    let n = usize::try_from(n).map_err(|_| bad("a negative LONG4 length"))?;
                    let v = self.long(n)?;
                    self.push_value(v)?;
                }
                b'F' => {
                    let line = self.line()?;
                    let text = std::str::from_utf8(line).map_err(|_| bad("a bad FLOAT"))?;
                    let f = parse_py_float(text.trim())
                        .ok_or_else(|| bad(format!("a bad FLOAT: {text:?}")))?;
                    self.push_value(Value::Float(f))?;
                }
                b'G' => {
                    let raw = self.take(8)?;
                    let mut b = [0u8; 8];
                    b.copy_from_slice(raw);
                    self.push_value(Value::Float(f64::from_be_bytes(b)))?;
                }
                b'V' => {
                    let line = self.line()?;
                    let s = raw_unicode_escape(line)?;
                    self.push_value(Value::Str(s))?;
                }
                b'X' => {
                    let n = self.len_le(4)?;
                    let raw = self.take(n)?;
                    let s = self.text(raw)?;
                    self.push_value(Value::Str(s))?;
                }
                0x8c => {
                    let n = self.len_le(1)?;
                    let raw = self.take(n)?;
                    let s = self.text(raw)?;
                    self.push_value(Value::Str(s))?;
                }
                0x8d => {
                    let n = self.len_le(8)?;
                    let raw = self.take(n)?;
                    let s = self.text(raw)?;
                    self.push_value(Value::Str(s))?;
                }
                b'S' => {
                    let line = self.line()?;
                    let text = std::str::from_utf8(line).map_err(|_| bad("a bad STRING"))?;
                    let bytes = python::parse_bytes_literal(&format!("b{}", text.trim()))
                        .ok_or_else(|| bad("a bad STRING"))?;
                    let s = self.ascii(&bytes)?;
                    self.push_value(Value::Str(s))?;
                }
                b'T' | b'U' => {
                    let n = if op == b'T' {
                        self.len_le(4)?
                    } else {
                        self.len_le(1)?
                    };
                    let raw = self.take(n)?;
                    let s = self.ascii(raw)?;
                    self.push_value(Value::Str(s))?;
                }
                b'B' | b'C' | 0x8e | 0x96 => {
                    let n = match op {
                        b'B' => self.len_le(4)?,
                        b'C' => self.len_le(1)?,
                        _ => self.len_le(8)?,
                    };
                    if op == 0x96 {
                        return Err(bad("a bytearray, which a session does not hold"));
                    }
                    let raw = self.take(n)?.to_vec();
                    self.push_value(Value::Bytes(raw))?;
                }
                b']' => self.push(Obj::List(Vec::new()))?,
                b')' => self.push(Obj::Tuple(Vec::new()))?,
                b'}' => self.push(Obj::Dict(Vec::new()))?,
                0x8f => self.push(Obj::Set(Vec::new()))?,
                b'l' => {
                    let items = self.pop_mark()?;
                    self.push(Obj::List(items))?;
                }
                b't' => {
                    let items = self.pop_mark()?;
                    self.push(Obj::Tuple(items))?;
                }
                b'd' => {
                    let items = self.pop_mark()?;
                    let id = self.new_obj(Obj::Dict(Vec::new()))?;
                    self.set_items(id, items)?;
                    self.stack.push(Item::Obj(id));
                }
                0x85..=0x87 => {
                    let n = usize::from(op - 0x84);
                    let mut items = Vec::with_capacity(n);
                    for _ in 0..n {
                        items.push(self.pop()?);
                    }
                    items.reverse();
                    self.push(Obj::Tuple(items))?;
                }
                b'a' => {
                    let item = self.pop()?;
                    let target = self.top()?;
                    self.add_items(target, vec![item])?;
                }
                b'e' | 0x90 => {
                    let items = self.pop_mark()?;
                    let target = self.top()?;
                    self.add_items(target, items)?;
                }
                b's' => {
                    let value = self.pop()?;
                    let key = self.pop()?;
                    let target = self.top()?;
                    self.set_items(target, vec![key, value])?;
                }
                b'u' => {
                    let items = self.pop_mark()?;
                    let target = self.top()?;
                    self.set_items(target, items)?;
                }
                0x91 => return Err(bad("a frozenset, which a session does not hold")),
                b'p' => {
                    let line = self.line()?;
                    let key = std::str::from_utf8(line)
                        .ok()
                        .and_then(|t| t.trim().parse().ok())
                        .ok_or_else(|| bad("a bad PUT"))?;
                    self.memo_put(key)?;
                }
                b'q' => {
                    let key = self.uint_le(1)?;
                    self.memo_put(key)?;
                }
                b'r' => {
                    let key = self.uint_le(4)?;
                    self.memo_put(key)?;
                }
                0x94 => {
                    let key = self.memo.len() as u64;
                    self.memo_put(key)?;
                }
                b'g' => {
                    let line = self.line()?;
                    let key = std::str::from_utf8(line)
                        .ok()
                        .and_then(|t| t.trim().parse().ok())
                        .ok_or_else(|| bad("a bad GET"))?;
                    self.memo_get(key)?;
                }
                b'h' => {
                    let key = self.uint_le(1)?;
                    self.memo_get(key)?;
                }
                b'j' => {
                    let key = self.uint_le(4)?;
                    self.memo_get(key)?;
                }
                b'c' => {
                    let module = self.line()?;
                    let name = self.line()?;
                    let (module, name) = (self.text(module)?, self.text(name)?);
                    let g = global(module.trim(), name.trim())?;
                    self.push(Obj::Global(g))?;
                }
                0x93 => {
                    let name = self.pop()?;
                    let module = self.pop()?;
                    let (Obj::Value(Value::Str(module)), Obj::Value(Value::Str(name))) =
                        (self.obj(module)?, self.obj(name)?)
                    else {
                        return Err(bad("STACK_GLOBAL without two strings"));
                    };
                    let g = global(module, name)?;
                    self.push(Obj::Global(g))?;
                }
                b'R' => {
                    let args = self.pop()?;
                    let callable = self.pop()?;
                    let obj = self.reduce(callable, args)?;
                    self.push(obj)?;
                }
                0x81 => {
                    let args = self.pop()?;
                    let cls = self.pop()?;
                    let obj = self.new_instance(cls, args)?;
                    self.push(obj)?;
                }
                0x92 => {
                    let kwargs = self.pop()?;
                    let args = self.pop()?;
                    let cls = self.pop()?;
                    if !matches!(self.obj(kwargs)?, Obj::Dict(d) if d.is_empty()) {
                        return Err(bad("NEWOBJ_EX with keyword arguments"));
                    }
                    let obj = self.new_instance(cls, args)?;
                    self.push(obj)?;
                }
                b'b' => {
                    let state = self.pop()?;
                    let target = self.top()?;
                    let built = self.build_state(target, state)?;
                    if let Some(slot) = self.arena.get_mut(target) {
                        *slot = built;
                    }
                }
                b'P' | b'Q' => return Err(bad("a persistent id, which a session does not hold")),
                b'i' | b'o' => {
                    return Err(bad(
                        "an old-style instance (INST/OBJ), which a session does not hold",
                    ));
                }
                0x82..=0x84 => {
                    return Err(bad(
                        "an extension-registry object, which a session does not hold",
                    ));
                }
                0x97 | 0x98 => {
                    return Err(bad("an out-of-band buffer, which a session does not hold"));
                }
                other => {
                    return Err(bad(format!(
                        "unknown opcode 0x{other:02x} at byte {}",
                        self.pos - 1
                    )));
                }
            }
        }
    }

    fn tuple_items(&self, id: usize) -> Result<Vec<usize>> {
        match self.obj(id)? {
            Obj::Tuple(items) => Ok(items.clone()),
            _ => Err(bad("the arguments of a call are not a tuple")),
        }
    }

    fn value_of(&self, id: usize) -> Result<&Value> {
        match self.obj(id)? {
            Obj::Value(v) => Ok(v),
            _ => Err(bad("an argument of a call is not a plain value")),
        }
    }

    fn reduce(&self, callable: usize, args: usize) -> Result<Obj> {
        let Obj::Global(g) = self.obj(callable)? else {
            return Err(bad("REDUCE of something that is not a recognised global"));
        };
        let args = self.tuple_items(args)?;
        let arg = |i: usize| {
            args.get(i)
                .copied()
                .ok_or_else(|| bad(format!("too few arguments for {g:?}")))
        };
        match (*g, args.len()) {
            (Global::DateTime, 1 | 2) => {
                let Value::Bytes(state) = self.value_of(arg(0)?)? else {
                    return Err(bad("datetime's state is not bytes"));
                };
                let naive = datetime_from_state(state)?;
                match args.get(1) {
                    None => Ok(Obj::Value(Value::NaiveDateTime(naive))),
                    Some(&tz) => match self.obj(tz)? {
                        Obj::TimeZone(offset) => {
                            Ok(Obj::Value(Value::DateTime(naive.assume_offset(*offset))))
                        }
                        Obj::Value(Value::None) => Ok(Obj::Value(Value::NaiveDateTime(naive))),
                        _ => Err(bad("a datetime whose tzinfo is not a datetime.timezone")),
                    },
                }
            }
            (Global::Date, 1) => {
                let Value::Bytes(state) = self.value_of(arg(0)?)? else {
                    return Err(bad("date's state is not bytes"));
                };
                Ok(Obj::Value(Value::Date(date_from_state(state)?)))
            }
            (Global::TimeDelta, 3) => {
                let part = |i: usize| -> Result<i128> {
                    self.value_of(arg(i)?)?
                        .as_int()
                        .and_then(Int::as_i128)
                        .ok_or_else(|| bad("a timedelta part is not an integer"))
                };
                Ok(Obj::TimeDelta(
                    part(0)? * 86_400_000_000 + part(1)? * 1_000_000 + part(2)?,
                ))
            }
            (Global::TimeZone, 1) => {
                let Obj::TimeDelta(micros) = self.obj(arg(0)?)? else {
                    return Err(bad("a timezone whose offset is not a timedelta"));
                };
                if micros % 1_000_000 != 0 {
                    return Err(bad("a timezone offset with microseconds"));
                }
                let seconds = i32::try_from(micros / 1_000_000)
                    .map_err(|_| bad("a timezone offset out of range"))?;
                UtcOffset::from_whole_seconds(seconds)
                    .map(Obj::TimeZone)
                    .map_err(|_| bad("a timezone offset out of range"))
            }
            (Global::TimeZone, 2) => Err(bad(
                "a datetime.timezone with a name, which this crate's datetimes do not keep",
            )),
            (Global::CodecsEncode, 2) => {
                let (Value::Str(text), Value::Str(codec)) =
                    (self.value_of(arg(0)?)?, self.value_of(arg(1)?)?)
                else {
                    return Err(bad("_codecs.encode without two strings"));
                };
                if !matches!(codec.as_str(), "latin1" | "latin-1" | "iso-8859-1") {
                    return Err(bad(format!("_codecs.encode with the codec {codec:?}")));
                }
                text.chars()
                    .map(|c| {
                        u8::try_from(u32::from(c)).map_err(|_| bad("_codecs.encode: not Latin-1"))
                    })
                    .collect::<Result<Vec<u8>>>()
                    .map(|b| Obj::Value(Value::Bytes(b)))
            }
            (Global::Set, 0) => Ok(Obj::Set(Vec::new())),
            (Global::Bytes, 0) => Ok(Obj::Value(Value::Bytes(Vec::new()))),
            (Global::Set, 1) => match self.obj(arg(0)?)? {
                Obj::List(items) | Obj::Tuple(items) | Obj::Set(items) => {
                    Ok(Obj::Set(items.clone()))
                }
                _ => Err(bad("set() of something that is not a list")),
            },
            (Global::Reconstructor, 3) => {
                let (cls, base) = (self.obj(arg(0)?)?, self.obj(arg(1)?)?);
                match (cls, base) {
                    (Obj::Global(Global::Uuid), Obj::Global(Global::Object)) => Ok(Obj::BlankUuid),
                    (Obj::Global(Global::Markup), Obj::Global(Global::Str)) => {
                        match self.value_of(arg(2)?)? {
                            Value::Str(s) => Ok(Obj::Value(Value::Markup(s.clone()))),
                            _ => Err(bad("a Markup whose text is not a string")),
                        }
                    }
                    _ => Err(bad(
                        "copyreg._reconstructor of something a session does not hold",
                    )),
                }
            }
            (Global::SafeUuid, 1) => Ok(Obj::Value(Value::None)),
            (g, n) => Err(bad(format!(
                "{g:?} called with {n} arguments, as no session's pickle does"
            ))),
        }
    }

    fn new_instance(&self, cls: usize, args: usize) -> Result<Obj> {
        let args = self.tuple_items(args)?;
        match (self.obj(cls)?, args.as_slice()) {
            (Obj::Global(Global::Uuid), []) => Ok(Obj::BlankUuid),
            (Obj::Global(Global::Markup), [text]) => match self.value_of(*text)? {
                Value::Str(s) => Ok(Obj::Value(Value::Markup(s.clone()))),
                _ => Err(bad("a Markup whose text is not a string")),
            },
            _ => Err(bad("NEWOBJ of something a session does not hold")),
        }
    }

    fn build_state(&self, target: usize, state: usize) -> Result<Obj> {
        let Obj::BlankUuid = self.obj(target)? else {
            return Err(bad("BUILD on something that is not a UUID"));
        };
        let Obj::Dict(entries) = self.obj(state)? else {
            return Err(bad("a UUID's state is not a dict"));
        };
        let mut int = None;
        for &(k, v) in entries {
            match self.value_of(k)? {
                Value::Str(key) if key == "int" => int = Some(v),
                Value::Str(key) if key == "is_safe" => {}
                _ => return Err(bad("a UUID's state has an unknown key")),
            }
        }
        let int = int.ok_or_else(|| bad("a UUID's state has no int"))?;
        let n = match self.value_of(int)? {
            Value::Int(i) => i.to_string().parse::<u128>().ok(),
            _ => None,
        }
        .ok_or_else(|| bad("a UUID's int is not a 128-bit integer"))?;
        Ok(Obj::Value(Value::Uuid(Uuid::from_u128(n))))
    }

    /// The value of object `id`, built under the limits (a structure that contains
    /// itself ends at the depth limit).
    fn build(&self, id: usize, depth: usize, built: &mut Budget<'_>) -> Result<Value> {
        built.take(depth)?;
        let seq = |items: &[usize], built: &mut Budget<'_>| -> Result<Vec<Value>> {
            items
                .iter()
                .map(|&i| self.build(i, depth + 1, built))
                .collect()
        };
        Ok(match self.obj(id)? {
            Obj::Value(v) => v.clone(),
            Obj::List(items) => Value::List(seq(items, built)?),
            Obj::Tuple(items) => Value::Tuple(seq(items, built)?),
            Obj::Set(items) => Value::Set(seq(items, built)?),
            Obj::Dict(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for &(k, v) in entries {
                    let key = match self.build(k, depth + 1, built)? {
                        Value::Str(s) => s,
                        other => {
                            return Err(Error::payload(
                                PayloadStage::Value,
                                format!(
                                    "a dict key is a {} ({other}); a session's keys are str",
                                    other.type_name()
                                ),
                            ));
                        }
                    };
                    out.push((key.into(), self.build(v, depth + 1, built)?));
                }
                Value::Dict(Dict::from_entries(out))
            }
            Obj::Global(g) => return Err(bad(format!("a bare global ({g:?}) as a value"))),
            Obj::TimeDelta(_) => {
                return Err(bad("a timedelta, which a session's value cannot be here"));
            }
            Obj::TimeZone(_) => return Err(bad("a timezone as a value")),
            Obj::BlankUuid => return Err(bad("a UUID without its state")),
        })
    }
}

/// `datetime`'s pickled state: year (2 bytes), month (high bit: fold), day, hour,
/// minute, second, microsecond (3 bytes).
fn datetime_from_state(state: &[u8]) -> Result<PrimitiveDateTime> {
    let [yh, yl, mo, d, h, mi, s, u0, u1, u2] = state else {
        return Err(bad("datetime's state is not 10 bytes"));
    };
    let date = date_from_state(&[*yh, *yl, mo & 0x7f, *d])?;
    let micros = u32::from(*u0) << 16 | u32::from(*u1) << 8 | u32::from(*u2);
    let time = Time::from_hms_micro(*h, *mi, *s, micros)
        .map_err(|_| bad("a datetime's time is out of range"))?;
    Ok(PrimitiveDateTime::new(date, time))
}

fn date_from_state(state: &[u8]) -> Result<Date> {
    let [yh, yl, mo, d] = state else {
        return Err(bad("date's state is not 4 bytes"));
    };
    let year = i32::from(*yh) << 8 | i32::from(*yl);
    let month = Month::try_from(*mo).map_err(|_| bad("a date's month is out of range"))?;
    if !(1..=9999).contains(&year) {
        return Err(bad("a date's year is out of range"));
    }
    Date::from_calendar_date(year, month, *d).map_err(|_| bad("a date is out of range"))
}

/// A little-endian two's complement integer of any length.
fn int_from_le(bytes: &[u8]) -> Int {
    let negative = bytes.last().is_some_and(|&b| b & 0x80 != 0);
    // Magnitude in base 2^32 limbs, little-endian.
    let mut magnitude: Vec<u8> = bytes.to_vec();
    if negative {
        // Two's complement: invert and add one.
        let mut carry = true;
        for b in &mut magnitude {
            let (v, c) = (!*b).overflowing_add(u8::from(carry));
            *b = v;
            carry = c;
        }
    }
    // Repeated division by 10^9 on big-endian bytes.
    let mut be: Vec<u32> = magnitude.iter().rev().map(|&b| u32::from(b)).collect();
    let mut chunks: Vec<u32> = Vec::new();
    while be.iter().any(|&d| d != 0) {
        let mut rem: u64 = 0;
        for d in &mut be {
            let cur = (rem << 8) | u64::from(*d);
            *d = (cur / 1_000_000_000) as u32;
            rem = cur % 1_000_000_000;
        }
        chunks.push(rem as u32);
        let lead = be.iter().position(|&d| d != 0).unwrap_or(be.len());
        be.drain(..lead);
    }
    let mut text = String::new();
    if negative {
        text.push('-');
    }
    match chunks.split_last() {
        None => text.push('0'),
        Some((first, rest)) => {
            text.push_str(&first.to_string());
            for c in rest.iter().rev() {
                text.push_str(&format!("{c:09}"));
            }
        }
    }
    text.parse().unwrap_or_else(|_| Int::from(0))
}

/// `float(text)` for the texts protocol 0 writes (`repr` of a float).
fn parse_py_float(text: &str) -> Option<f64> {
    match text {
        "nan" => Some(f64::NAN),
        "inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        _ => text.parse().ok().filter(|f: &f64| f.is_finite()),
    }
}

/// `raw-unicode-escape`: `\uXXXX` and `\UXXXXXXXX` escapes, every other byte a
/// Latin-1 character.
fn raw_unicode_escape(line: &[u8]) -> Result<String> {
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while let Some(&b) = line.get(i) {
        let width = match (b, line.get(i + 1)) {
            (b'\\', Some(b'u')) => 4,
            (b'\\', Some(b'U')) => 8,
            _ => 0,
        };
        if width == 0 {
            out.push(char::from(b));
            i += 1;
            continue;
        }
        let hex = line
            .get(i + 2..i + 2 + width)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or_else(|| bad("a bad \\u escape in a protocol-0 string"))?;
        out.push(char::from_u32(hex).ok_or_else(|| bad("a surrogate in a protocol-0 string"))?);
        i += 2 + width;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_integers() {
        for (bytes, want) in [
            (&[][..], "0"),
            (&[0xff][..], "-1"),
            (&[0x00, 0x01][..], "256"),
            (
                &[0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40][..],
                "1180591620717411303424",
            ),
            (
                &[0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0][..],
                "-1180591620717411303424",
            ),
            (&[0x00, 0x80][..], "-32768"),
        ] {
            assert_eq!(int_from_le(bytes).to_string(), want, "{bytes:?}");
        }
    }

    #[test]
    fn memo_fetches_count_against_the_limit() {
        // A list holding itself eight times over, memoized: 2^k values when built.
        let mut data = b"\x80\x04]\x94".to_vec();
        for i in 0..40u8 {
            data.extend_from_slice(&[b'h', i, b'h', i, 0x86, 0x94]);
        }
        data.push(b'.');
        let limits = Limits::server_side();
        let err = loads(&data, &limits).unwrap_err();
        assert!(
            matches!(err.kind(), crate::ErrorKind::LimitExceeded(Limit::Items)),
            "{err}"
        );
    }
}
