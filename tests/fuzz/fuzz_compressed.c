/*
 * fuzz_compressed: gzip, xz and zstd input (trace_inflate.c) under the
 * auto-detecting reader.  The first input byte picks the codec and its magic
 * is put in front of the rest, so every input reaches a decoder; the seeds
 * are real compressed traces with their first byte replaced.
 */
#define _GNU_SOURCE /* memfd_create */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_trace_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct { const char *magic; size_t len; } codecs[] = {
		{ "\x1f\x8b", 2 }, { "\xfd" "7zXZ\0", 6 }, { "\x28\xb5\x2f\xfd", 4 },
	};
	uint8_t *buf;
	int rc;

	if (size < 1)
		return 0;
	unsigned c = data[0] % 3;
	if (!(buf = malloc(codecs[c].len + size - 1)))
		abort();
	memcpy(buf, codecs[c].magic, codecs[c].len);
	memcpy(buf + codecs[c].len, data + 1, size - 1);
	rc = fuzz_trace_reader(buf, codecs[c].len + size - 1, TRACE_FORMAT_AUTO);
	free(buf);
	return rc;
}
