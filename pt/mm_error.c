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
	char prefix[128];
	size_t plen, room;
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	plen = strlen(prefix) + 2; /* "prefix: " */
	room = sizeof(err->msg) - plen;
	memmove(err->msg + plen, err->msg, room);
	err->msg[sizeof(err->msg) - 1] = '\0';
	memcpy(err->msg, prefix, plen - 2);
	err->msg[plen - 2] = ':';
	err->msg[plen - 1] = ' ';
}
