#!/usr/bin/env python3
"""Crafts the costliest session cookies that fit within the decoder's default limits.

Each shape is a payload an attacker who holds the key (or the app itself, through a
bug) could make, grown as large as the limits allow: the cookie text at most
`max_cookie_len` (16 KiB), the inflated JSON at most `max_inflated_len`, nesting at
most `max_depth` (128), at most `max_items` values (10,000). Every cookie is signed exactly as Flask signs one (HMAC-SHA1 with
the key derived from `dev-secret` and the salt `cookie-session`, zlib when that saves
two bytes, timestamp 1700000000), with the Python standard library only, so that
nothing of the crate's own encoder decides what it is tested with.

    python3 fuzz/worst_case.py [OUT.json] [--max-inflated BYTES] [--max-cookie BYTES]
                               [--max-items N]

Each shape comes twice where the limits allow: grown as far as every limit allows
(accepted: the costliest cookie the decoder reads), and grown past `max_items` within
the byte limits (`-over`, refused: the costliest cookie the decoder refuses).

Writes a JSON list of {"name", "what", "n", "values", "json_len", "cookie"} (stdout
without OUT).
The budget test (tests/budget.rs) decodes each one under a counting allocator;
`examples/worst_case.rs` times them.
"""

import argparse
import base64
import hashlib
import hmac
import json
import struct
import sys
import zlib

sys.setrecursionlimit(20_000)

KEY = b"dev-secret"
SALT = b"cookie-session"
TIMESTAMP = 1_700_000_000


def b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def sign(json_text: str) -> str:
    """A cookie as Flask writes it for this JSON."""
    raw = json_text.encode("utf-8")
    compressed = zlib.compress(raw)
    payload = b"." + b64(compressed) if len(compressed) < len(raw) - 1 else b64(raw)
    ts = b64(struct.pack(">Q", TIMESTAMP).lstrip(b"\0"))
    value = payload + b"." + ts
    derived = hmac.new(KEY, SALT, hashlib.sha1).digest()
    sig = b64(hmac.new(derived, value, hashlib.sha1).digest())
    return (value + b"." + sig).decode("ascii")


class Members(list):
    """A JSON object as the list of its members, duplicates included."""


def count_values(text):
    """Values as the decoder counts them (Limits::max_items): every scalar, list and
    dict in the text (a repeated key's values too), and each character of a string
    that a ` t` tag makes a tuple of."""
    total, stack = 0, [json.loads(text, object_pairs_hook=Members)]
    while stack:
        v = stack.pop()
        total += 1
        if isinstance(v, Members):
            if len(v) == 1 and v[0][0] == " t" and isinstance(v[0][1], str):
                total += len(v[0][1])
            stack.extend(value for _, value in v)
        elif isinstance(v, list):
            stack.extend(v)
    return total


def largest(build, max_inflated, max_cookie, max_items=None):
    """The largest n whose JSON and cookie fit the limits (all grow with n)."""
    def fits(n):
        text = build(n)
        if len(text.encode()) > max_inflated or len(sign(text)) > max_cookie:
            return False
        return max_items is None or count_values(text) <= max_items

    lo = 1
    if not fits(lo):
        return None
    # Gallop to a first n that does not fit (the JSON grows with n), then bisect.
    hi = 2
    while fits(hi):
        lo, hi = hi, hi * 2
    hi -= 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def rng_words(seed: int):
    """A deterministic stream of pseudo-random numbers (xorshift)."""
    x = seed
    while True:
        x ^= (x << 13) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 7
        x ^= (x << 17) & 0xFFFFFFFFFFFFFFFF
        yield x


def items(make, n):
    return ",".join(make(i) for i in range(n))


def nested(depth, inner="[]"):
    return "[" * (depth - 1) + inner + "]" * (depth - 1)


def shapes(max_depth):
    """(name, what it attacks, n -> JSON text)."""
    def desc_pairs(n):
        return "[" + items(lambda i: f'["{n - i:x}",0]', n) + "]"

    def unique_keys(n):
        return "{" + items(lambda i: f'"{i:x}":0', n) + "}"

    def random_keys(n):
        words = rng_words(7)
        return "{" + items(lambda i: f'"{next(words):016x}":0', n) + "}"

    def hard_floats(n):
        words = rng_words(11)
        floats = []
        for _ in range(n):
            bits = next(words) & 0x7FEFFFFFFFFFFFFF
            floats.append(repr(struct.unpack("<d", struct.pack("<Q", bits))[0]))
        return '{"f":[' + ",".join(floats) + "]}"

    return [
        ("tuple-of-chars", "a ` t` tag over one long string: a tuple of one-character strings",
         lambda n: '{"t":{" t":"' + "x" * n + '"}}'),
        ("deep-lists-repeated", "lists nested to the depth limit, repeated",
         lambda n: '{"d":[' + ",".join([nested(max_depth - 2)] * n) + "]}"),
        ("deep-dicts-repeated", "dicts nested to the depth limit, repeated",
         lambda n: '{"d":[' + ",".join(['{"a":' * (max_depth - 3) + "0" + "}" * (max_depth - 3)] * n) + "]}"),
        ("deep-tags", "` t` tags nested to the depth limit, repeated",
         lambda n: '{"d":[' + ",".join(['{" t":[' * ((max_depth - 3) // 2) + "0" + "]}" * ((max_depth - 3) // 2)] * n) + "]}"),
        ("deep-di", "` di` escapes nested to the depth limit",
         lambda n: '{"d":[' + ",".join(['{" di":{" t__":' * ((max_depth - 3) // 2) + "0" + "}}" * ((max_depth - 3) // 2)] * n) + "]}"),
        ("empty-lists", "many tiny containers: empty lists",
         lambda n: '{"l":[' + ",".join(["[]"] * n) + "]}"),
        ("empty-dicts", "many tiny containers: empty dicts",
         lambda n: '{"l":[' + ",".join(["{}"] * n) + "]}"),
        ("small-lists", "many tiny containers: one-item lists",
         lambda n: '{"l":[' + ",".join(["[0]"] * n) + "]}"),
        ("zeros", "many scalars: a list of zeros",
         lambda n: '{"l":[' + ",".join(["0"] * n) + "]}"),
        ("short-strings", "many one-character strings",
         lambda n: '{"l":[' + ",".join(['"a"'] * n) + "]}"),
        ("duplicate-keys", "one key repeated (the last wins)",
         lambda n: "{" + ",".join(['"a":0'] * n) + "}"),
        ("unique-keys", "many distinct keys, in order",
         unique_keys),
        ("random-keys", "many distinct keys, out of order",
         random_keys),
        ("pairs-descending", "a list of pairs with descending keys (Flask's dict(data))",
         desc_pairs),
        ("long-escapes", "one string of \\u escapes",
         lambda n: '{"s":"' + "\\u00e9" * n + '"}'),
        ("surrogate-pairs", "one string of surrogate-pair escapes",
         lambda n: '{"s":"' + "\\ud83d\\ude00" * n + '"}'),
        ("big-ints", "integers of the largest digit count allowed (4300)",
         lambda n: '{"i":[' + ",".join(["9" * 4300] * n) + "]}"),
        ("hard-floats", "floats with 17 significant digits and extreme exponents",
         hard_floats),
        ("dates", "many ` d` dates",
         lambda n: '{"d":[' + ",".join(['{" d":"Tue, 02 Jan 2024 03:04:05 +0130"}'] * n) + "]}"),
        ("uuids", "many ` u` UUIDs in the longest accepted form",
         lambda n: '{"u":[' + ",".join(['{" u":"urn:uuid:{12345678-1234-5678-1234-567812345678}"}'] * n) + "]}"),
        ("bytes", "one ` b` tag over a long base64 text",
         lambda n: '{"b":{" b":"' + "QUFB" * n + '"}}'),
        ("markup", "many ` m` tags",
         lambda n: '{"m":[' + ",".join(['{" m":"<b>x</b>"}'] * n) + "]}"),
        ("flashes", "many flashed messages",
         lambda n: '{"_flashes":[' + ",".join(['{" t":["message","Hello!"]}'] * n) + "]}"),
        ("whitespace", "JSON made mostly of whitespace",
         lambda n: '{"a":' + " " * n + "0}"),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?")
    parser.add_argument("--max-inflated", type=int, default=256 * 1024)
    parser.add_argument("--max-cookie", type=int, default=16 * 1024)
    parser.add_argument("--max-items", type=int, default=10_000)
    parser.add_argument("--max-depth", type=int, default=128)
    args = parser.parse_args()
    out = []
    for name, what, build in shapes(args.max_depth):
        accepted = largest(build, args.max_inflated, args.max_cookie, args.max_items)
        over = largest(build, args.max_inflated, args.max_cookie)
        for suffix, n in [("", accepted), ("-over", over if over != accepted else None)]:
            if n is None:
                continue
            text = build(n)
            out.append({
                "name": name + suffix, "what": what, "n": n, "values": count_values(text),
                "json_len": len(text.encode()), "cookie": sign(text),
            })
    data = json.dumps(out, indent=1) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(data)
    else:
        sys.stdout.write(data)


if __name__ == "__main__":
    main()
