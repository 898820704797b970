/// The fingerprint of a sweep's inputs that its part files carry, so
/// `merge` refuses parts of another sweep: 64-bit FNV-1a over each input's
/// length and bytes, as 16 hex digits. It tells apart accidental
/// differences (an edited file), not deliberate collisions.
enum SweepFingerprint {
    /// The fingerprint of `inputs`, in order.
    static func of(_ inputs: [[UInt8]]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            h ^= UInt64(byte)
            h &*= 0x0000_0100_0000_01b3
        }
        for bytes in inputs {
            var n = UInt64(bytes.count)
            for _ in 0..<8 { mix(UInt8(truncatingIfNeeded: n)); n >>= 8 }
            for b in bytes { mix(b) }
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
