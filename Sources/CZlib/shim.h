#ifndef HTTPBUN_CZLIB_SHIM_H
#define HTTPBUN_CZLIB_SHIM_H
#include <zlib.h>

/* deflateInit2/inflateInit2 are macros; Swift needs real functions. */
static inline int httpbun_deflate_init(z_stream *stream, int level, int windowBits) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
static inline int httpbun_inflate_init(z_stream *stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}
#endif
