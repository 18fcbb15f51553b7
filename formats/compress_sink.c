/*
 * compress_sink: streaming compression of a written trace with the libraries
 * the readers already use (zstd, liblzma, zlib), chosen by the file name's
 * suffix.
 */
#include "compress_sink.h"

#include <errno.h>
#include <lzma.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define OUT_BUF (256u * 1024u)

enum codec { CODEC_NONE, CODEC_ZSTD, CODEC_XZ, CODEC_GZ };

struct compress_sink {
	int fd;
	enum codec codec;
	ZSTD_CStream *zstd;
	lzma_stream xz;
	z_stream gz;
	unsigned char out[OUT_BUF];
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

bool write_all_fd(int fd, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		p += k;
		n -= (size_t)k;
	}
	return true;
}

struct compress_sink *compress_sink_open(const char *name, int fd)
{
	struct compress_sink *s = calloc(1, sizeof(*s));
	lzma_stream init = LZMA_STREAM_INIT;

	if (!s)
		return NULL;
	s->fd = fd;
	s->xz = init;
	s->codec = ends_with(name, ".zst") ? CODEC_ZSTD : ends_with(name, ".xz") ? CODEC_XZ
		 : ends_with(name, ".gz") ? CODEC_GZ : CODEC_NONE;
	if ((s->codec == CODEC_ZSTD && !(s->zstd = ZSTD_createCStream())) ||
	    (s->codec == CODEC_XZ && lzma_easy_encoder(&s->xz, 6, LZMA_CHECK_CRC64) != LZMA_OK) ||
	    (s->codec == CODEC_GZ && deflateInit2(&s->gz, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)) {
		free(s);
		return NULL;
	}
	return s;
}

/* Feeds buf (end: and finishes the stream) through the codec to the file. */
static bool pump(struct compress_sink *s, const void *buf, size_t n, bool end)
{
	switch (s->codec) {
	case CODEC_NONE:
		return write_all_fd(s->fd, buf, n);
	case CODEC_ZSTD: {
		ZSTD_inBuffer in = { buf, n, 0 };
		size_t left;
		do {
			ZSTD_outBuffer out = { s->out, OUT_BUF, 0 };
			left = ZSTD_compressStream2(s->zstd, &out, &in, end ? ZSTD_e_end : ZSTD_e_continue);
			if (ZSTD_isError(left) || !write_all_fd(s->fd, s->out, out.pos))
				return errno = errno ? errno : EIO, false;
		} while (end ? left != 0 : in.pos < in.size);
		return true;
	}
	case CODEC_XZ: {
		lzma_ret r;
		s->xz.next_in = buf;
		s->xz.avail_in = n;
		do {
			s->xz.next_out = s->out;
			s->xz.avail_out = OUT_BUF;
			r = lzma_code(&s->xz, end ? LZMA_FINISH : LZMA_RUN);
			if ((r != LZMA_OK && r != LZMA_STREAM_END) || !write_all_fd(s->fd, s->out, OUT_BUF - s->xz.avail_out))
				return errno = errno ? errno : EIO, false;
		} while (end ? r != LZMA_STREAM_END : s->xz.avail_in > 0);
		return true;
	}
	case CODEC_GZ: {
		int r;
		s->gz.next_in = (unsigned char *)(uintptr_t)buf;
		s->gz.avail_in = (uInt)n;
		do {
			s->gz.next_out = s->out;
			s->gz.avail_out = OUT_BUF;
			r = deflate(&s->gz, end ? Z_FINISH : Z_NO_FLUSH);
			if (r == Z_STREAM_ERROR || !write_all_fd(s->fd, s->out, OUT_BUF - s->gz.avail_out))
				return errno = errno ? errno : EIO, false;
		} while (end ? r != Z_STREAM_END : s->gz.avail_in > 0 || s->gz.avail_out == 0);
		return true;
	}
	}
	return false;
}

bool compress_sink_write(struct compress_sink *s, const void *buf, size_t n)
{
	return pump(s, buf, n, false);
}

void compress_sink_free(struct compress_sink *s)
{
	if (!s)
		return;
	ZSTD_freeCStream(s->zstd);
	lzma_end(&s->xz);
	if (s->codec == CODEC_GZ)
		deflateEnd(&s->gz);
	free(s);
}

bool compress_sink_finish(struct compress_sink *s)
{
	bool ok;

	if (!s)
		return true;
	ok = pump(s, NULL, 0, true);
	compress_sink_free(s);
	return ok;
}
