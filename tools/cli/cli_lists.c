/*
 * cli_lists: the names the help texts and error messages list (the embedded
 * presets, the trace formats), always read from the tables they live in
 * (mmusim_preset_names, mmusim_trace_format_name), so that no hand-written
 * list can fall behind a new preset or format.
 */
#include "cli_lists.h"

#include <string.h>

#include "cli_errors.h"

/* Appends names[0..n) to buf joined by sep, with last before the final one. */
static void join(char *buf, size_t len, const char *const *names, size_t n, const char *sep,
		 const char *last)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		const char *before = i == 0 ? "" : i + 1 == n ? last : sep;
		int w = snprintf(buf + used, len - used, "%s%s", before, names[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

void cli_list_presets(char *buf, size_t len, const char *sep, const char *last)
{
	const char *const *names = mmusim_preset_names();
	size_t n = 0;

	while (names[n])
		n++;
	join(buf, len, names, n, sep, last);
}

void cli_list_formats(char *buf, size_t len, const char *sep, const char *last)
{
	const char *names[32];
	size_t n = 0;

	/* The formats are numbered from 0; past the last one the name is "unknown". */
	while (n < sizeof(names) / sizeof(names[0]) &&
	       strcmp(names[n] = mmusim_trace_format_name((enum mmusim_trace_format)n), "unknown") != 0)
		n++;
	join(buf, len, names, n, sep, last);
}

void cli_put_help(const char *text, FILE *out)
{
	static const struct {
		const char *token;
		void (*list)(char *, size_t, const char *, const char *);
		const char *sep, *last;
	} lists[] = {
		{ "{presets}", cli_list_presets, ", ", ", " },
		{ "{formats}", cli_list_formats, ", ", " or " },
		{ "{formats|}", cli_list_formats, "|", "|" },
	};
	const char *p = text;

	while (*p) {
		const char *open = strchr(p, '{');
		size_t i;
		if (!open) {
			fputs(p, out);
			return;
		}
		fwrite(p, 1, (size_t)(open - p), out);
		for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
			if (strncmp(open, lists[i].token, strlen(lists[i].token)) == 0)
				break;
		if (i == sizeof(lists) / sizeof(lists[0])) {
			fputc('{', out);
			p = open + 1;
			continue;
		}
		char names[512];
		lists[i].list(names, sizeof(names), lists[i].sep, lists[i].last);
		fputs(names, out);
		p = open + strlen(lists[i].token);
	}
}

int cli_bad_format(const char *name)
{
	char formats[256];

	cli_list_formats(formats, sizeof(formats), ", ", " or ");
	return cli_usage_error("bad --format '%s' (expected %s)", name, formats);
}
