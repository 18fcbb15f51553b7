/* size_name: see size_name.h. */
#include "size_name.h"

#include <inttypes.h>
#include <stdio.h>

const char *size_name(uint64_t size, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	unsigned u = 0;

	if (size < 1024 || (size & 1023)) {
		snprintf(buf, len, "%" PRIu64, size);
		return buf;
	}
	size >>= 10;
	while (u + 1 < sizeof(units) - 1 && size >= 1024 && !(size & 1023)) {
		size >>= 10;
		u++;
	}
	snprintf(buf, len, "%" PRIu64 "%c", size, units[u]);
	return buf;
}
