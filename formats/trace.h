/*
 * trace: the streaming reader and writer over every trace format, each
 * decoding to the events of sim/trace_event.h.
 *
 * Formats: the text format (trace_text.c), Valgrind lackey output
 * (trace_lackey.c), mmusim's compact binary format (trace_binary.c), ChampSim
 * traces (trace_champsim.c), DineroIV din (trace_din.c) and Pin pinatrace
 * output (trace_pinatrace.c) and DynamoRIO drmemtrace final traces
 * (trace_drmemtrace.c), each plain or compressed with gzip, xz or zstd
 * (trace_inflate.c).
 * Readers stream: memory use does not depend on trace length.  Events come in
 * batches so that the per-event cost stays a few nanoseconds.
 */
#ifndef MMUSIM_FORMATS_TRACE_H
#define MMUSIM_FORMATS_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "pt/mm_error.h"
#include "pt/page_prop.h"
#include "sim/sweep.h"
#include "sim/trace_event.h"

enum trace_format {
	TRACE_FORMAT_AUTO, TRACE_FORMAT_TEXT, TRACE_FORMAT_LACKEY, TRACE_FORMAT_BINARY,
	TRACE_FORMAT_CHAMPSIM, TRACE_FORMAT_DIN, TRACE_FORMAT_PINATRACE, TRACE_FORMAT_DRMEMTRACE,
};
#define TRACE_FORMAT_LAST TRACE_FORMAT_DRMEMTRACE

/*
 * "auto" "text" "lackey" "binary" "champsim" "din" "pinatrace" "drmemtrace" <-> enum;
 * parse returns MM_OK, or MM_EINVAL for an unknown name.
 */
const char *trace_format_name(enum trace_format f);
int trace_format_parse(const char *name, enum trace_format *out);

/* What a line parser of a line format (text, lackey, din, pinatrace) found on one line. */
enum trace_line {
	TRACE_LINE_BAD = -1,    /* malformed: the message (no file:line prefix) is in *err */
	TRACE_LINE_BLANK = 0,   /* nothing to replay: blank, a comment, a line the format skips */
	TRACE_LINE_EVENT = 1,   /* one event */
};

struct trace_reader;

/*
 * The longest line a text format (text, lackey, din, pinatrace) may have,
 * '\n' excluded: a longer one is "FILE:LINE: line longer than 65536 bytes",
 * found before it is read whole, so neither memory nor time depends on it.
 */
#define TRACE_LINE_MAX 65536

/*
 * Opens path ("-" = stdin) like trace_reader_open, with a decompressor that
 * may use at most decoder_memory bytes (0: TRACE_DECODER_MEMORY_DEFAULT,
 * 256 MiB): a stream asking for more is "xz data needs more memory than the
 * limit (N MiB); raise it with --decoder-memory".
 */
int trace_reader_open_limited(const char *path, enum trace_format fmt, uint64_t decoder_memory,
			      struct trace_reader **out, struct mm_error *err);

/*
 * Opens path ("-" = stdin) in format fmt.  Compressed input (gzip, xz, zstd,
 * told by its magic) is decompressed as it is read.  AUTO sniffs the first
 * (decompressed) bytes: the binary magic; else a drmemtrace header record;
 * else a ChampSim record (binary
 * data); else the first meaningful line decides: lackey, pinatrace or din by
 * their shapes, text otherwise.  Returns MM_OK or MM_EIO/MM_EINVAL with a
 * message.
 */
int trace_reader_open(const char *path, enum trace_format fmt, struct trace_reader **out,
		      struct mm_error *err);
/*
 * The same over an open descriptor (a pipe from a traced program, say), read
 * to its end; `name` is what messages call it.  The reader does not close fd.
 */
int trace_reader_open_fd(int fd, const char *name, enum trace_format fmt, struct trace_reader **out,
			 struct mm_error *err);
/* The format actually being read (never AUTO). */
enum trace_format trace_reader_format(const struct trace_reader *r);

/*
 * Decodes up to max events into ev.  Returns the number decoded (0 at the
 * end), or EVENT_SOURCE_FAILED (sim/sweep.h: a reader is a sweep's event
 * source) with its error (MM_EINVAL, MM_EIO or MM_ENOMEM) in *err on a malformed or truncated
 * trace or a read error, with a message that names the
 * place: "path:LINE: message" (text, lackey, din, pinatrace; a NUL byte or a
 * line longer than TRACE_LINE_MAX is malformed there) or "path: byte
 * OFFSET: message" (binary, champsim, drmemtrace: the offset in the decompressed data;
 * corrupt compressed data names its offset in the compressed input).  The
 * events decoded before the error, compressed input damaged after valid data
 * included, are all returned first, by earlier calls.
 */
long trace_reader_next(struct trace_reader *r, struct trace_event *ev, size_t max,
		       struct mm_error *err);

/* The reader as the event source of a sweep (sim/sweep.h); valid while r is open. */
const struct event_source *trace_reader_source(struct trace_reader *r);

/*
 * Bytes consumed so far and total size (0 if unknown, e.g. a pipe): for
 * progress bars.  For compressed input both count compressed bytes.
 */
uint64_t trace_reader_offset(const struct trace_reader *r);
uint64_t trace_reader_size(const struct trace_reader *r);
/* A warning about the input read so far (a binary trace without an end record), or NULL. */
const char *trace_reader_warning(const struct trace_reader *r);

void trace_reader_close(struct trace_reader *r);

/* The binary writer used by `mmusim convert`. */
struct trace_writer;
int trace_writer_open(const char *path, struct trace_writer **out, struct mm_error *err);
int trace_writer_put(struct trace_writer *w, const struct trace_event *ev, size_t n,
		     struct mm_error *err);
/*
 * Writes the end record, flushes, and renames the file into place
 * (output_file.h); after a write error the file is removed instead and the
 * error returned.  Frees w.
 */
int trace_writer_close(struct trace_writer *w, struct mm_error *err);
/* Removes the unfinished file (on stdout: stops without an end record); frees w. */
void trace_writer_abort(struct trace_writer *w);

#endif
