/*
 * hostile input: what a file built to hurt mmusim may cost, and that nothing
 * it holds is lost or invented.
 *
 * - compressed streams damaged after valid data, or followed by garbage:
 *   every event that decoded is replayed, then the damage is reported;
 * - decoder memory: an xz dictionary or zstd window above the limit is
 *   refused as "needs more memory than the limit" (not "corrupt"), and a
 *   raised limit lets it through;
 * - text formats: a line longer than TRACE_LINE_MAX, or holding a NUL byte,
 *   is an error on its own line, in every line format, from a file or a pipe;
 * - configs: 90 000 keys in a mapping load in linear time, a FIFO is refused
 *   at once;
 * - end to end, under a memory limit (RLIMIT_AS, skipped under sanitizers,
 *   whose shadow memory needs terabytes of address space) and a time limit:
 *   each hostile case exits 2 with its message.
 *
 * Crafted inputs are made here with the libraries' own APIs (zlib, liblzma,
 * libzstd) or, for the zstd frame, byte by byte from RFC 8878.
 */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "formats/config.h"
#include "formats/trace.h"
#include "sanitized.h"
#include "support.h"
#include "time_limit.h"


/* ---- helpers ---- */

/* n text-trace reads, "r 0x<i * 4096>\n": event i reads page i. */
static char *reads_text(size_t n, size_t *len)
{
	char *s = malloc(n * 24 + 1);
	size_t off = 0;

	for (size_t i = 0; i < n; i++)
		off += (size_t)sprintf(s + off, "r 0x%zx\n", i * 4096);
	*len = off;
	return s;
}

enum codec { GZIP, XZ, ZSTD };
static const char *const codec_names[] = { "gzip", "xz", "zstd" };

/* The bytes compressed with codec; *out_len set. */
static unsigned char *compress_with(enum codec c, const void *in, size_t len, size_t *out_len)
{
	size_t cap = len + len / 2 + 1024;
	unsigned char *out = malloc(cap);

	switch (c) {
	case GZIP: {
		z_stream z = { 0 };
		cr_assert_eq(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
		z.next_in = (unsigned char *)in;
		z.avail_in = (uInt)len;
		z.next_out = out;
		z.avail_out = (uInt)cap;
		cr_assert_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
		*out_len = z.total_out;
		deflateEnd(&z);
		break;
	}
	case XZ:
		*out_len = 0;
		cr_assert_eq(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, in, len, out, out_len, cap), LZMA_OK);
		break;
	case ZSTD:
		*out_len = ZSTD_compress(out, cap, in, len, 3);
		cr_assert(!ZSTD_isError(*out_len));
		break;
	}
	return out;
}

/*
 * What the library itself gets out of in[0, len) before it stops (end of
 * input or damage): the oracle for a stream cut short.
 */
static size_t decodable_lines(enum codec c, const unsigned char *in, size_t len, size_t plain_len)
{
	unsigned char *out = malloc(plain_len + 1);
	size_t produced = 0, lines = 0;

	switch (c) {
	case GZIP: {
		z_stream z = { 0 };
		cr_assert_eq(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
		z.next_in = (unsigned char *)in;
		z.avail_in = (uInt)len;
		z.next_out = out;
		z.avail_out = (uInt)plain_len + 1;
		inflate(&z, Z_NO_FLUSH);
		produced = z.total_out;
		inflateEnd(&z);
		break;
	}
	case XZ: {
		lzma_stream z = LZMA_STREAM_INIT;
		cr_assert_eq(lzma_stream_decoder(&z, UINT64_MAX, 0), LZMA_OK);
		z.next_in = in;
		z.avail_in = len;
		z.next_out = out;
		z.avail_out = plain_len + 1;
		cr_assert_neq(lzma_code(&z, LZMA_RUN), LZMA_STREAM_END, "the stream was cut");
		produced = z.total_out;
		lzma_end(&z);
		break;
	}
	case ZSTD: {
		ZSTD_DCtx *z = ZSTD_createDCtx();
		ZSTD_inBuffer ib = { in, len, 0 };
		ZSTD_outBuffer ob = { out, plain_len + 1, 0 };
		while (ib.pos < ib.size) {
			size_t before = ib.pos + ob.pos;
			if (ZSTD_isError(ZSTD_decompressStream(z, &ob, &ib)) || ib.pos + ob.pos == before)
				break;
		}
		produced = ob.pos;
		ZSTD_freeDCtx(z);
		break;
	}
	}
	for (size_t i = 0; i < produced; i++)
		lines += out[i] == '\n';
	free(out);
	return lines;
}

struct outcome {
	size_t events;
	bool in_order;        /* event i read page i */
	long last;            /* 0: the end; -1: an error */
	struct mm_error err;
};

/* Reads path to its end or first error with decoder limit `memory` (0: the default). */
static void read_all(const char *path, enum trace_format fmt, uint64_t memory, struct outcome *o)
{
	struct trace_event ev[256];
	struct trace_reader *r;
	struct mm_error err = { 0 };
	long k;

	memset(o, 0, sizeof(*o));
	o->in_order = true;
	if (trace_reader_open_limited(path, fmt, memory, &r, &err) != MM_OK) {
		o->last = -1;
		o->err = err;
		return;
	}
	while ((k = trace_reader_next(r, ev, 256, &o->err)) > 0) {
		for (long i = 0; i < k; i++)
			o->in_order &= ev[i].va == (o->events + (size_t)i) * 4096;
		o->events += (size_t)k;
	}
	o->last = k;
	trace_reader_close(r);
}

/* ---- compressed streams damaged after valid data ---- */

#define STREAM_READS 200000

Test(damaged_stream, garbage_after_an_intact_stream_loses_no_event)
{
	size_t len, zlen;
	char *text = reads_text(STREAM_READS, &len);
	static const char garbage[] = "this is not a compressed stream\n";

	for (enum codec c = GZIP; c <= ZSTD; c++) {
		unsigned char *z = compress_with(c, text, len, &zlen);
		struct outcome o;
		char want[64];

		z = realloc(z, zlen + sizeof(garbage));
		memcpy(z + zlen, garbage, sizeof(garbage));
		char *path = write_temp_bytes(z, zlen + sizeof(garbage));
		read_all(path, TRACE_FORMAT_AUTO, 0, &o);
		cr_expect_eq(o.events, STREAM_READS, "%s: %zu events", codec_names[c], o.events);
		cr_expect(o.in_order, "%s", codec_names[c]);
		cr_expect_eq(o.last, -1, "%s: the garbage is reported", codec_names[c]);
		snprintf(want, sizeof(want), "corrupt %s data", codec_names[c]);
		cr_expect(strncmp(o.err.msg, path, strlen(path)) == 0 && strstr(o.err.msg, want), "%s", o.err.msg);
		remove_temp_file(path);
		free(z);
	}
	free(text);
}

Test(damaged_stream, cut_in_the_middle_replays_every_line_that_decoded)
{
	size_t len, zlen;
	char *text = reads_text(STREAM_READS, &len);

	for (enum codec c = GZIP; c <= ZSTD; c++) {
		unsigned char *z = compress_with(c, text, len, &zlen);
		size_t cut = zlen / 2, want = decodable_lines(c, z, cut, len);
		char *path = write_temp_bytes(z, cut);
		struct outcome o;
		char msg[128];

		cr_assert_gt(want, 1000, "%s: the oracle decodes something", codec_names[c]);
		read_all(path, TRACE_FORMAT_AUTO, 0, &o);
		cr_expect_eq(o.events, want, "%s: %zu events, %zu decodable lines", codec_names[c], o.events, want);
		cr_expect(o.in_order);
		cr_expect_eq(o.last, -1);
		snprintf(msg, sizeof(msg), "%s: truncated %s data (the input ends at byte %zu, inside a stream)", path,
			 codec_names[c], cut);
		cr_expect_str_eq(o.err.msg, msg);
		remove_temp_file(path);
		free(z);
	}
	free(text);
}

/* ---- decoder memory ---- */

/*
 * An xz stream of `reads` whose block header claims a dictionary of
 * dict_size bytes: encoded with a small one, then the header is decoded,
 * changed and encoded again with liblzma (its CRC32 included).
 */
static unsigned char *xz_with_dictionary(uint32_t dict_size, size_t reads, size_t *out_len)
{
	size_t len;
	char *text = reads_text(reads, &len);
	unsigned char *x = compress_with(XZ, text, len, out_len);
	lzma_filter filters[LZMA_FILTERS_MAX + 1];
	lzma_stream_flags flags;
	lzma_block block = { .version = 0, .filters = filters };
	uint32_t old_size;

	cr_assert_eq(lzma_stream_header_decode(&flags, x), LZMA_OK);
	block.check = flags.check;
	block.header_size = lzma_block_header_size_decode(x[LZMA_STREAM_HEADER_SIZE]);
	cr_assert_eq(lzma_block_header_decode(&block, NULL, x + LZMA_STREAM_HEADER_SIZE), LZMA_OK);
	cr_assert_eq(filters[0].id, LZMA_FILTER_LZMA2);
	((lzma_options_lzma *)filters[0].options)->dict_size = dict_size;
	old_size = block.header_size;
	cr_assert_eq(lzma_block_header_size(&block), LZMA_OK);
	cr_assert_eq(block.header_size, old_size);
	cr_assert_eq(lzma_block_header_encode(&block, x + LZMA_STREAM_HEADER_SIZE), LZMA_OK);
	for (size_t i = 0; filters[i].id != LZMA_VLI_UNKNOWN; i++)
		free(filters[i].options);
	free(text);
	return x;
}

/*
 * A zstd frame (RFC 8878 3.1.1) holding `text` in one raw block, with a
 * Window_Descriptor of 2^window_log bytes: no content size, so the window
 * is all a decoder can size its buffer by.
 */
static unsigned char *zstd_with_window(unsigned window_log, const char *text, size_t *out_len)
{
	size_t len = strlen(text);
	unsigned char *f = malloc(len + 16), *p = f;
	uint32_t block = 1u /* Last_Block */ | 0u << 1 /* Raw */ | (uint32_t)len << 3;

	memcpy(p, "\x28\xb5\x2f\xfd", 4);
	p += 4;
	*p++ = 0x00;                           /* Frame_Header_Descriptor: window descriptor, no FCS */
	*p++ = (unsigned char)((window_log - 10) << 3); /* Exponent, Mantissa 0 */
	*p++ = block & 0xff;
	*p++ = block >> 8 & 0xff;
	*p++ = block >> 16 & 0xff;
	memcpy(p, text, len);
	*out_len = (size_t)(p - f) + len;
	return f;
}

Test(decoder_memory, xz_dictionary_over_the_limit_is_refused_as_such)
{
	size_t len;
	unsigned char *x = xz_with_dictionary(512u << 20, 1000, &len);
	char *path = write_temp_bytes(x, len), want[256];
	struct outcome o;

	read_all(path, TRACE_FORMAT_AUTO, 0, &o);
	cr_expect_eq(o.events, 0);
	cr_expect_eq(o.last, -1);
	snprintf(want, sizeof(want),
		 "%s: xz data needs more memory than the limit (256 MiB); raise it with --decoder-memory", path);
	cr_expect_str_eq(o.err.msg, want);

	read_all(path, TRACE_FORMAT_AUTO, 100u << 20, &o);
	snprintf(want, sizeof(want),
		 "%s: xz data needs more memory than the limit (100 MiB); raise it with --decoder-memory", path);
	cr_expect_str_eq(o.err.msg, want);

	read_all(path, TRACE_FORMAT_AUTO, (uint64_t)1 << 30, &o); /* raised: the whole trace */
	cr_expect_eq(o.last, 0, "%s", o.err.msg);
	cr_expect_eq(o.events, 1000);
	cr_expect(o.in_order);
	remove_temp_file(path);
	free(x);
}

Test(decoder_memory, zstd_window_over_the_limit_is_not_called_corrupt)
{
	size_t len;
	unsigned char *f = zstd_with_window(29, "r 0x0\nr 0x1000\n", &len);
	char *path = write_temp_bytes(f, len), want[256];
	struct outcome o;

	read_all(path, TRACE_FORMAT_AUTO, 0, &o);
	cr_expect_eq(o.last, -1);
	snprintf(want, sizeof(want),
		 "%s: zstd data needs more memory than the limit (256 MiB); raise it with --decoder-memory", path);
	cr_expect_str_eq(o.err.msg, want);

	read_all(path, TRACE_FORMAT_AUTO, (uint64_t)1 << 30, &o);
	cr_expect_eq(o.last, 0, "%s", o.err.msg);
	cr_expect_eq(o.events, 2);
	cr_expect(o.in_order);
	remove_temp_file(path);
	free(f);
}

/* ---- text formats: long lines and NUL bytes ---- */

struct line_format {
	enum trace_format fmt;
	const char *record;   /* one valid line: an access to page 0 */
	const char *skipped;  /* the start of a line the format skips; filler follows */
	char filler;
	const char *last;     /* what the format wants at the end */
};

static const struct line_format line_formats[] = {
	{ TRACE_FORMAT_TEXT, "r 0x0", "#", 'x', "" },
	{ TRACE_FORMAT_LACKEY, " L 0,4", "==1== ", 'x', "" },
	{ TRACE_FORMAT_DIN, "0 0", "3 1", ' ', "" },
	{ TRACE_FORMAT_PINATRACE, "0x1: R 0x0", "#", 'x', "#eof\n" },
};

/* record, a skipped line of exactly line_len bytes, then (with newline) record and last. */
static char *with_long_line(const struct line_format *f, size_t line_len, bool newline, size_t *len)
{
	size_t skip = strlen(f->skipped);
	char *s = malloc(line_len + 256), *p = s;

	p += sprintf(p, "%s\n%s", f->record, f->skipped);
	memset(p, f->filler, line_len - skip);
	p += line_len - skip;
	if (newline)
		p += sprintf(p, "\n%s\n%s", f->record, f->last);
	*len = (size_t)(p - s);
	return s;
}

/* Reads the bytes through stdin fed by a child, as `mmusim replay -` would. */
static void read_pipe(const char *data, size_t len, enum trace_format fmt, struct outcome *o)
{
	int saved = dup(STDIN_FILENO), pid = feed_stdin(data, len, 4096);

	cr_assert_gt(pid, 0);
	read_all("-", fmt, 0, o);
	feed_stdin_end(pid);
	dup2(saved, STDIN_FILENO);
	close(saved);
}

/*
 * Reads data from a file and from a pipe: `events` events, then the end
 * (error NULL) or "NAME:error" where NAME is the path, or <stdin>.
 */
static void expect_file_and_pipe(const char *data, size_t len, enum trace_format fmt, size_t events,
				 const char *error)
{
	char *path = write_temp_bytes(data, len), want[256];

	for (int pipe_mode = 0; pipe_mode < 2; pipe_mode++) {
		const char *name = pipe_mode ? "<stdin>" : path;
		struct outcome o;

		if (pipe_mode)
			read_pipe(data, len, fmt, &o);
		else
			read_all(path, fmt, 0, &o);
		cr_expect_eq(o.events, events, "%s %s: %zu events", trace_format_name(fmt), name, o.events);
		cr_expect_eq(o.last, error ? -1 : 0, "%s %s: %s", trace_format_name(fmt), name, o.err.msg);
		if (error) {
			snprintf(want, sizeof(want), "%s:%s", name, error);
			cr_expect_str_eq(o.err.msg, want, "%s", trace_format_name(fmt));
		}
	}
	remove_temp_file(path);
}

Test(text_lines, a_line_of_the_limit_reads_one_byte_more_is_an_error)
{
	for (size_t i = 0; i < sizeof(line_formats) / sizeof(line_formats[0]); i++) {
		const struct line_format *f = &line_formats[i];
		for (int over = 0; over < 2; over++) {
			size_t len;
			char *data = with_long_line(f, TRACE_LINE_MAX + (size_t)over, true, &len);

			expect_file_and_pipe(data, len, f->fmt, over ? 1 : 2, over ? "2: line longer than 65536 bytes" : NULL);
			free(data);
		}
	}
}

/* A long unfinished line is refused once it passes the limit, not read to its end. */
Test(text_lines, a_long_comment_line_is_refused_early, .init = time_limit_60s)
{
	size_t len;
	char *data = with_long_line(&line_formats[0], (size_t)64 << 20, false, &len);

	expect_file_and_pipe(data, len, TRACE_FORMAT_AUTO, 1, "2: line longer than 65536 bytes");
	free(data);
}

Test(text_lines, a_nul_byte_is_an_error_on_its_line)
{
	for (size_t i = 0; i < sizeof(line_formats) / sizeof(line_formats[0]); i++) {
		const struct line_format *f = &line_formats[i];
		char data[256];
		int n = snprintf(data, sizeof(data), "%s\n%s\n%sab", f->record, f->record, f->skipped);
		size_t len = (size_t)n + (size_t)snprintf(data + n + 1, sizeof(data) - (size_t)n - 1, "c\n%s\n%s",
							   f->record, f->last) + 1;

		/* data[n] is the NUL, inside line 3 */
		expect_file_and_pipe(data, len, f->fmt, 2, "3: NUL byte in a text trace (a binary file?)");
	}
}

/* Random bytes that start with NUL: whatever they are detected as, an error, never an empty success. */
Test(text_lines, random_bytes_starting_with_nul_are_an_error)
{
	unsigned char data[4096];
	uint64_t x = 0x9e3779b97f4a7c15ull;
	struct outcome o;

	for (size_t i = 0; i < sizeof(data); i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		data[i] = (unsigned char)x;
	}
	data[0] = 0;
	char *path = write_temp_bytes(data, sizeof(data));
	read_all(path, TRACE_FORMAT_AUTO, 0, &o);
	cr_expect_eq(o.last, -1, "%zu events, no error", o.events);
	remove_temp_file(path);
}

Test(text_lines, dev_zero_as_a_text_trace_stops_at_once, .init = time_limit_60s)
{
	struct outcome o;

	read_all("/dev/zero", TRACE_FORMAT_TEXT, 0, &o);
	cr_expect_eq(o.events, 0);
	cr_expect_str_eq(o.err.msg, "/dev/zero:1: NUL byte in a text trace (a binary file?)");
}

/* ---- configs ---- */

/* "extends: x86_64\ncpu: {k0: 1, k1: 1, ...}" with n keys, then `extra` inside the braces. */
static char *many_keys(size_t n, const char *extra)
{
	char *s = malloc(n * 16 + 64), *p = s;

	p += sprintf(p, "extends: x86_64\ncpu: {");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%sk%zx: 1", i ? ", " : "", i);
	sprintf(p, "%s}\n", extra);
	return s;
}

Test(config_bounds, ninety_thousand_keys_load_in_linear_time, .init = time_limit_60s)
{
	char *yaml = many_keys(90000, "");
	struct machine_config mc;
	struct mm_error err = { 0 };

	cr_assert_lt(strlen(yaml), 1u << 20);
	cr_expect_eq(config_load_string(yaml, strlen(yaml), "many.yaml", &mc, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "many.yaml:2:7: unknown key 'k0' in cpu");
	free(yaml);

	yaml = many_keys(90000, ", k0: 2"); /* the duplicate comes last: every key was checked before it */
	cr_expect_eq(config_load_string(yaml, strlen(yaml), "dup.yaml", &mc, &err), MM_EINVAL);
	char want[64];
	snprintf(want, sizeof(want), "dup.yaml:2:%zu: duplicate key 'k0'", strlen(yaml) - strlen("k0: 2}\n") - 15);
	cr_expect_str_eq(err.msg, want);
	free(yaml);
}

Test(config_bounds, aliases_resolve_in_linear_time, .init = time_limit_60s)
{
	size_t n = 40000;
	char *s = malloc(n * 24 + 64), *p = s;
	struct machine_config mc;
	struct mm_error err = { 0 };

	p += sprintf(p, "extends: x86_64\nx: [");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s&a%zx %zu", i ? ", " : "", i, i);
	p += sprintf(p, "]\ny: [");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s*a%zx", i ? ", " : "", n - 1 - i);
	sprintf(p, "]\n");
	cr_expect_eq(config_load_string(s, strlen(s), "alias.yaml", &mc, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "alias.yaml:2:1: unknown key 'x'");
	free(s);
}

Test(config_bounds, a_fifo_is_refused_without_blocking, .init = time_limit_60s)
{
	char dir[] = "/tmp/mmusim-fifo-XXXXXX", path[64], want[128];
	struct machine_config mc;
	struct mm_error err = { 0 };

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/c.yaml", dir);
	cr_assert_eq(mkfifo(path, 0600), 0);
	cr_expect_eq(config_load_file(path, &mc, &err), MM_EINVAL);
	snprintf(want, sizeof(want), "%s: not a regular file (a FIFO or a device cannot be a config)", path);
	cr_expect_str_eq(err.msg, want);
	cr_expect_eq(config_load_file("/dev/zero", &mc, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "/dev/zero: not a regular file (a FIFO or a device cannot be a config)");
	unlink(path);
	rmdir(dir);
}

/* ---- end to end, under limits ---- */

#define RUN_MEMORY (SANITIZED ? 0ull : 512ull << 20)
#define RUN_SECONDS 20

/* Runs mmusim under the limits; expects exit status 2, stderr `want` exactly. */
static void expect_refused(int argc, const char *const *argv, const char *want)
{
	struct run_result r;

	cr_assert_eq(run_mmusim_limited(&r, RUN_MEMORY, RUN_SECONDS, argc, argv), 0);
	cr_expect_eq(r.status, 2, "%s %s: status %d, stderr %s", argv[0], argv[argc - 1], r.status, r.err);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
}

Test(hostile_cli, xz_bomb, .init = time_limit_60s)
{
	size_t len;
	unsigned char *x = xz_with_dictionary(UINT32_MAX, 5000, &len);
	char *path = write_temp_bytes(x, len), want[256];

	snprintf(want, sizeof(want),
		 "mmusim: %s: xz data needs more memory than the limit (256 MiB); raise it with --decoder-memory\n",
		 path);
	expect_refused(2, (const char *const[]){ "replay", path }, want);
	remove_temp_file(path);
	free(x);
}

Test(hostile_cli, zstd_large_window, .init = time_limit_60s)
{
	size_t len;
	unsigned char *f = zstd_with_window(31, "r 0x0\n", &len);
	char *path = write_temp_bytes(f, len), want[256];
	struct run_result r;

	snprintf(want, sizeof(want),
		 "mmusim: %s: zstd data needs more memory than the limit (256 MiB); raise it with --decoder-memory\n",
		 path);
	expect_refused(2, (const char *const[]){ "replay", path }, want);
	snprintf(want, sizeof(want), "mmusim: %s: zstd data needs more memory than the limit (1024 MiB); raise it with --decoder-memory\n", path);
	expect_refused(4, (const char *const[]){ "replay", "--decoder-memory", "1G", path }, want);
	cr_assert_eq(run_mmusim(&r, "--decoder-memory", "0", "replay", path, NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, "mmusim: bad --decoder-memory '0' (expected a size such as 512M or 2G)\n");
	run_result_free(&r);
	remove_temp_file(path);
	free(f);
}

Test(hostile_cli, long_line, .init = time_limit_60s)
{
	size_t len;
	char *data = with_long_line(&line_formats[0], (size_t)32 << 20, true, &len);
	char *path = write_temp_bytes(data, len), want[256];

	snprintf(want, sizeof(want), "mmusim: %s:2: line longer than 65536 bytes\n", path);
	expect_refused(2, (const char *const[]){ "replay", path }, want);
	snprintf(want, sizeof(want), "mmusim: %s:2: line longer than 65536 bytes\n", path);
	expect_refused(4, (const char *const[]){ "translate", "--setup", path, "0x1000" }, want);
	remove_temp_file(path);
	free(data);
}

Test(hostile_cli, dev_zero_setup, .init = time_limit_60s)
{
	expect_refused(4, (const char *const[]){ "translate", "--setup", "/dev/zero", "0x1000" },
		       "mmusim: /dev/zero:1: NUL byte in a text trace (a binary file?)\n");
}

Test(hostile_cli, fifo_config, .init = time_limit_60s)
{
	char dir[] = "/tmp/mmusim-fifo-XXXXXX", path[64], want[160];

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/c.yaml", dir);
	cr_assert_eq(mkfifo(path, 0600), 0);
	snprintf(want, sizeof(want), "mmusim: %s: not a regular file (a FIFO or a device cannot be a config)\n", path);
	expect_refused(4, (const char *const[]){ "--config", path, "translate", "0x1000" }, want);
	unlink(path);
	rmdir(dir);
}

Test(hostile_cli, ninety_thousand_key_config, .init = time_limit_60s)
{
	char *yaml = many_keys(90000, "");
	char *path = write_temp_file(yaml, ".yaml"), want[256];

	snprintf(want, sizeof(want), "mmusim: %s:2:7: unknown key 'k0' in cpu\n", path);
	expect_refused(4, (const char *const[]){ "--config", path, "translate", "0x1000" }, want);
	remove_temp_file(path);
	free(yaml);
}

Test(hostile_cli, garbage_after_the_stream, .init = time_limit_60s)
{
	size_t len, zlen;
	char *text = reads_text(STREAM_READS, &len);
	unsigned char *z = compress_with(XZ, text, len, &zlen);
	struct run_result r;
	char line[64];

	static const char garbage[] = "this is not a compressed stream\n"; /* longer than an xz stream header */

	z = realloc(z, zlen + sizeof(garbage));
	memcpy(z + zlen, garbage, sizeof(garbage));
	char *path = write_temp_bytes(z, zlen + sizeof(garbage));
	cr_assert_eq(run_mmusim_limited(&r, RUN_MEMORY, RUN_SECONDS, 2, (const char *const[]){ "replay", path }), 0);
	cr_expect_eq(r.status, 2, "%s", r.err);
	snprintf(line, sizeof(line), "\naccesses        %d  (read %d,", STREAM_READS, STREAM_READS);
	cr_expect(strstr(r.out, line), "every access replayed: %s", r.out);
	cr_expect(strstr(r.err, ": corrupt xz data ("), "%s", r.err);
	run_result_free(&r);
	remove_temp_file(path);
	free(z);
	free(text);
}

/*
 * A one-line map of 31 TiB in 4K pages needs 15.9 Mi page-table nodes, which the
 * x86_64 preset's 64 GiB of simulated memory holds: mmusim took 62 GiB of the
 * host, frame by frame, until the kernel's OOM killer or RLIMIT_AS stopped it.
 * The edit is refused before it writes anything, as one beyond simulated memory is.
 */
Test(hostile_cli, one_map_line_of_host_memory, .init = time_limit_60s)
{
	expect_refused(4, (const char *const[]){ "translate", "--map", "0 0 0x1f0000000000 rwu size=4K", "0x1000" },
		       "mmusim: --map:1: out of host memory: needs 16284734 page-table nodes, room for 1048574 more "
		       "(simulated memory may use 4G of the host's)\n");
}
