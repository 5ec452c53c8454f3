//! Fuzzes the broker's framing and decoders (MQTT 3.1.1 and 5): arbitrary bytes split into
//! frames as a connection reads them, each frame decoded as CONNECT and as a packet of both
//! versions, what decodes re-encoded and decoded back, subscriptions checked against the
//! reference topic matcher. Nothing may panic, and no single allocation may grow beyond what
//! the input could justify: the frame reader buffers what arrived, never what a header claims.
//!
//! Input: byte 0 picks the read size (1, 2, 3, 7, 64, 1024, 4096 or everything at once), the
//! rest is the byte stream.

#![no_main]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use libfuzzer_sys::fuzz_target;
use soilctl::local::broker::fuzzing::{FRAME_LIMIT, MAX_FIXED_HEADER, decode_stream};

/// Records the largest single allocation.
struct Largest;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Largest {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Largest = Largest;

const READ_SIZES: [usize; 8] = [1, 2, 3, 7, 64, 1024, 4096, usize::MAX];

/// Allocations below this are never suspicious (read chunks, small tables).
const FLOOR: usize = 64 * 1024;

fuzz_target!(|data: &[u8]| {
    let Some((&first, stream)) = data.split_first() else {
        return;
    };
    let chunk = READ_SIZES[usize::from(first & 7)];
    LARGEST.store(0, Ordering::Relaxed);
    let outcome = decode_stream(stream, chunk);
    let largest = LARGEST.load(Ordering::Relaxed);
    // The read buffer at most doubles what arrived (and a full buffer asks for a little more),
    // so it stays within a few times the input and the frame limit; a decoder that trusted a
    // length field inside a packet would allocate far beyond this.
    let bound = (8 * stream.len())
        .min(4 * (FRAME_LIMIT + MAX_FIXED_HEADER))
        .max(FLOOR);
    assert!(
        largest <= bound,
        "an allocation of {largest} bytes for {} input bytes ({outcome:?})",
        stream.len()
    );
});
