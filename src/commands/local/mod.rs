//! What exists only on the local backend: `local up` (the backend in the foreground) and
//! `local env` (what a user's own AWS tools need to reach it). Every other command runs its
//! one implementation against the local backend's AWS API endpoint (`--local`).

pub mod env;
pub mod up;
