//! SECRET_KEYs published in documentation, tutorials and projects' default configs:
//! `crack --builtin` (and `crack` without a wordlist) answers "is this a known
//! default key?". Each entry names where it is published. "flask-unsign-wordlist"
//! means the entry is in `all.txt` of the PyPI package flask-unsign-wordlist 2024.1
//! (keys collected from public code on GitHub, GitLab, Stack Overflow and
//! searchcode), as a Python literal there.

/// The keys, as the bytes Flask signs with (a `str` key's UTF-8 bytes).
pub(crate) const KEYS: &[&[u8]] = &[
    // Flask's tutorial ("Application Setup"): SECRET_KEY='dev'; flask-unsign-wordlist.
    b"dev",
    // Flask's quickstart ("Sessions"), the example of a random key:
    // app.secret_key = b'_5#y2L"F4Q8z\n\xec]/' (as bytes; the wordlist has only
    // mangled copies of it).
    b"_5#y2L\"F4Q8z\n\xec]/",
    // The same example copied without the bytes prefix, escapes kept as text;
    // flask-unsign-wordlist ("_5#y2LF4Q8z\xec]/" and variants).
    b"_5#y2L\"F4Q8z\\n\\xec]/",
    // Flask 0.x tutorial (flaskr): SECRET_KEY = 'development key'; flask-unsign-wordlist.
    b"development key",
    // Miguel Grinberg, Flask Mega-Tutorial, config.py:
    // os.environ.get('SECRET_KEY') or 'you-will-never-guess'; flask-unsign-wordlist.
    b"you-will-never-guess",
    // Miguel Grinberg, "Flask Web Development", config.py:
    // os.environ.get('SECRET_KEY') or 'hard to guess string'; flask-unsign-wordlist.
    b"hard to guess string",
    // Apache Superset and Flask-AppBuilder's default config (superset/config.py
    // before 2.1, the Flask-AppBuilder app template):
    // SECRET_KEY = "\2\1thisismyscretkey\1\2\e\y\y\h" (Python keeps the unknown
    // escapes \e \y \h as backslashes); flask-unsign-wordlist.
    b"\x02\x01thisismyscretkey\x01\x02\\e\\y\\y\\h",
    // Apache Superset >= 2.1's placeholder in superset/config.py; flask-unsign-wordlist.
    b"CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET",
    // Apache Airflow 1.x default_airflow.cfg, [webserver] secret_key = temporary_key;
    // flask-unsign-wordlist.
    b"temporary_key",
    // Placeholders in tutorials and example configs, all in flask-unsign-wordlist:
    b"secret",
    b"secret key",
    b"secret-key",
    b"secret_key",
    b"secretkey",
    b"SECRET_KEY",
    b"super secret key",
    b"supersecretkey",
    b"super-secret",
    b"supersecret",
    b"your-secret-key",
    b"your_secret_key",
    b"your-secret-key-here",
    b"mysecretkey",
    b"my-secret-key",
    b"my_secret_key",
    b"mysecret",
    b"changeme",
    b"CHANGEME",
    b"change-me",
    b"changethis",
    b"default",
    b"key",
    b"password",
    b"test",
    b"testing",
    b"flask",
    b"s3cr3t",
    b"topsecret",
    b"admin",
    b"123456",
    b"abc123",
];

#[cfg(test)]
mod tests {
    #[test]
    fn no_duplicates() {
        let mut keys = super::KEYS.to_vec();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), super::KEYS.len());
    }
}
