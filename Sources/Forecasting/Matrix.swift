import COpenBLAS

/// A dense row-major Float32 matrix and the single-precision GEMM that all of
/// Forecasting's linear algebra goes through. This file is the only importer
/// of OpenBLAS.
///
/// ```swift
/// let a = Matrix(rows: 2, cols: 3, values: [1, 2, 3, 4, 5, 6])
/// let b = Matrix(rows: 3, cols: 1, values: [1, 1, 1])
/// let c = a.multiplied(by: b)      // [6, 15]
/// ```
///
/// Hot loops call ``gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``
/// on raw buffers so no array is allocated per call.
package struct Matrix: Sendable, Equatable {
    /// Row count.
    package let rows: Int
    /// Column count.
    package let cols: Int
    /// Elements, row by row (`rows * cols` of them).
    package var values: [Float]

    /// A zero matrix.
    package init(rows: Int, cols: Int) {
        self.init(rows: rows, cols: cols, values: Array(repeating: 0, count: rows * cols))
    }

    /// A matrix over `values`, row by row.
    package init(rows: Int, cols: Int, values: [Float]) {
        precondition(values.count == rows * cols, "Matrix: \(values.count) values for \(rows)x\(cols)")
        self.rows = rows
        self.cols = cols
        self.values = values
    }

    /// Element at row `r`, column `c`.
    package subscript(r: Int, c: Int) -> Float {
        get { values[r * cols + c] }
        set { values[r * cols + c] = newValue }
    }

    /// `self · other`.
    ///
    /// - Complexity: O(rows · cols · other.cols) through one `sgemm` call.
    package func multiplied(by other: Matrix) -> Matrix {
        precondition(cols == other.rows, "Matrix: \(rows)x\(cols) times \(other.rows)x\(other.cols)")
        var out = Matrix(rows: rows, cols: other.cols)
        values.withUnsafeBufferPointer { a in
            other.values.withUnsafeBufferPointer { b in
                out.values.withUnsafeMutableBufferPointer { c in
                    Matrix.gemm(m: rows, n: other.cols, k: cols, a: a.baseAddress!, lda: cols,
                                b: b.baseAddress!, ldb: other.cols, beta: 0, c: c.baseAddress!, ldc: other.cols)
                }
            }
        }
        return out
    }

    /// `C = alpha · op(A) · op(B) + beta · C` on row-major buffers, where
    /// `op(A)` is m×k and `op(B)` is k×n; `lda`, `ldb`, `ldc` are the row
    /// strides of the stored (untransposed) buffers.
    @inline(__always)
    package static func gemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
                            alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int, beta: Float,
                            c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Restricts OpenBLAS to one thread: faster for these small shapes on a
    /// shared machine, and it keeps results reproducible.
    package static func useOneThread() {
        openblas_set_num_threads(1)
    }
}
