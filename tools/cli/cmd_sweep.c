/*
 * mmusim sweep: many machine models over the same traces in one pass per
 * trace.  Each trace is read and decoded once and every config's machine
 * replays it (sim/sweep.c, on --jobs threads); the result is one comparison
 * table (or CSV, or each replay's JSON report exactly as `replay --json`
 * prints it).  With --emit-jobs it runs nothing and prints one `mmusim
 * replay` command line per (trace, config) instead, for GNU parallel or a
 * Slurm array; `mmusim merge` turns their JSON results into the same table.
 */
#include "commands.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_errors.h"
#include "cli_machine.h"
#include "cli_options.h"
#include "cli_output.h"
#include "replay_report.h"
#include "sweep_csv_dir.h"
#include "sweep_report.h"
#include "threads_to_cpus.h"

static const char sweep_help[] =
	"usage: mmusim sweep --config NAME|FILE [--config ...]... [options] --trace TRACE [TRACE...]\n"
	"\n"
	"Replays every TRACE on every config's machine, reading each trace once, and\n"
	"prints one comparison table: a row per (trace, config).\n"
	"\n"
	"options:\n"
	"  --config NAME|FILE   a machine to compare (repeat; the rows are named by the\n"
	"                       configs' names, 'x86_64 (a.yaml)' where two share one)\n"
	"  --trace TRACE        a trace (repeat, or give traces as arguments)\n"
	"  --jobs N             replay on N threads (default 1); the trace is still read once\n"
	"  --format FMT, --demand-paging[=SIZE], --no-auto-flush, --check-stale, --warmup N,\n"
	"  --setup TRACE, --map LINE     as for mmusim replay, for every machine\n"
	"  --csv FILE           also write the table as CSV\n"
	"  --threads-to-cpus one-each|round-robin:K|FILE   the CPU each 'thread N' runs on\n"
	"  --interval N --csv-dir DIR   every N accesses, a row of each replay's interval\n"
	"                       CSV (as replay --interval N --csv FILE): DIR/0001.csv ...\n"
	"                       in the table's row order\n"
	"  --json               each replay's JSON report, one per line (as replay --json)\n"
	"  --emit-jobs          print one 'mmusim replay' command per (trace, config)\n"
	"                       instead of running them; its JSON goes to DIR/NNNN.json\n"
	"  --results DIR        with --emit-jobs: where the results go (default results);\n"
	"                       then: mmusim merge DIR/*.json\n";

struct sweep_args {
	const char **configs;
	size_t nr_configs;
	const char **traces;
	size_t nr_traces;
	const char **fwd;           /* replay options, as given, for --emit-jobs */
	size_t nr_fwd;
	unsigned jobs;
	enum mmusim_trace_format format;
	mmusim_mmu_options opt;
	uint64_t warmup;            /* --warmup: accesses before the statistics reset */
	const char *csv;
	const char *csv_dir;        /* --csv-dir: each replay's interval CSV (sweep_csv_dir.h); opt.interval its rows */
	bool csv_dir_created;       /* this sweep made csv_dir */
	bool emit_jobs;
	const char *results;
	const char *threads_spec;   /* --threads-to-cpus */
	struct threads_to_cpus threads;
};

static int push(const char ***list, size_t *n, const char *s)
{
	const char **l = realloc(*list, (*n + 1) * sizeof(*l));

	if (!l)
		return cli_usage_error("out of memory");
	*list = l;
	l[(*n)++] = s;
	return EXIT_OK;
}

static int parse_sweep_args(struct cli *cli, struct args *a, struct sweep_args *sa, bool *help)
{
	const char *v;
	int r;

	while (a->i < a->argc) {
		const char *arg = a->argv[a->i];

		if (args_help(a)) {
			*help = true;
			return EXIT_OK;
		}
		if ((r = args_value(a, "--config", &v)) != 0) {
			if (r < 0 || push(&sa->configs, &sa->nr_configs, v))
				return EXIT_BAD_INPUT;
			continue;
		}
		if ((r = args_value(a, "--trace", &v)) != 0) {
			if (r < 0 || push(&sa->traces, &sa->nr_traces, v))
				return EXIT_BAD_INPUT;
			continue;
		}
		if ((r = args_value(a, "--jobs", &v)) != 0) {
			uint64_t n;
			if (r < 0)
				return EXIT_BAD_INPUT;
			if (mmusim_parse_number(v, false, &n, NULL) != MMUSIM_OK || n < 1 || n > MMUSIM_REPLAY_THREADS_MAX)
				return cli_usage_error("bad --jobs '%s' (expected 1 to %d threads)", v, MMUSIM_REPLAY_THREADS_MAX);
			sa->jobs = (unsigned)n;
			continue;
		}
		int first = a->i;
		if ((r = cli_replay_option(a, &sa->format, &sa->opt, &sa->warmup)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			/* --emit-jobs hands them on to each replay as they were written. */
			for (; first < a->i; first++)
				if (push(&sa->fwd, &sa->nr_fwd, a->argv[first]))
					return EXIT_BAD_INPUT;
			continue;
		}
		if ((r = args_value(a, "--threads-to-cpus", &sa->threads_spec)) != 0) {
			if (r < 0 || push(&sa->fwd, &sa->nr_fwd, "--threads-to-cpus") ||
			    push(&sa->fwd, &sa->nr_fwd, sa->threads_spec))
				return EXIT_BAD_INPUT;
			continue;
		}
		if ((r = cli_interval_option(a, &sa->opt.interval)) != 0 || (r = args_value(a, "--csv-dir", &sa->csv_dir)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			continue;
		}
		if (args_flag(a, "--emit-jobs")) {
			sa->emit_jobs = true;
			continue;
		}
		if ((r = args_value(a, "--csv", &sa->csv)) != 0 || (r = args_value(a, "--results", &sa->results)) != 0 ||
		    (r = cli_common_option(cli, a)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			continue;
		}
		if (arg[0] == '-' && arg[1] != '\0')
			return cli_unknown_option("sweep", arg);
		if (push(&sa->traces, &sa->nr_traces, arg))
			return EXIT_BAD_INPUT;
		a->i++;
	}
	if (cli->image)
		return cli_usage_error("sweep: --image is not supported (each machine builds its own tables)");
	if (!sa->nr_traces)
		return cli_usage_error("sweep: no trace given (see mmusim sweep --help)");
	/* Each trace is read once per pass and each --setup once per machine: stdin can be read only once. */
	size_t from_stdin = 0;
	for (size_t t = 0; t < sa->nr_traces; t++)
		from_stdin += strcmp(sa->traces[t], "-") == 0;
	if (from_stdin > 1)
		return cli_usage_error("sweep: stdin ('-') named as a trace %zu times (it can be read once)", from_stdin);
	for (int s = 0; s < cli->nr_setup; s++)
		if (!cli->setup[s].is_map && strcmp(cli->setup[s].text, "-") == 0)
			return cli_usage_error("sweep: --setup - (stdin) would be read once per machine: give a file");
	if (!sa->nr_configs && push(&sa->configs, &sa->nr_configs, cli->config ? cli->config : CLI_DEFAULT_CONFIG))
		return EXIT_BAD_INPUT;
	if (sa->results && !sa->emit_jobs)
		return cli_usage_error("sweep: --results goes with --emit-jobs");
	/* The jobs run later: no table exists yet to write (it was silently not written). */
	if (sa->csv && sa->emit_jobs)
		return cli_usage_error("sweep: --csv does not go with --emit-jobs (the table comes from the jobs' "
				       "results: mmusim merge --csv FILE DIR/*.json)");
	/* '' names no folder: a job's `mkdir -p ''` would fail, and only when the jobs run. */
	if (sa->results && !*sa->results)
		return cli_usage_error("sweep: bad --results '' (expected a directory)");
	if (sa->csv_dir && !*sa->csv_dir)
		return cli_usage_error("sweep: bad --csv-dir '' (expected a directory)");
	if (sa->opt.interval && !sa->csv_dir)
		return cli_usage_error("sweep: --interval needs --csv-dir DIR for the time series");
	if (sa->csv_dir && !sa->opt.interval)
		return cli_usage_error("sweep: --csv-dir needs --interval N");
	return EXIT_OK;
}

/*
 * A job is one line of POSIX shell, run by `sed -n "${ID}p" jobs | sh` or
 * handed line by line to GNU parallel.  Single quotes make every byte but the
 * quote itself literal, so each word is written in them (a quote as '\'').
 * What quoting cannot fix is a newline: even quoted it ends the line sed
 * picks, and the rest of the word would reach the shell as code.  So a word
 * with a newline is refused, and with it every other control byte (CR ends a
 * line for some readers, ESC acts on the terminal a jobs file is read on).
 */
static int job_word_check(const char *what, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return cli_usage_error("sweep --emit-jobs: %s '%s' has a control byte: a job must be one line of "
					       "plain shell text; rename it", what, s);
	return EXIT_OK;
}

/* Every word emit_jobs will write, checked before a line is printed; a trace read from stdin cannot be a job. */
static int job_words_check(const struct cli *cli, const struct args *a, const struct sweep_args *sa)
{
	int rc = job_word_check("program", a->argv[0]);

	if (sa->results && !rc)
		rc = job_word_check("--results", sa->results);
	if (sa->csv_dir && !rc)
		rc = job_word_check("--csv-dir", sa->csv_dir);
	for (size_t c = 0; c < sa->nr_configs && !rc; c++)
		rc = job_word_check("config", sa->configs[c]);
	for (int s = 0; s < cli->nr_setup && !rc; s++)
		rc = job_word_check(!cli->setup[s].is_map ? "--setup" : cli->setup[s].stage2 ? "--gmap" : "--map",
				    cli->setup[s].text);
	for (size_t f = 0; f < sa->nr_fwd && !rc; f++)
		rc = job_word_check("option", sa->fwd[f]);
	for (size_t t = 0; t < sa->nr_traces && !rc; t++) {
		if (strcmp(sa->traces[t], "-") == 0)
			return cli_usage_error("sweep --emit-jobs: a trace from stdin ('-') cannot be read by separate jobs");
		rc = job_word_check("trace", sa->traces[t]);
	}
	return rc;
}

/* s as one shell word; an operand that starts with '-' gets "./" so no command takes it for an option. */
static void shell_word(FILE *out, const char *s, bool operand)
{
	fputs(operand && s[0] == '-' ? "'./" : "'", out);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", out);
		else
			fputc(*s, out);
	}
	fputc('\'', out);
}

/* dir + name as one shell word. */
static void shell_path(FILE *out, const char *dir, const char *name)
{
	char *path = malloc(strlen(dir) + strlen(name) + 1);

	if (path) {
		strcpy(path, dir);
		strcat(path, name);
		shell_word(out, path, false);
		free(path);
	}
}

/*
 * A job's shell redirection truncates its result before any mmusim runs, so
 * each result (and interval CSV) that already exists must be no job's input:
 * `--results DIR` holding a trace, a config, a --setup or --threads-to-cpus
 * file as NNNN.json would empty it for every job that reads it.
 */
static int job_outputs_check(const struct cli *cli, const struct sweep_args *sa)
{
	const char *dir = sa->results ? sa->results : "results";
	size_t jobs = sa->nr_traces * sa->nr_configs;
	int rc = EXIT_OK;

	for (size_t job = 1; job <= jobs && rc == EXIT_OK; job++) {
		const char *dirs[2] = { dir, sa->csv_dir }, *suffix[2] = { "json", "csv" };
		for (int k = 0; k < 2 && rc == EXIT_OK && dirs[k]; k++) {
			char *path = malloc(strlen(dirs[k]) + 32);
			if (!path)
				return cli_usage_error("out of memory");
			sprintf(path, "%s/%04zu.%s", dirs[k], job, suffix[k]);
			if ((rc = cli_output_check(cli, path, sa->traces, sa->nr_traces)) == EXIT_OK &&
			    (rc = cli_output_check(cli, path, sa->configs, sa->nr_configs)) == EXIT_OK)
				rc = cli_output_check(cli, path, &sa->threads_spec, 1); /* a --threads-to-cpus FILE */
			free(path);
		}
	}
	return rc;
}

/* One command line per (trace, config), in the order the table lists them. */
static void emit_jobs(FILE *out, const struct cli *cli, const struct args *a, const struct sweep_args *sa)
{
	const char *dir = sa->results ? sa->results : "results";
	unsigned job = 0;

	for (size_t t = 0; t < sa->nr_traces; t++) {
		for (size_t c = 0; c < sa->nr_configs; c++) {
			char name[32];
			fputs("mkdir -p ", out);
			shell_word(out, dir, true);
			if (sa->csv_dir) {
				fputc(' ', out);
				shell_word(out, sa->csv_dir, true);
			}
			fputs(" && ", out);
			shell_word(out, a->argv[0], false);
			fputs(" --config ", out);
			shell_word(out, sa->configs[c], false);
			fputs(" --json replay --no-progress", out);
			/* A common option, not in fwd: without it a job would decode under another limit than the sweep. */
			if (cli->decoder_memory)
				fprintf(out, " --decoder-memory %" PRIu64, cli->decoder_memory);
			for (int s = 0; s < cli->nr_setup; s++) {
				fputs(!cli->setup[s].is_map ? " --setup " : cli->setup[s].stage2 ? " --gmap " : " --map ", out);
				shell_word(out, cli->setup[s].text, false);
			}
			for (size_t f = 0; f < sa->nr_fwd; f++) {
				fputc(' ', out);
				shell_word(out, sa->fwd[f], false);
			}
			++job;
			if (sa->csv_dir) {
				/* The name sweep_csv_dir.h gives the same row's CSV. */
				snprintf(name, sizeof(name), "/%04u.csv", job);
				fprintf(out, " --interval %" PRIu64 " --csv ", sa->opt.interval);
				shell_path(out, sa->csv_dir, name);
			}
			fputc(' ', out);
			shell_word(out, sa->traces[t], true);
			fputs(" > ", out);
			snprintf(name, sizeof(name), "/%04u.json", job);
			shell_path(out, dir, name);
			fputc('\n', out);
		}
	}
}

/* The machines of one trace's pass: one per config. */
struct pass {
	mmusim_machine **m;
	mmusim_mmu **mmu;
	mmusim_error *errs;         /* each mmu's error, if its replay stopped */
	mmusim_output **csv;        /* with --csv-dir: each mmu's interval CSV, until committed */
};

static void pass_free(struct pass *p, size_t n)
{
	for (size_t i = 0; p->mmu && i < n; i++)
		mmusim_mmu_destroy(p->mmu[i]);
	for (size_t i = 0; p->csv && i < n; i++)
		mmusim_output_abort(p->csv[i]);  /* not committed: that replay did not finish */
	free(p->csv);
	for (size_t i = 0; p->m && i < n; i++)
		mmusim_machine_destroy(p->m[i]);
	free(p->m);
	free(p->mmu);
	free(p->errs);
	memset(p, 0, sizeof(*p));
}

/* The interval CSVs of trace t's pass (with --csv-dir): EXIT_OK, or the exit status after printing why not. */
static int pass_open_csv(const struct cli *cli, const struct sweep_args *sa, size_t t, struct pass *p)
{
	int rc = EXIT_OK;

	if (!sa->csv_dir)
		return EXIT_OK;
	if (!(p->csv = calloc(sa->nr_configs, sizeof(*p->csv))))
		return cli_usage_error("out of memory");
	for (size_t c = 0; c < sa->nr_configs && rc == EXIT_OK; c++)
		rc = sweep_csv_dir_open(cli, sa->csv_dir, t * sa->nr_configs + c + 1, sa->traces, sa->nr_traces,
					sa->configs, sa->nr_configs, &p->csv[c]);
	return rc;
}

static int pass_build(const struct cli *cli, const struct sweep_args *sa, struct pass *p, mmusim_error *err)
{
	size_t n = sa->nr_configs;

	p->m = calloc(n, sizeof(*p->m));
	p->mmu = calloc(n, sizeof(*p->mmu));
	p->errs = calloc(n, sizeof(*p->errs));
	if (!p->m || !p->mmu || !p->errs)
		return cli_set_error(err, MMUSIM_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct cli one = *cli;
		mmusim_mmu_options opt = sa->opt;
		int rc;

		one.config = sa->configs[i];
		opt.interval_csv = p->csv ? mmusim_output_stream(p->csv[i]) : NULL;
		if ((rc = cli_build_machine(&one, &p->m[i], err)) ||
		    (rc = cli_demand_page_size(mmusim_machine_config(p->m[i]), &opt, err)) ||
		    (rc = cli_mmu_create(p->m[i], &opt, sa->warmup, &p->mmu[i], err)) ||
		    (rc = threads_to_cpus_apply(&sa->threads, p->mmu[i], err)))
			return rc;
	}
	return MMUSIM_OK;
}

/* A machine whose policy is opt reads the trace once before the pass, as replay does. */
static int read_futures(const struct cli *cli, const struct sweep_args *sa, struct pass *p, size_t t,
			mmusim_error *err)
{
	for (size_t c = 0; c < sa->nr_configs; c++) {
		int rc = cli_read_future(cli, p->mmu[c], sa->traces[t], sa->format, "sweep", err);
		if (rc)
			return rc;
	}
	return MMUSIM_OK;
}

int cmd_sweep(struct cli *cli, struct args *a)
{
	struct sweep_args sa = { .jobs = 1, .format = MMUSIM_TRACE_AUTO };
	struct sweep_row *rows = NULL;
	size_t nr_rows = 0;
	const char **row_origin = NULL;
	size_t err_row = SIZE_MAX;       /* the row of the machine whose error stopped the sweep */
	mmusim_error err = { 0 }, first_err = { 0 };
	bool help = false, failed = false;
	int rc;

	if ((rc = parse_sweep_args(cli, a, &sa, &help)) != EXIT_OK || help) {
		if (help)
			fputs(sweep_help, stdout);
		goto out;
	}
	if (sa.threads_spec && threads_to_cpus_parse("sweep", sa.threads_spec, MMUSIM_MAX_CPUS, &sa.threads, &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	if (threads_to_cpus_is_file(sa.threads_spec))
		cli->threads_map = sa.threads_spec;
	if (sa.emit_jobs) {
		if ((rc = job_words_check(cli, a, &sa)) != EXIT_OK || (rc = job_outputs_check(cli, &sa)) != EXIT_OK)
			goto out;
		emit_jobs(stdout, cli, a, &sa);
		goto out;
	}
	if ((rc = cli_output_not_stdout("sweep", "--csv", sa.csv, "the CSV", "table")) != EXIT_OK ||
	    (rc = cli_output_check(cli, sa.csv, sa.traces, sa.nr_traces)) != EXIT_OK ||
	    (rc = cli_output_check(cli, sa.csv, sa.configs, sa.nr_configs)) != EXIT_OK ||
	    (sa.csv_dir && (rc = sweep_csv_dir_check(sa.csv_dir, sa.nr_traces * sa.nr_configs, sa.csv)) != EXIT_OK) ||
	    (sa.csv_dir && (rc = sweep_csv_dir_prepare(sa.csv_dir, &sa.csv_dir_created)) != EXIT_OK))
		goto out;
	if (!(rows = calloc(sa.nr_traces * sa.nr_configs, sizeof(*rows)))) {
		rc = cli_usage_error("out of memory");
		goto out;
	}
	for (size_t t = 0; t < sa.nr_traces && !failed; t++) {
		mmusim_trace *rd = NULL;
		struct pass p = { 0 };
		int trc;

		if ((rc = pass_open_csv(cli, &sa, t, &p)) != EXIT_OK) {
			pass_free(&p, sa.nr_configs);
			goto out;
		}
		if (pass_build(cli, &sa, &p, &err) || read_futures(cli, &sa, &p, t, &err) ||
		    cli_trace_open(cli, sa.traces[t], sa.format, &rd, &err)) {
			pass_free(&p, sa.nr_configs);
			if (t == 0) { /* nothing to show yet: the error alone */
				rc = cli_fail(&err);
				goto out;
			}
			first_err = err;
			failed = true;
			break;
		}
		trc = mmusim_mmu_replay_many(p.mmu, sa.nr_configs, rd, sa.jobs, p.errs, &err);
		if (trc > 0) { /* nothing ran */
			mmusim_trace_close(rd);
			pass_free(&p, sa.nr_configs);
			if (t == 0) {
				rc = cli_fail(&err);
				goto out;
			}
			first_err = err;
			failed = true;
			break;
		}
		if (trc < 0) { /* the trace's error is the one to show: every machine stopped there */
			first_err = err;
			failed = true;
		} else {
			cli_trace_warn(rd, sa.traces[t]);
		}
		/* The warm-up's note: once for the trace when every config agrees, else per config. */
		struct replay_summary note = { 0 };
		bool notes_differ = false;
		for (size_t c = 0; c < sa.nr_configs; c++) {
			struct sweep_row *row = &rows[nr_rows++];
			const char *format = mmusim_trace_format_name(mmusim_trace_format(rd));
			const char *name = mmusim_config_name(mmusim_machine_config(p.m[c]));
			struct replay_summary sum;
			mmusim_mmu_finish(p.mmu[c]);
			replay_summary_from_mmu(&sum, p.mmu[c], mmusim_machine_config(p.m[c]), sa.opt.check_stale);
			if (sweep_row_fill(row, sa.traces[t], format, name)) {
				rc = cli_usage_error("out of memory");
				mmusim_trace_close(rd);
				pass_free(&p, sa.nr_configs);
				goto out;
			}
			sweep_row_from_stats(row, &sum.stats);
			if (c == 0)
				note = sum;
			else if (sum.warmup_left != note.warmup_left || replay_summary_accesses(&sum) != replay_summary_accesses(&note))
				notes_differ = true;
			if (cli->json) {
				struct replay_report_info info = { .trace = sa.traces[t], .format = format };
				replay_summary_report(stdout, true, &sum, &info);
			}
			/* A replay that stopped leaves no CSV, as replay's --csv does. */
			bool whole = trc == 0 && !p.errs[c].code;
			if (p.csv) {
				int crc = cli_output_finish(p.csv[c], whole ? EXIT_OK : EXIT_BAD_INPUT);
				p.csv[c] = NULL;
				if (whole && crc != EXIT_OK) { /* the write error is printed */
					rc = crc;
					mmusim_trace_close(rd);
					pass_free(&p, sa.nr_configs);
					goto out;
				}
			}
			if (p.errs[c].code && !failed) {
				/* Which machine (named below as its row is): the same trace line can be fine on the others. */
				first_err = p.errs[c];
				err_row = nr_rows - 1;
				failed = true;
			}
		}
		if (trc == 0) {
			for (size_t c = 0; notes_differ && c < sa.nr_configs; c++) {
				struct replay_summary sum;
				replay_summary_from_mmu(&sum, p.mmu[c], mmusim_machine_config(p.m[c]), sa.opt.check_stale);
				if (!p.errs[c].code)
					replay_warmup_note(stderr, sa.traces[t], rows[nr_rows - sa.nr_configs + c].config, &sum);
			}
			if (!notes_differ && !p.errs[0].code)
				replay_warmup_note(stderr, sa.traces[t], NULL, &note);
		}
		mmusim_trace_close(rd);
		pass_free(&p, sa.nr_configs);
	}
	if (!(row_origin = calloc(nr_rows ? nr_rows : 1, sizeof(*row_origin)))) {
		rc = cli_usage_error("out of memory");
		goto out;
	}
	for (size_t r = 0; r < nr_rows; r++)
		row_origin[r] = sa.configs[r % sa.nr_configs];
	if (sweep_rows_tell_apart(rows, nr_rows, row_origin)) {
		rc = cli_usage_error("out of memory");
		goto out;
	}
	if (err_row != SIZE_MAX)
		mmusim_error_prefix(&first_err, rows[err_row].config);
	if (!cli->json)
		sweep_table(stdout, rows, nr_rows);
	if (sa.csv && !failed) {
		mmusim_output *f;
		if ((rc = cli_output_open(cli, sa.csv, NULL, 0, &f)) != EXIT_OK)
			goto out;
		sweep_csv(mmusim_output_stream(f), rows, nr_rows);
		if ((rc = cli_output_commit(f)) != EXIT_OK)
			goto out;
	}
	rc = failed ? cli_fail(&first_err) : EXIT_OK;
out:
	/* A failed sweep leaves no folder it made and wrote nothing into (a full disk); rmdir keeps a non-empty one. */
	if (rc != EXIT_OK && sa.csv_dir_created)
		rmdir(sa.csv_dir);
	if (rows)
		sweep_rows_free(rows, nr_rows);
	free(row_origin);
	free(sa.configs);
	free(sa.traces);
	free(sa.fwd);
	threads_to_cpus_free(&sa.threads);
	return rc;
}
