/* mm_error: formatting of error values (see mm_error.h). */
#include "mm_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int mm_error_set(struct mm_error *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
		err->code = code;
	}
	return code;
}

void mm_error_prefix(struct mm_error *err, const char *fmt, ...)
{
	char prefixed[sizeof(err->msg)];
	size_t plen;
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(prefixed, sizeof(prefixed), fmt, ap);
	va_end(ap);
	plen = strlen(prefixed);
	/* The prefix (a file name) is kept whole when the two do not fit: the message's end goes
	 * (cut by hand: snprintf would warn of the truncation we mean). */
	if (plen + 2 < sizeof(prefixed)) {
		size_t mlen = strnlen(err->msg, sizeof(err->msg) - 1), room = sizeof(prefixed) - plen - 3;

		memcpy(prefixed + plen, ": ", 2);
		memcpy(prefixed + plen + 2, err->msg, mlen < room ? mlen : room);
		prefixed[plen + 2 + (mlen < room ? mlen : room)] = '\0';
	}
	memcpy(err->msg, prefixed, sizeof(err->msg));
}
