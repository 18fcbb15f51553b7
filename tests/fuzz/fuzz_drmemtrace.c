/* fuzz_drmemtrace: the DynamoRIO drmemtrace trace reader on arbitrary files (see fuzz_trace_reader.h). */
#define _GNU_SOURCE /* memfd_create */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_trace_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_trace_reader(data, size, TRACE_FORMAT_DRMEMTRACE);
}
