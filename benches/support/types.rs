//! The typed shapes of `benches/shapes.json`, shared by the criterion benches and
//! `examples/ops.rs`.

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
pub struct Login {
    pub _fresh: bool,
    pub _id: String,
    pub _user_id: String,
    pub csrf_token: String,
}

#[derive(Serialize, Deserialize)]
pub struct Flashes {
    pub _flashes: Vec<(String, String)>,
}

#[derive(Serialize, Deserialize)]
pub struct Item {
    pub id: u32,
    pub price: f64,
    pub qty: u32,
}

#[derive(Serialize, Deserialize)]
pub struct Cart {
    pub _permanent: bool,
    pub cart: Vec<Item>,
}

#[derive(Serialize, Deserialize)]
pub struct Seen {
    pub id: u32,
    pub slug: String,
    pub ts: i64,
}

#[derive(Serialize, Deserialize)]
pub struct Large {
    pub _permanent: bool,
    pub _user_id: String,
    pub csrf_token: String,
    pub history: Vec<Seen>,
}
