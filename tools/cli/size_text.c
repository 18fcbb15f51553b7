/* size_text: byte counts as "4K", "2M", "64-byte". */
#include "size_text.h"

#include <stdio.h>

void format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	unsigned u = 0;
	uint64_t v = bytes;

	if (bytes == 0 || bytes % 1024) {
		snprintf(buf, len, "%llu", (unsigned long long)bytes);
		return;
	}
	while (v % 1024 == 0 && v >= 1024 && u < sizeof(units) - 1) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%llu%c", (unsigned long long)v, units[u - 1]);
}

void format_page_size(uint64_t bytes, char *buf, size_t len)
{
	if (bytes % 1024)
		snprintf(buf, len, "%llu-byte", (unsigned long long)bytes);
	else
		format_size(bytes, buf, len);
}
