/*
 * mmusim convert: rewrites a trace (text, lackey or binary) in the compact
 * binary format, which replays fastest.  The result reads back to the same
 * events.  OUTPUT appears only once every event was converted: a bad input
 * line leaves no output at all (not a shorter file that looks complete).
 */
#include "commands.h"

#include <string.h>

#include "cli_errors.h"
#include "cli_lists.h"
#include "cli_machine.h"
#include "cli_options.h"
#include "cli_output.h"

#define BATCH 4096

static const char convert_help[] =
	"usage: mmusim convert [--format FMT] INPUT OUTPUT\n"
	"\n"
	"Writes INPUT (any trace format, plain or .gz/.xz/.zst) as a binary trace OUTPUT\n"
	"('-' for stdout), compressed when OUTPUT ends in .gz, .xz or .zst.\n"
	"\n"
	"options:\n"
	"  --format FMT         {formats}\n"
	"                       (default auto: detected from the content)\n";

int cmd_convert(struct cli *cli, struct args *a)
{
	enum mmusim_trace_format fmt = MMUSIM_TRACE_AUTO;
	const char *files[2] = { NULL, NULL }, *v;
	int nr_files = 0, r, rc = EXIT_OK;
	mmusim_trace *rd = NULL;
	mmusim_trace_writer *wr = NULL;
	mmusim_event ev[BATCH];
	mmusim_error err = { 0 };
	long n;

	while (a->i < a->argc) {
		const char *arg = a->argv[a->i];
		if (args_help(a)) {
			cli_put_help(convert_help, stdout);
			return EXIT_OK;
		}
		if ((r = cli_decoder_memory_option(cli, a)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			continue;
		}
		if ((r = args_value(a, "--format", &v)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			if (mmusim_trace_format_parse(v, &fmt) != MMUSIM_OK)
				return cli_bad_format(v);
			continue;
		}
		if (arg[0] == '-' && arg[1] == '-')
			return cli_unknown_option("convert", arg);
		if (nr_files == 2)
			return cli_usage_error("convert: too many arguments (see mmusim convert --help)");
		files[nr_files++] = arg;
		a->i++;
	}
	if (nr_files != 2)
		return cli_usage_error("convert: needs INPUT and OUTPUT (see mmusim convert --help)");
	if ((rc = cli_output_check(cli, files[1], files, 1)) != EXIT_OK)
		return rc;
	if (cli_trace_open(cli, files[0], fmt, &rd, &err) || mmusim_trace_writer_open(files[1], &wr, &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	while ((n = mmusim_trace_next(rd, ev, BATCH, &err)) > 0) {
		if (mmusim_trace_writer_put(wr, ev, (size_t)n, &err)) {
			rc = cli_output_fail(&err);
			goto out;
		}
	}
	if (n < 0)
		rc = cli_fail(&err);
	else
		cli_trace_warn(rd, files[0]);
out:
	if (rc != EXIT_OK)
		mmusim_trace_writer_abort(wr);
	else if (mmusim_trace_writer_close(wr, &err))
		rc = cli_output_fail(&err);
	mmusim_trace_close(rd);
	return rc;
}
