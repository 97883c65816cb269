//! Runs one codec operation on a benchmark session N times, for counting
//! instructions with callgrind in `scripts/bench` (deterministic, unlike wall time
//! on a shared machine) and for profiling:
//! `ops N SHAPE OP`, SHAPE one of `login flashes cart large`, OP one of
//! `decode-dyn decode-typed encode-dyn encode-typed`.
use flask_session_cookie::json::JsonFormat;
use flask_session_cookie::{Limits, Session, SessionCodec, Value};
use serde::{Deserialize, Serialize};

#[path = "../benches/support/types.rs"]
mod types;
use types::{Cart, Flashes, Large, Login};

const AT: i64 = 1_700_000_000;

fn typed<T: Serialize + for<'de> Deserialize<'de>>(
    codec: &SessionCodec,
    cookie: &str,
    op: &str,
    n: usize,
) -> Result<(), flask_session_cookie::Error> {
    let value: T = codec.decode_as_at(cookie, AT)?;
    for _ in 0..n {
        if op == "decode-typed" {
            std::hint::black_box(codec.decode_as_at::<T>(std::hint::black_box(cookie), AT)?);
        } else {
            std::hint::black_box(codec.encode_as_at(std::hint::black_box(&value), AT)?);
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: ops N SHAPE OP";
    let n: usize = args.get(1).ok_or(usage)?.parse()?;
    let shape = args.get(2).ok_or(usage)?.as_str();
    let op = args.get(3).ok_or(usage)?.as_str();
    let shapes: serde_json::Value = serde_json::from_str(include_str!("../benches/shapes.json"))?;
    let tagged = shapes[shape].as_str().ok_or("unknown shape")?;
    let Value::Dict(dict) = JsonFormat::flask().loads(tagged, &Limits::new())? else {
        return Err("not a dict".into());
    };
    let codec = SessionCodec::new("bench-secret-key")?;
    let session = Session::from(dict);
    let cookie = codec.encode_at(&session, AT)?;
    match op {
        "decode-dyn" => {
            for _ in 0..n {
                std::hint::black_box(codec.decode_at(std::hint::black_box(&cookie), AT)?);
            }
        }
        "encode-dyn" => {
            for _ in 0..n {
                std::hint::black_box(codec.encode_at(std::hint::black_box(&session), AT)?);
            }
        }
        "decode-typed" | "encode-typed" => match shape {
            "login" => typed::<Login>(&codec, &cookie, op, n)?,
            "flashes" => typed::<Flashes>(&codec, &cookie, op, n)?,
            "cart" => typed::<Cart>(&codec, &cookie, op, n)?,
            _ => typed::<Large>(&codec, &cookie, op, n)?,
        },
        _ => return Err(usage.into()),
    }
    Ok(())
}
