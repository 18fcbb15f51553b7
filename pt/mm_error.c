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
	char old[sizeof(err->msg)];
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
}
