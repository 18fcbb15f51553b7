/*
 * mmusim convert: rewrites a trace (text, lackey or binary) in the compact
 * binary format, which replays fastest.  The result reads back to the same
 * events.
 */
#include "cli.h"

#include <string.h>

#include "sim/trace.h"

#define BATCH 4096

static const char convert_help[] =
	"usage: mmusim convert [--format FMT] INPUT OUTPUT\n"
	"\n"
	"Writes INPUT (any trace format, plain or .gz/.xz/.zst) as a binary trace OUTPUT\n"
	"('-' for stdout).  FMT: auto (detected), text, lackey, binary, champsim, din,\n"
	"pinatrace.\n";

int cmd_convert(struct cli *cli, struct args *a)
{
	enum trace_format fmt = TRACE_FORMAT_AUTO;
	const char *files[2] = { NULL, NULL }, *v;
	int nr_files = 0, r, rc = EXIT_OK;
	struct trace_reader *rd = NULL;
	struct trace_writer *wr = NULL;
	struct trace_event ev[BATCH];
	struct mm_error err = { 0 };
	long n;

	(void)cli;
	while (a->i < a->argc) {
		const char *arg = a->argv[a->i];
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			fputs(convert_help, stdout);
			return EXIT_OK;
		}
		if ((r = args_value(a, "--format", &v)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			if (trace_format_parse(v, &fmt) != 0)
				return cli_usage_error("bad --format '%s' (expected auto, text, lackey, binary, champsim, din or pinatrace)", v);
			continue;
		}
		if (arg[0] == '-' && arg[1] == '-')
			return cli_usage_error("convert: unknown option '%s' (see mmusim convert --help)", arg);
		if (nr_files == 2)
			return cli_usage_error("convert: too many arguments (see mmusim convert --help)");
		files[nr_files++] = arg;
		a->i++;
	}
	if (nr_files != 2)
		return cli_usage_error("convert: needs INPUT and OUTPUT (see mmusim convert --help)");
	if (trace_reader_open(files[0], fmt, &rd, &err) || trace_writer_open(files[1], &wr, &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	while ((n = trace_reader_next(rd, ev, BATCH, &err)) > 0) {
		if (trace_writer_put(wr, ev, (size_t)n, &err)) {
			rc = cli_fail(&err);
			goto out;
		}
	}
	if (n < 0)
		rc = cli_fail(&err);
out:
	if (wr && trace_writer_close(wr, rc == EXIT_OK ? &err : NULL) && rc == EXIT_OK)
		rc = cli_fail(&err);
	trace_reader_close(rd);
	return rc;
}
