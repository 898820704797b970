// zlib's gzip file interface (gzdopen, gzread, gzerror), which the Workload
// target uses to stream .gz inputs in-process with a decompressed-size limit.
#include <zlib.h>
