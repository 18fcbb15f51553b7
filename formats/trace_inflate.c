/*
 * trace_inflate: streaming decompression of gzip, xz and zstd (see
 * trace_inflate.h).
 *
 * One input buffer feeds whichever library the magic chose.  Each read
 * call runs the decoder until it has produced something or the input is
 * exhausted; at the end of the input the decoder must also be at the end of
 * a stream (member, frame), otherwise the data was cut short.
 *
 * Damage is sticky and comes after the data: a library call that finds it
 * may also have produced the bytes before it (the end of a stream and the
 * garbage after it often arrive in one input buffer), and those bytes are
 * returned first.
 *
 * Memory: xz's dictionary and zstd's window are whatever the file's header
 * claims; both libraries refuse a stream above the limit given at open
 * (lzma memlimit, ZSTD_d_windowLogMax) before allocating anything.
 */
#include "trace_inflate.h"

#include <errno.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#define IN_BUF (256u * 1024u)

struct trace_inflate {
	enum trace_compression kind;
	int fd;
	unsigned char *in;
	size_t in_pos, in_len;
	bool in_eof;            /* read(fd) said end of file */
	uint64_t consumed;      /* compressed bytes handed to the decoder, before in[in_pos] */
	bool at_stream_end;     /* the decoder finished a stream and nothing has followed yet */
	uint64_t memory_limit;
	bool failed;            /* sticky: every later read repeats `fail` */
	struct mm_error fail;
	z_stream gz;
	lzma_stream xz;
	ZSTD_DCtx *zs;
};

enum trace_compression trace_compression_sniff(const void *buf, size_t len)
{
	const unsigned char *p = buf;

	if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return TRACE_COMPRESSION_GZIP;
	if (len >= 6 && memcmp(p, "\xfd" "7zXZ\0", 6) == 0)
		return TRACE_COMPRESSION_XZ;
	if (len >= 4 && memcmp(p, "\x28\xb5\x2f\xfd", 4) == 0)
		return TRACE_COMPRESSION_ZSTD;
	/* A skippable frame (0x184D2A50-5F, RFC 8878 3.1.2), as pzstd writes first: libzstd skips it. */
	if (len >= 4 && (p[0] & 0xf0) == 0x50 && memcmp(p + 1, "\x2a\x4d\x18", 3) == 0)
		return TRACE_COMPRESSION_ZSTD;
	return TRACE_COMPRESSION_NONE;
}

const char *trace_compression_name(enum trace_compression c)
{
	switch (c) {
	case TRACE_COMPRESSION_GZIP: return "gzip";
	case TRACE_COMPRESSION_XZ: return "xz";
	case TRACE_COMPRESSION_ZSTD: return "zstd";
	default: return "none";
	}
}

/* The largest zstd window (as a power of two) that fits in limit bytes, within what libzstd accepts. */
static int zstd_window_log(uint64_t limit)
{
	ZSTD_bounds b = ZSTD_dParam_getBounds(ZSTD_d_windowLogMax);
	int log = 0;

	while (log < 63 && ((uint64_t)1 << (log + 1)) <= limit)
		log++;
	if (ZSTD_isError(b.error))
		return log;
	return log < b.lowerBound ? b.lowerBound : log > b.upperBound ? b.upperBound : log;
}

int trace_inflate_open(enum trace_compression c, int fd, const void *prefix, size_t prefix_len,
		       uint64_t memory_limit, struct trace_inflate **out, struct mm_error *err)
{
	struct trace_inflate *z = calloc(1, sizeof(*z));
	bool ok;

	*out = NULL;
	if (!z || !(z->in = malloc(prefix_len > IN_BUF ? prefix_len : IN_BUF))) {
		free(z);
		return mm_error_set(err, MM_ENOMEM, "out of memory");
	}
	z->kind = c;
	z->fd = fd;
	if (prefix_len)
		memcpy(z->in, prefix, prefix_len);
	z->in_len = prefix_len;
	z->memory_limit = memory_limit ? memory_limit : TRACE_DECODER_MEMORY_DEFAULT;
	switch (c) {
	case TRACE_COMPRESSION_GZIP:
		ok = inflateInit2(&z->gz, 16 + MAX_WBITS) == Z_OK; /* gzip wrapper only */
		break;
	case TRACE_COMPRESSION_XZ:
		z->xz = (lzma_stream)LZMA_STREAM_INIT;
		ok = lzma_stream_decoder(&z->xz, z->memory_limit, LZMA_CONCATENATED) == LZMA_OK;
		break;
	case TRACE_COMPRESSION_ZSTD:
		ok = (z->zs = ZSTD_createDCtx()) != NULL &&
		     !ZSTD_isError(ZSTD_DCtx_setParameter(z->zs, ZSTD_d_windowLogMax,
							  zstd_window_log(z->memory_limit)));
		if (!ok)
			ZSTD_freeDCtx(z->zs);
		break;
	default:
		ok = false;
	}
	if (!ok) {
		free(z->in);
		free(z);
		return mm_error_set(err, MM_ENOMEM, "cannot start the %s decoder", trace_compression_name(c));
	}
	*out = z;
	return MM_OK;
}

/* Refills the input buffer when it is empty.  Returns MM_OK or MM_EIO. */
static int fill_input(struct trace_inflate *z, struct mm_error *err)
{
	ssize_t k;

	if (z->in_pos < z->in_len || z->in_eof)
		return MM_OK;
	z->in_pos = z->in_len = 0;
	if (z->fd < 0) {
		z->in_eof = true;
		return MM_OK;
	}
	while ((k = read(z->fd, z->in, IN_BUF)) < 0) {
		if (errno != EINTR)
			return mm_error_set(err, MM_EIO, "read error: %s", strerror(errno));
	}
	if (k == 0)
		z->in_eof = true;
	z->in_len = (size_t)k;
	return MM_OK;
}

/* `taken`: bytes of the current input the decoder had consumed when it found the damage. */
static int corrupt(struct trace_inflate *z, size_t taken, struct mm_error *err, const char *why)
{
	return mm_error_set(err, MM_EINVAL, "byte %llu: corrupt %s data (%s)",
			    (unsigned long long)(z->consumed + taken), trace_compression_name(z->kind), why);
}

/*
 * A stream whose header asks for more memory than the limit: not damage, a
 * setting the user can raise (the option named is the command line's;
 * library users set mmusim_trace_options.decoder_memory).
 */
static int over_limit(struct trace_inflate *z, struct mm_error *err)
{
	uint64_t mib = z->memory_limit >> 20;

	if (z->memory_limit % ((uint64_t)1 << 20))
		return mm_error_set(err, MM_EINVAL,
				    "%s data needs more memory than the limit (%llu bytes); raise it with --decoder-memory",
				    trace_compression_name(z->kind), (unsigned long long)z->memory_limit);
	return mm_error_set(err, MM_EINVAL,
			    "%s data needs more memory than the limit (%llu MiB); raise it with --decoder-memory",
			    trace_compression_name(z->kind), (unsigned long long)mib);
}

static const char *lzma_reason(lzma_ret r)
{
	switch (r) {
	case LZMA_FORMAT_ERROR: return "not in the xz format";
	case LZMA_OPTIONS_ERROR: return "unsupported options";
	case LZMA_DATA_ERROR: return "bad compressed data";
	case LZMA_MEM_ERROR: return "out of memory";
	default: return "decoder error";
	}
}

/*
 * One decoder step over the input: writes at most cap bytes to out and sets
 * *produced.  Returns MM_OK or an error.
 */
static int step(struct trace_inflate *z, unsigned char *out, size_t cap, size_t *produced, struct mm_error *err)
{
	size_t avail = z->in_len - z->in_pos, taken = 0;

	*produced = 0;
	switch (z->kind) {
	case TRACE_COMPRESSION_GZIP: {
		int rc;
		if (z->at_stream_end) {
			inflateReset(&z->gz); /* another member follows */
			z->at_stream_end = false;
		}
		z->gz.next_in = z->in + z->in_pos;
		z->gz.avail_in = (uInt)(avail > UINT32_MAX ? UINT32_MAX : avail);
		z->gz.next_out = out;
		z->gz.avail_out = (uInt)(cap > UINT32_MAX ? UINT32_MAX : cap);
		rc = inflate(&z->gz, Z_NO_FLUSH);
		taken = (size_t)(z->gz.next_in - (z->in + z->in_pos));
		*produced = (size_t)(z->gz.next_out - out);
		if (rc == Z_STREAM_END)
			z->at_stream_end = true;
		else if (rc == Z_MEM_ERROR)
			return mm_error_set(err, MM_ENOMEM, "out of memory in the gzip decoder");
		else if (rc != Z_OK && rc != Z_BUF_ERROR)
			return corrupt(z, taken, err, z->gz.msg ? z->gz.msg : "bad compressed data");
		break;
	}
	case TRACE_COMPRESSION_XZ: {
		lzma_ret rc;
		z->xz.next_in = z->in + z->in_pos;
		z->xz.avail_in = avail;
		z->xz.next_out = out;
		z->xz.avail_out = cap;
		rc = lzma_code(&z->xz, z->in_eof && avail == 0 ? LZMA_FINISH : LZMA_RUN);
		taken = (size_t)(z->xz.next_in - (z->in + z->in_pos));
		*produced = (size_t)(z->xz.next_out - out);
		if (rc == LZMA_STREAM_END)
			z->at_stream_end = true;
		else if (rc == LZMA_MEMLIMIT_ERROR)
			return over_limit(z, err);
		else if (rc != LZMA_OK && rc != LZMA_BUF_ERROR)
			return corrupt(z, taken, err, lzma_reason(rc));
		break;
	}
	default: {
		ZSTD_inBuffer in = { z->in + z->in_pos, avail, 0 };
		ZSTD_outBuffer o = { out, cap, 0 };
		size_t rc = ZSTD_decompressStream(z->zs, &o, &in);
		taken = in.pos;
		*produced = o.pos;
		if (ZSTD_isError(rc) && ZSTD_getErrorCode(rc) == ZSTD_error_frameParameter_windowTooLarge)
			return over_limit(z, err);
		if (ZSTD_isError(rc))
			return corrupt(z, taken, err, ZSTD_getErrorName(rc));
		z->at_stream_end = rc == 0;
		break;
	}
	}
	z->in_pos += taken;
	z->consumed += taken;
	return MM_OK;
}

/* Decodes into buf until something comes out or the input ends; errors go to z->fail. */
static long inflate_some(struct trace_inflate *z, unsigned char *buf, size_t cap)
{
	for (;;) {
		size_t produced;
		bool drained;

		if (fill_input(z, &z->fail))
			return INFLATE_FAILED;
		drained = z->in_pos == z->in_len && z->in_eof;
		if (drained && z->at_stream_end)
			return 0;
		if (z->kind == TRACE_COMPRESSION_GZIP && z->at_stream_end && z->in_pos == z->in_len)
			continue; /* only more input starts another member: read it first */
		if (step(z, buf, cap, &produced, &z->fail)) {
			z->failed = true;
			return produced ? (long)produced : -1; /* what decoded before the damage comes first */
		}
		if (produced)
			return (long)produced;
		if (drained && !z->at_stream_end)
			break; /* no input left, nothing came out, and the stream is not finished */
	}
	mm_error_set(&z->fail, MM_EINVAL, "truncated %s data (the input ends at byte %llu, inside a stream)",
		     trace_compression_name(z->kind), (unsigned long long)z->consumed);
	return INFLATE_FAILED;
}

long trace_inflate_read(struct trace_inflate *z, void *buf, size_t cap, struct mm_error *err)
{
	long k = z->failed ? -1 : inflate_some(z, buf, cap);

	if (k < 0) {
		z->failed = true;
		if (err)
			*err = z->fail;
	}
	return k;
}

uint64_t trace_inflate_consumed(const struct trace_inflate *z)
{
	return z->consumed;
}

void trace_inflate_close(struct trace_inflate *z)
{
	if (!z)
		return;
	switch (z->kind) {
	case TRACE_COMPRESSION_GZIP: inflateEnd(&z->gz); break;
	case TRACE_COMPRESSION_XZ: lzma_end(&z->xz); break;
	default: ZSTD_freeDCtx(z->zs); break;
	}
	free(z->in);
	free(z);
}
