/* cli_errors: the one-line error messages and exit statuses (see cli_errors.h). */
#include "cli_errors.h"

#include <stdarg.h>
#include <stdio.h>

#include "term_text.h"

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mmusim: ", stderr);
	va_start(ap, fmt);
	term_vprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_BAD_INPUT;
}

int cli_unknown_option(const char *command, const char *arg)
{
	return cli_usage_error("%s: unknown option '%s' (see mmusim %s --help)", command, arg, command);
}

int cli_fail(const mmusim_error *err)
{
	term_printf(stderr, "mmusim: %s", err->message);
	fputc('\n', stderr);
	return EXIT_BAD_INPUT;
}

int cli_set_error(mmusim_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
	}
	return code;
}
