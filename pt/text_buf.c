/* text_buf: appending to a fixed buffer (see text_buf.h). */
#include "text_buf.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

void text_put(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
	va_list ap;

	if (*n >= len)
		return;
	va_start(ap, fmt);
	*n += (size_t)vsnprintf(buf + *n, len - *n, fmt, ap);
	va_end(ap);
}

void text_put_listed(char *buf, size_t len, size_t *n, size_t i, size_t count, const char *word)
{
	text_put(buf, len, n, "%s%s", i == 0 ? "" : i + 1 == count ? " or " : ", ", word);
}

void text_put_bit_names(char *buf, size_t len, size_t *n, uint64_t code, const char *const *names,
			unsigned count)
{
	bool any = false;

	text_put(buf, len, n, "(");
	for (unsigned i = 0; i < count; i++)
		if (code & (1ull << i)) {
			text_put(buf, len, n, "%s%s", any ? " " : "", names[i]);
			any = true;
		}
	text_put(buf, len, n, "%s)", any ? "" : "none");
}

void text_put_bit_runs(char *buf, size_t len, size_t *n, uint64_t mask)
{
	unsigned runs = 0, k = 0;

	for (int hi = 63; hi >= 0; hi--)
		if (mask >> hi & 1 && (hi == 63 || !(mask >> (hi + 1) & 1)))
			runs++;
	text_put(buf, len, n, "bit%s ", __builtin_popcountll(mask) > 1 ? "s" : "");
	for (int hi = 63; hi >= 0; hi--) {
		if (!(mask >> hi & 1))
			continue;
		int lo = hi;
		while (lo > 0 && (mask >> (lo - 1) & 1))
			lo--;
		text_put(buf, len, n, "%s", k == 0 ? "" : k + 1 == runs ? " and " : ", ");
		if (lo == hi)
			text_put(buf, len, n, "%d", hi);
		else
			text_put(buf, len, n, "%d:%d", hi, lo);
		k++;
		hi = lo;
	}
}
