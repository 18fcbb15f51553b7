/*
 * trace_inflate: reads a compressed trace as a stream of its decompressed
 * bytes, through the libraries (zlib for .gz, liblzma for .xz, libzstd for
 * .zst), never a child process and never a file on disk.  The format is told
 * by the magic bytes, not the file name, so a pipe works too.  Concatenated
 * streams (gzip members, xz streams, zstd frames) read as one.
 */
#ifndef MMUSIM_SIM_TRACE_INFLATE_H
#define MMUSIM_SIM_TRACE_INFLATE_H

#include <stddef.h>
#include <stdint.h>

#include "pt/mm_error.h"

enum trace_compression {
	TRACE_COMPRESSION_NONE,
	TRACE_COMPRESSION_GZIP,  /* 1f 8b */
	TRACE_COMPRESSION_XZ,    /* fd '7' 'z' 'X' 'Z' 00 */
	TRACE_COMPRESSION_ZSTD,  /* 28 b5 2f fd */
};

/*
 * How much memory a decoder may use unless told otherwise: xz's dictionary
 * and zstd's window are chosen by whoever wrote the file (up to 4 GiB and
 * 2 GiB), so a small hostile file could otherwise make us allocate that much.
 * `xz -9` needs 65 MiB, `zstd --ultra -22` 128 MiB; gzip never needs more
 * than 32 KiB and is not limited.
 */
#define TRACE_DECODER_MEMORY_DEFAULT ((uint64_t)256 << 20)

/* Enough leading bytes for trace_compression_sniff to decide. */
#define TRACE_COMPRESSION_MAGIC_MAX 6

/* The compression whose magic starts buf[0, len); NONE if none does (or len is too short). */
enum trace_compression trace_compression_sniff(const void *buf, size_t len);
/* "gzip", "xz", "zstd" ("none"). */
const char *trace_compression_name(enum trace_compression c);

struct trace_inflate;

/*
 * Starts decompressing: first the `prefix_len` bytes at prefix (bytes already
 * read from fd, copied), then whatever read(fd) gives.  The decoder may use
 * at most `memory_limit` bytes (0: TRACE_DECODER_MEMORY_DEFAULT); a stream
 * that needs more is refused when its header is read.  Returns MM_OK or
 * MM_ENOMEM with a message.
 */
int trace_inflate_open(enum trace_compression c, int fd, const void *prefix, size_t prefix_len,
		       uint64_t memory_limit, struct trace_inflate **out, struct mm_error *err);

/* trace_inflate_read's answer for damaged input (never a byte count). */
enum { INFLATE_FAILED = -1 };

/*
 * Fills buf with up to cap decompressed bytes.  Returns how many (> 0), 0 at
 * the end of the compressed input, or INFLATE_FAILED with a message (no file name) for
 * corrupt or truncated data: "byte N: corrupt xz data (...)" where N is the
 * offset in the compressed input, "truncated gzip data (...)", or "xz data
 * needs more memory than the limit (N MiB); ...".  Every byte that decoded
 * before the damage is returned first: the error comes on the next call
 * (and on every call after it).
 */
long trace_inflate_read(struct trace_inflate *z, void *buf, size_t cap, struct mm_error *err);

/* Compressed bytes consumed so far: for progress against the file size. */
uint64_t trace_inflate_consumed(const struct trace_inflate *z);

void trace_inflate_close(struct trace_inflate *z);

#endif
