// Pulls in OpenBLAS's CBLAS interface. pkg-config puts the openblas-pthread
// include directory first, so <cblas.h> resolves to OpenBLAS, not another BLAS.
#include <cblas.h>
